/** What a camera records (size and rate), from which of its profiles, its sub-stream, and the smallest face it protects. */
import type { CameraView, StreamView } from '../../../main/contract/video';
import { defineStrings, useFormat, useT } from '../../i18n';

const S = defineStrings({
  en: {
    records: 'Records {size} at {fps} fps',
    source: 'from profile “{name}” ({size}, {fps} fps)',
    subStream: 'sub-stream “{name}” {size}, {fps} fps',
    capped: 'lowered by this camera’s settings',
    faces: 'Faces ≥ {n} px wide are protected',
    facesHint:
      'The smallest face the detector finds reliably at this size. A face smaller than this in the picture may not be blurred.',
  },
  ru: {
    records: 'Запись {size}, {fps} кадр/с',
    source: 'профиль «{name}» ({size}, {fps} кадр/с)',
    subStream: 'доп. поток «{name}» {size}, {fps} кадр/с',
    capped: 'снижено настройками камеры',
    faces: 'Защищены лица от {n} пкс в ширину',
    facesHint:
      'Самое маленькое лицо, которое детектор надёжно находит при этом размере. Лицо меньше этого может остаться неразмытым.',
  },
});

/** "1920×1080", or "?" for a size the camera did not say. */
const size = (w: number, h: number): string => (w > 0 && h > 0 ? `${w}×${h}` : '?');

/** The recording's size and rate with its source profile (and sub-stream), and the "faces ≥ N px" line. */
export function CameraFormat({ cam }: { cam: CameraView }) {
  const t = useT(S);
  const f = useFormat();
  const fps = (v: number): string => (v > 0 ? f.number(v) : '?');
  const profile = (p: StreamView) => ({
    name: p.profileName || p.profileToken,
    size: size(p.width, p.height),
    fps: fps(p.fps),
  });
  const lowered =
    (cam.maxWidth !== null && cam.width < cam.source.width) ||
    (cam.maxFps !== null && cam.source.fps > 0 && cam.fps < cam.source.fps);
  return (
    <>
      <div className="muted" data-testid="camera-format">
        {t('records', { size: size(cam.width, cam.height), fps: fps(cam.fps) })}{' '}
        {t('source', profile(cam.source))}
        {lowered ? ` — ${t('capped')}` : ''}
        {cam.subStream ? `; ${t('subStream', profile(cam.subStream))}` : ''}
      </div>
      <div className="muted" data-testid="camera-faces" title={t('facesHint')}>
        {t('faces', { n: cam.protectsFacesFromPx })}
      </div>
    </>
  );
}
