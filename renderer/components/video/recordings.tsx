/** The Video page's recordings card: each segment, whether it is anchored on the chain, and a file check. */
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { CameraView, RecordingView } from '../../../main/contract/video';
import { call, q } from '../../api';
import { defineStrings, useFormat, useT } from '../../i18n';
import { Card, ErrorBox } from '../ui';
import { gapsBefore } from './recording-gaps';

const S = defineStrings({
  en: {
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
    gap: 'no recording for {s} s (the camera sent nothing)',
  },
  ru: {
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
    gap: 'нет записи {s} с (камера ничего не присылала)',
  },
});

/** The latest 50 recordings (refreshed every 15 s) with their anchoring, and "Verify" per file; a gap in a camera's recording shows as a row of its own. */
export function Recordings({ cameras }: { cameras: CameraView[] }) {
  const t = useT(S);
  const f = useFormat();
  const recs = useQuery({ ...q('video.recordings', { limit: 50 }), refetchInterval: 15_000 });
  const [checked, setChecked] = useState<Record<number, boolean | unknown>>({});
  const names = new Map(cameras.map((c) => [c.id, c.name]));
  const gaps = gapsBefore(recs.data ?? []);
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
              const gap = gaps.get(r.id);
              return [
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
                </tr>,
                gap === undefined ? null : (
                  <tr key={`gap-${r.id}`} data-testid="recording-gap" className="muted">
                    <td>{names.get(r.cameraId) ?? r.cameraId.slice(0, 8)}</td>
                    <td colSpan={5}>{t('gap', { s: Math.round(gap / 1000) })}</td>
                  </tr>
                ),
              ];
            })}
          </tbody>
        </table>
      ) : null}
    </Card>
  );
}
