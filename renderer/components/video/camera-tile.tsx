/** One camera's tile on the Video page: state, anonymized live picture, recording state and its actions. */
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { CameraView } from '../../../main/contract/video';
import { call } from '../../api';
import { defineStrings, useT } from '../../i18n';
import { ErrorBox } from '../ui';
import { CameraFormat } from './camera-format';
import { CameraMasks } from './camera-masks';
import { CaptureLimits } from './capture-limits';
import { StreamPanel } from './stream-panel';
import { useLiveView } from './use-live-view';

const S = defineStrings({
  en: {
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
    limits: 'Size and rate',
    snapshot: 'Snapshot',
    remove: 'Remove',
    confirmRemove: 'Remove this camera? Its recordings stay until retention deletes them.',
    failClosed: '{n} frames blurred whole (detector behind)',
    streaming: 'streaming',
    stream: 'Stream',
  },
  ru: {
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
    limits: 'Размер и частота',
    snapshot: 'Снимок',
    remove: 'Удалить',
    confirmRemove: 'Удалить камеру? Записи останутся до очистки по сроку хранения.',
    failClosed: '{n} кадров размыто целиком (детектор не успевал)',
    streaming: 'трансляция',
    stream: 'Трансляция',
  },
});

/**
 * A camera's tile: its live picture (or the mask editor over it), status lines, actions, stream
 * panel. The camera is watched live while the tile is on the page.
 */
export function CameraTile({ cam }: { cam: CameraView }) {
  const t = useT(S);
  const jpeg = useLiveView(cam.id);
  const qc = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [streamOpen, setStreamOpen] = useState(false);
  const [limitsOpen, setLimitsOpen] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const refresh = (): void => void qc.invalidateQueries({ queryKey: ['video.cameras'] });
  const pill = cam.state === 'streaming' ? 'ok' : cam.state === 'online' ? 'warn' : 'err';
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
        <CameraMasks
          cam={cam}
          jpeg={jpeg}
          onCancel={() => setEditing(false)}
          onSaved={() => (setEditing(false), refresh())}
          onError={setError}
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
      <CameraStatus cam={cam} />
      {error ? <ErrorBox error={error} /> : null}
      <CameraActions
        cam={cam}
        onMasks={() => setEditing(true)}
        onLimits={() => setLimitsOpen((o) => !o)}
        onStream={() => setStreamOpen((o) => !o)}
        onRemoved={refresh}
        onError={setError}
      />
      {limitsOpen ? (
        <CaptureLimits
          cam={cam}
          onCancel={() => setLimitsOpen(false)}
          onSaved={() => (setLimitsOpen(false), setError(null), refresh())}
          onError={setError}
        />
      ) : null}
      {streamOpen ? <StreamPanel cam={cam} /> : null}
    </section>
  );
}

/** The camera's message, what it records and the faces it protects, its recording state, and how many frames were blurred whole. */
function CameraStatus({ cam }: { cam: CameraView }) {
  const t = useT(S);
  return (
    <>
      <div className="muted" data-testid="camera-message">
        {cam.message}
      </div>
      <CameraFormat cam={cam} />
      <div className="muted">
        {t(`rec_${cam.recording}` as never)}
        {cam.recordingMessage ? ` — ${cam.recordingMessage}` : ''}
      </div>
      {cam.stats && cam.stats.failClosed > 0 ? (
        <div className="muted">{t('failClosed', { n: cam.stats.failClosed })}</div>
      ) : null}
    </>
  );
}

/** The tile's buttons: masks, size and rate, snapshot (downloads an anonymized JPEG), stream, remove (after a confirm). */
function CameraActions(props: {
  cam: CameraView;
  onMasks: () => void;
  onLimits: () => void;
  onStream: () => void;
  onRemoved: () => void;
  onError: (error: unknown) => void;
}) {
  const { cam } = props;
  const t = useT(S);
  const snapshot = async (): Promise<void> => {
    try {
      const s = await call('video.snapshot', { id: cam.id });
      const a = document.createElement('a');
      a.href = `data:image/jpeg;base64,${s.jpegBase64}`;
      a.download = `${cam.name}-${new Date().toISOString()}.jpg`;
      a.click();
    } catch (e) {
      props.onError(e);
    }
  };
  return (
    <div className="page-actions" style={{ marginTop: 8 }}>
      <button onClick={props.onMasks}>{t('masks')}</button>
      <button onClick={props.onLimits}>{t('limits')}</button>
      <button onClick={() => void snapshot()}>{t('snapshot')}</button>
      <button onClick={props.onStream}>{t('stream')}</button>
      <button
        onClick={() => {
          if (window.confirm(t('confirmRemove')))
            call('video.removeCamera', { id: cam.id }).then(props.onRemoved, props.onError);
        }}
      >
        {t('remove')}
      </button>
    </div>
  );
}
