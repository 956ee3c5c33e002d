import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import type { CameraView, RecordingView } from '../../main/api/contract/video';
import { call, onEvent, q } from '../api';
import { Card, ErrorBox, PageHeader, SecretField } from '../components/ui';
import { MaskEditor } from '../components/video/mask-editor';
import { defineStrings, useFormat, useT } from '../i18n';

const S = defineStrings({
  en: {
    title: 'Video',
    privacy: 'Faces are blurred on this computer before any picture is recorded, shown or streamed.',
    cameras: 'Cameras',
    none: 'No cameras yet. Find them on the network or add one by its address.',
    discover: 'Find cameras',
    discovering: 'Searching the network…',
    found: 'Found on the network',
    nothingFound:
      'No ONVIF camera answered. Check that the cameras are on this network, or add one by address.',
    use: 'Use this address',
    added: 'added',
    add: 'Add a camera',
    address: 'Address (IP, IP:port or device URL)',
    name: 'Name (optional)',
    user: 'User name',
    password: 'Password',
    addBtn: 'Add camera',
    adding: 'Connecting…',
    state_online: 'connecting',
    state_offline: 'offline',
    'state_auth-failed': 'wrong password',
    state_streaming: 'live',
    state_error: 'error',
    state_stopped: 'stopped',
    rec_on: 'recording',
    rec_off: 'not recording',
    'rec_disk-full': 'disk full — not recording',
    rec_failed: 'recording failed',
    noPicture: 'No picture yet',
    masks: 'Privacy masks',
    snapshot: 'Snapshot',
    remove: 'Remove',
    confirmRemove: 'Remove this camera? Its recordings stay until retention deletes them.',
    failClosed: '{n} frames blurred whole (detector behind)',
    streaming: 'streaming',
    maskHint:
      'Click on the picture to outline an area that must never be seen (e.g. a till or a neighbour’s window). Close each outline, then save.',
    close: 'Close outline',
    undo: 'Undo',
    clear: 'Clear all',
    save: 'Save masks',
    cancel: 'Cancel',
    recordings: 'Recordings',
    noRecordings: 'No recordings yet.',
    camera: 'Camera',
    start: 'Start',
    length: 'Length',
    size: 'Size',
    chain: 'On the chain',
    anchored: 'anchored in block {h}',
    pending: 'waiting for the next batch',
    verify: 'Verify',
    verified: 'file unchanged',
    tampered: 'file changed or missing!',
    stream: 'Stream',
    consentTitle: 'Streaming needs a recorded consent',
    grantedBy: 'Who consented',
    scope: 'What for',
    minutes: 'Minutes from now',
    recordConsent: 'Record consent',
    rtmpUrl: 'RTMP URL (e.g. rtmp://live.twitch.tv/app/KEY)',
    startStream: 'Start stream',
    stopStream: 'Stop stream',
  },
  ru: {
    title: 'Видео',
    privacy:
      'Лица размываются на этом компьютере до того, как кадр записывается, показывается или транслируется.',
    cameras: 'Камеры',
    none: 'Камер пока нет. Найдите их в сети или добавьте по адресу.',
    discover: 'Найти камеры',
    discovering: 'Ищем в сети…',
    found: 'Найдены в сети',
    nothingFound:
      'Ни одна камера ONVIF не ответила. Проверьте, что камеры в этой сети, или добавьте по адресу.',
    use: 'Взять этот адрес',
    added: 'добавлена',
    add: 'Добавить камеру',
    address: 'Адрес (IP, IP:порт или URL устройства)',
    name: 'Название (необязательно)',
    user: 'Пользователь',
    password: 'Пароль',
    addBtn: 'Добавить',
    adding: 'Подключаемся…',
    state_online: 'подключение',
    state_offline: 'нет связи',
    'state_auth-failed': 'неверный пароль',
    state_streaming: 'в эфире',
    state_error: 'ошибка',
    state_stopped: 'остановлена',
    rec_on: 'идёт запись',
    rec_off: 'без записи',
    'rec_disk-full': 'диск заполнен — запись остановлена',
    rec_failed: 'ошибка записи',
    noPicture: 'Изображения пока нет',
    masks: 'Маски',
    snapshot: 'Снимок',
    remove: 'Удалить',
    confirmRemove: 'Удалить камеру? Записи останутся до очистки по сроку хранения.',
    failClosed: '{n} кадров размыто целиком (детектор не успевал)',
    streaming: 'трансляция',
    maskHint:
      'Щёлкайте по изображению, чтобы обвести область, которую нельзя показывать (касса, окно соседа). Замкните контур и сохраните.',
    close: 'Замкнуть контур',
    undo: 'Отменить',
    clear: 'Очистить',
    save: 'Сохранить маски',
    cancel: 'Отмена',
    recordings: 'Записи',
    noRecordings: 'Записей пока нет.',
    camera: 'Камера',
    start: 'Начало',
    length: 'Длина',
    size: 'Размер',
    chain: 'В блокчейне',
    anchored: 'закреплено в блоке {h}',
    pending: 'ждёт следующей партии',
    verify: 'Проверить',
    verified: 'файл не изменён',
    tampered: 'файл изменён или отсутствует!',
    stream: 'Трансляция',
    consentTitle: 'Для трансляции нужно записанное согласие',
    grantedBy: 'Кто дал согласие',
    scope: 'На что',
    minutes: 'Минут от текущего момента',
    recordConsent: 'Записать согласие',
    rtmpUrl: 'RTMP-адрес (например rtmp://live.twitch.tv/app/KEY)',
    startStream: 'Начать трансляцию',
    stopStream: 'Остановить',
  },
});
type T = ReturnType<typeof useT<keyof typeof S.en>>;

/** The Video page: camera tiles with the anonymized live view, discovery and add-by-address, masks, recordings, consent-gated streaming. */
export function VideoPage() {
  const t = useT(S);
  const qc = useQueryClient();
  const cams = useQuery(q('video.cameras', {}));
  const [live, setLive] = useState<Record<string, string>>({});

  useEffect(() => {
    const offLive = onEvent('video.live', (p) =>
      setLive((m) => ({ ...m, [p.cameraId]: `data:image/jpeg;base64,${p.jpegBase64}` })),
    );
    const offStatus = onEvent('video.status', (p) => qc.setQueryData(['video.cameras', {}], p.cameras));
    return () => {
      offLive();
      offStatus();
    };
  }, [qc]);

  return (
    <div data-testid="video-page">
      <PageHeader title={t('title')} />
      <p className="muted">{t('privacy')}</p>
      {cams.error ? <ErrorBox error={cams.error} /> : null}
      <Card title={t('cameras')} testId="cameras">
        {cams.data && cams.data.length === 0 ? <div className="empty">{t('none')}</div> : null}
        <div className="grid">
          {(cams.data ?? []).map((c) => (
            <CameraTile key={c.id} cam={c} jpeg={live[c.id] ?? null} t={t} />
          ))}
        </div>
      </Card>
      <AddCamera t={t} />
      <Recordings t={t} cameras={cams.data ?? []} />
    </div>
  );
}

function CameraTile({ cam, jpeg, t }: { cam: CameraView; jpeg: string | null; t: T }) {
  const qc = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [streamOpen, setStreamOpen] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const refresh = (): void => void qc.invalidateQueries({ queryKey: ['video.cameras'] });
  const pill = cam.state === 'streaming' ? 'ok' : cam.state === 'online' ? 'warn' : 'err';

  const snapshot = async (): Promise<void> => {
    try {
      const s = await call('video.snapshot', { id: cam.id });
      const a = document.createElement('a');
      a.href = `data:image/jpeg;base64,${s.jpegBase64}`;
      a.download = `${cam.name}-${new Date().toISOString()}.jpg`;
      a.click();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section className="card" data-testid={`camera-${cam.id}`}>
      <h3>
        {cam.name}{' '}
        <span className={`pill ${pill}`} data-testid="camera-state">
          {t(`state_${cam.state}` as never)}
        </span>{' '}
        {cam.streaming ? <span className="pill warn">{t('streaming')}</span> : null}
      </h3>
      {editing ? (
        <MaskEditor
          jpegSrc={jpeg}
          initial={cam.masks}
          text={{
            hint: t('maskHint'),
            close: t('close'),
            undo: t('undo'),
            clear: t('clear'),
            save: t('save'),
            cancel: t('cancel'),
          }}
          onCancel={() => setEditing(false)}
          onSave={(masks) => {
            call('video.configureCamera', { id: cam.id, masks }).then(
              () => (setEditing(false), refresh()),
              setError,
            );
          }}
        />
      ) : jpeg ? (
        <img
          src={jpeg}
          alt={cam.name}
          style={{ width: '100%', aspectRatio: `${cam.width} / ${cam.height}`, background: '#111' }}
          data-testid="live-view"
        />
      ) : (
        <div className="empty">{t('noPicture')}</div>
      )}
      <div className="muted" data-testid="camera-message">
        {cam.message}
      </div>
      <div className="muted">
        {t(`rec_${cam.recording}` as never)}
        {cam.recordingMessage ? ` — ${cam.recordingMessage}` : ''}
      </div>
      {cam.stats && cam.stats.failClosed > 0 ? (
        <div className="muted">{t('failClosed', { n: cam.stats.failClosed })}</div>
      ) : null}
      {error ? <ErrorBox error={error} /> : null}
      <div className="page-actions" style={{ marginTop: 8 }}>
        <button onClick={() => setEditing(true)}>{t('masks')}</button>
        <button onClick={() => void snapshot()}>{t('snapshot')}</button>
        <button onClick={() => setStreamOpen((o) => !o)}>{t('stream')}</button>
        <button
          onClick={() => {
            if (window.confirm(t('confirmRemove')))
              call('video.removeCamera', { id: cam.id }).then(refresh, setError);
          }}
        >
          {t('remove')}
        </button>
      </div>
      {streamOpen ? <StreamPanel cam={cam} t={t} /> : null}
    </section>
  );
}

function StreamPanel({ cam, t }: { cam: CameraView; t: T }) {
  const [grantedBy, setGrantedBy] = useState('');
  const [scope, setScope] = useState('');
  const [minutes, setMinutes] = useState(60);
  const [url, setUrl] = useState('');
  const [error, setError] = useState<unknown>(null);
  const consents = useQuery(q('video.consents', { cameraId: cam.id }));
  const f = useFormat();

  const record = (e: FormEvent): void => {
    e.preventDefault();
    const now = Date.now();
    call('video.addConsent', {
      cameraId: cam.id,
      grantedBy,
      scope,
      startsMs: now,
      endsMs: now + minutes * 60_000,
    }).then(() => void consents.refetch(), setError);
  };
  return (
    <div style={{ marginTop: 8 }}>
      <h4>{t('consentTitle')}</h4>
      <ul>
        {(consents.data ?? []).slice(0, 5).map((c) => (
          <li key={c.id} className="muted">
            {c.grantedBy} — {c.scope} — {f.time(c.startsMs)} → {f.time(c.endsMs)}
            {c.revokedAtMs ? ' (revoked)' : ''}
          </li>
        ))}
      </ul>
      <form onSubmit={record}>
        <label>
          {t('grantedBy')} <input value={grantedBy} onChange={(e) => setGrantedBy(e.target.value)} required />
        </label>
        <label>
          {t('scope')} <input value={scope} onChange={(e) => setScope(e.target.value)} required />
        </label>
        <label>
          {t('minutes')}{' '}
          <input
            type="number"
            min={1}
            max={1440}
            value={minutes}
            onChange={(e) => setMinutes(Number(e.target.value))}
          />
        </label>
        <button type="submit">{t('recordConsent')}</button>
      </form>
      <label>
        {t('rtmpUrl')} <input value={url} onChange={(e) => setUrl(e.target.value)} />
      </label>
      <div className="page-actions">
        <button
          onClick={() =>
            call('video.startStream', { cameraId: cam.id, url }).then(() => setError(null), setError)
          }
          disabled={!url}
        >
          {t('startStream')}
        </button>
        <button
          onClick={() => call('video.stopStream', { cameraId: cam.id }).then(() => setError(null), setError)}
        >
          {t('stopStream')}
        </button>
      </div>
      {error ? <ErrorBox error={error} /> : null}
    </div>
  );
}

function AddCamera({ t }: { t: T }) {
  const qc = useQueryClient();
  const [address, setAddress] = useState('');
  const [name, setName] = useState('');
  const [username, setUsername] = useState('admin');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [found, setFound] = useState<Array<{
    urn: string;
    name: string;
    hardware: string;
    xaddrs: string[];
    added: boolean;
  }> | null>(null);
  const [searching, setSearching] = useState(false);

  const discover = async (): Promise<void> => {
    setSearching(true);
    setError(null);
    try {
      setFound(await call('video.discover', {}));
    } catch (e) {
      setError(e);
    } finally {
      setSearching(false);
    }
  };
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await call('video.addCamera', { address, name: name || undefined, username, password });
      setAddress('');
      setName('');
      setPassword('');
      void qc.invalidateQueries({ queryKey: ['video.cameras'] });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title={t('add')} testId="add-camera">
      <button onClick={() => void discover()} disabled={searching} data-testid="discover">
        {searching ? t('discovering') : t('discover')}
      </button>
      {found ? (
        found.length === 0 ? (
          <div className="muted">{t('nothingFound')}</div>
        ) : (
          <table className="table" data-testid="discovered">
            <tbody>
              {found.map((d) => (
                <tr key={d.urn}>
                  <td>{d.name || d.hardware || d.urn}</td>
                  <td className="muted">{d.xaddrs[0]}</td>
                  <td>
                    {d.added ? (
                      <span className="muted">{t('added')}</span>
                    ) : (
                      <button onClick={() => (setAddress(d.xaddrs[0] ?? ''), setName(d.name))}>
                        {t('use')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}
      <form onSubmit={(e) => void submit(e)} style={{ marginTop: 10 }}>
        <label>
          {t('address')}{' '}
          <input
            value={address}
            onChange={(e) => setAddress(e.target.value)}
            required
            data-testid="camera-address"
          />
        </label>
        <label>
          {t('name')} <input value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          {t('user')}{' '}
          <input value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" />
        </label>
        <SecretField
          label={t('password')}
          autoComplete="new-password"
          value={password}
          onChange={setPassword}
        />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('adding') : t('addBtn')}
        </button>
      </form>
      {error ? <ErrorBox error={error} /> : null}
    </Card>
  );
}

function Recordings({ t, cameras }: { t: T; cameras: CameraView[] }) {
  const f = useFormat();
  const recs = useQuery({ ...q('video.recordings', { limit: 50 }), refetchInterval: 15_000 });
  const [checked, setChecked] = useState<Record<number, boolean | unknown>>({});
  const names = new Map(cameras.map((c) => [c.id, c.name]));
  const verify = async (r: RecordingView): Promise<void> => {
    try {
      const v = await call('video.verifyRecording', { id: r.id });
      setChecked((m) => ({ ...m, [r.id]: v.fileMatches }));
    } catch (e) {
      setChecked((m) => ({ ...m, [r.id]: e }));
    }
  };
  return (
    <Card title={t('recordings')} testId="recordings">
      {recs.error ? <ErrorBox error={recs.error} /> : null}
      {recs.data && recs.data.length === 0 ? <div className="muted">{t('noRecordings')}</div> : null}
      {recs.data && recs.data.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th>{t('camera')}</th>
              <th>{t('start')}</th>
              <th>{t('length')}</th>
              <th>{t('size')}</th>
              <th>{t('chain')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {recs.data.map((r) => {
              const c = checked[r.id];
              return (
                <tr key={r.id} data-testid="recording-row">
                  <td>{names.get(r.cameraId) ?? r.cameraId.slice(0, 8)}</td>
                  <td>{f.time(r.startMs)}</td>
                  <td>{Math.round((r.endMs - r.startMs) / 1000)} s</td>
                  <td>{f.number(Math.round(r.bytes / 1024))} KiB</td>
                  <td title={`sha256 ${r.sha256}\n${r.cid}`}>
                    {r.anchor ? t('anchored', { h: r.anchor.height }) : t('pending')}
                  </td>
                  <td>
                    {c === true ? (
                      <span className="pill ok">{t('verified')}</span>
                    ) : c === false ? (
                      <span className="pill err">{t('tampered')}</span>
                    ) : c ? (
                      <ErrorBox error={c} />
                    ) : null}{' '}
                    <button onClick={() => void verify(r)}>{t('verify')}</button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </Card>
  );
}
