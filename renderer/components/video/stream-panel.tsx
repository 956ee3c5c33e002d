/** A camera tile's stream panel: the consents on record, recording a new one, and starting or stopping the stream. */
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import type { CameraView } from '../../../main/contract/video';
import { call, q } from '../../api';
import { defineStrings, useFormat, useT } from '../../i18n';
import { ErrorBox } from '../ui';
import { StreamTargetPicker } from './stream-target-picker';

const S = defineStrings({
  en: {
    consentTitle: 'Streaming needs a recorded consent',
    grantedBy: 'Who consented',
    scope: 'What for',
    minutes: 'Minutes from now',
    recordConsent: 'Record consent',
    startStream: 'Start stream',
    stopStream: 'Stop stream',
  },
  ru: {
    consentTitle: 'Для трансляции нужно записанное согласие',
    grantedBy: 'Кто дал согласие',
    scope: 'На что',
    minutes: 'Минут от текущего момента',
    recordConsent: 'Записать согласие',
    startStream: 'Начать трансляцию',
    stopStream: 'Остановить',
  },
});

/** Records a viewer consent for `cam` (who, what for, how long) and starts or stops its stream to a saved target. */
export function StreamPanel({ cam }: { cam: CameraView }) {
  const t = useT(S);
  const [grantedBy, setGrantedBy] = useState('');
  const [scope, setScope] = useState('');
  const [minutes, setMinutes] = useState(60);
  const [targetId, setTargetId] = useState<number | undefined>(undefined);
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
      <StreamTargetPicker value={targetId} onChange={setTargetId} />
      <div className="page-actions">
        <button
          onClick={() =>
            targetId !== undefined &&
            call('video.startStream', { cameraId: cam.id, targetId }).then(() => setError(null), setError)
          }
          disabled={targetId === undefined}
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
