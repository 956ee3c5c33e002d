/**
 * Where a camera streams to: a saved stream target picked from the list (its key shown only as
 * `••••abcd`), or a new one saved here (Twitch, YouTube or a custom server, and the stream key in a
 * password field). The key goes to the node once and is stored sealed; it is never shown again.
 */
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import type { StreamPreset } from '../../../main/contract/video';
import { call, q } from '../../api';
import { defineStrings, useT } from '../../i18n';
import { ErrorBox } from '../ui';

const S = defineStrings({
  en: {
    target: 'Stream to',
    none: 'no saved target yet',
    remove: 'Delete target',
    newTarget: 'Save a new target',
    name: 'Name',
    platform: 'Platform',
    custom: 'Other (server URL)',
    secure: 'Encrypted (RTMPS)',
    serverUrl: 'Server URL without the key (rtmp://host/app)',
    streamKey: 'Stream key',
    save: 'Save target',
  },
  ru: {
    target: 'Куда транслировать',
    none: 'сохранённых адресов пока нет',
    remove: 'Удалить адрес',
    newTarget: 'Сохранить новый адрес',
    name: 'Название',
    platform: 'Платформа',
    custom: 'Другая (адрес сервера)',
    secure: 'С шифрованием (RTMPS)',
    serverUrl: 'Адрес сервера без ключа (rtmp://host/app)',
    streamKey: 'Ключ трансляции',
    save: 'Сохранить адрес',
  },
});

const PRESET_LABELS: Record<Exclude<StreamPreset, 'custom'>, string> = {
  twitch: 'Twitch',
  youtube: 'YouTube',
};

/** Picks a saved stream target (`value`, its id; the first by default) or saves a new one, which becomes the pick. */
export function StreamTargetPicker({
  value,
  onChange,
}: {
  value: number | undefined;
  onChange: (targetId: number | undefined) => void;
}) {
  const t = useT(S);
  const targets = useQuery(q('video.streamTargets', {}));
  const [error, setError] = useState<unknown>(null);
  const list = targets.data ?? [];
  const first = list[0]?.id;
  useEffect(() => {
    if (value === undefined && first !== undefined) onChange(first);
  }, [value, first, onChange]);

  const remove = (): void => {
    if (value === undefined) return;
    call('video.deleteStreamTarget', { id: value }).then(() => {
      onChange(undefined);
      void targets.refetch();
    }, setError);
  };
  return (
    <div>
      <label>
        {t('target')}{' '}
        <select value={value ?? ''} onChange={(e) => onChange(Number(e.target.value) || undefined)}>
          {list.length === 0 ? <option value="">{t('none')}</option> : null}
          {list.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name} — {s.serverUrl} — {s.keyHint}
            </option>
          ))}
        </select>
      </label>
      {value !== undefined ? (
        <button type="button" onClick={remove}>
          {t('remove')}
        </button>
      ) : null}
      <NewStreamTargetForm
        onSaved={(id) => {
          onChange(id);
          void targets.refetch();
        }}
      />
      {error ? <ErrorBox error={error} /> : null}
    </div>
  );
}

/** Saves a stream target: a platform (RTMPS or not) or a custom server URL, and the key in a password field. */
function NewStreamTargetForm({ onSaved }: { onSaved: (id: number) => void }) {
  const t = useT(S);
  const [preset, setPreset] = useState<StreamPreset>('twitch');
  const [name, setName] = useState('');
  const [secure, setSecure] = useState(true);
  const [serverUrl, setServerUrl] = useState('');
  const [streamKey, setStreamKey] = useState('');
  const [error, setError] = useState<unknown>(null);

  const save = (e: FormEvent): void => {
    e.preventDefault();
    call('video.saveStreamTarget', {
      name: name || (preset === 'custom' ? serverUrl : PRESET_LABELS[preset]),
      preset,
      ...(preset === 'custom' ? { serverUrl } : { secure }),
      streamKey,
    }).then((saved) => {
      setStreamKey('');
      setError(null);
      onSaved(saved.id);
    }, setError);
  };
  return (
    <form onSubmit={save}>
      <h4>{t('newTarget')}</h4>
      <label>
        {t('platform')}{' '}
        <select value={preset} onChange={(e) => setPreset(e.target.value as StreamPreset)}>
          <option value="twitch">Twitch</option>
          <option value="youtube">YouTube</option>
          <option value="custom">{t('custom')}</option>
        </select>
      </label>
      <label>
        {t('name')} <input value={name} onChange={(e) => setName(e.target.value)} maxLength={100} />
      </label>
      {preset === 'custom' ? (
        <label>
          {t('serverUrl')} <input value={serverUrl} onChange={(e) => setServerUrl(e.target.value)} required />
        </label>
      ) : (
        <label>
          <input type="checkbox" checked={secure} onChange={(e) => setSecure(e.target.checked)} />{' '}
          {t('secure')}
        </label>
      )}
      <label>
        {t('streamKey')}{' '}
        <input
          type="password"
          autoComplete="off"
          value={streamKey}
          onChange={(e) => setStreamKey(e.target.value)}
          required
        />
      </label>
      <button type="submit">{t('save')}</button>
      {error ? <ErrorBox error={error} /> : null}
    </form>
  );
}
