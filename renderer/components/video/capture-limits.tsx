/** A camera tile's size-and-rate panel: the owner's caps on what the camera records (`video.configureCamera`). */
import { type FormEvent, useState } from 'react';
import { CAMERA_LIMITS, type CameraView } from '../../../main/contract/video';
import { call } from '../../api';
import { defineStrings, useT } from '../../i18n';

const S = defineStrings({
  en: {
    hint: 'The camera is recorded at its own size and rate. Set a lower width or rate to save disk and processor time; leave a field empty for the camera’s own.',
    maxWidth: 'Largest width, px',
    maxFps: 'Largest rate, fps',
    own: 'camera’s own ({v})',
    save: 'Save',
    cancel: 'Cancel',
  },
  ru: {
    hint: 'Камера записывается в своём размере и со своей частотой кадров. Уменьшите ширину или частоту, чтобы сберечь диск и процессор; оставьте поле пустым, чтобы писать как есть.',
    maxWidth: 'Наибольшая ширина, пкс',
    maxFps: 'Наибольшая частота, кадр/с',
    own: 'как у камеры ({v})',
    save: 'Сохранить',
    cancel: 'Отмена',
  },
});

/** "" for no cap, else the number the field holds. */
const toCap = (s: string): number | null => (s.trim() === '' ? null : Number(s));

/** Edits `cam`'s caps on width and rate; `onSaved` once the node stored them (its capture restarts). */
export function CaptureLimits(props: {
  cam: CameraView;
  onCancel: () => void;
  onSaved: () => void;
  onError: (error: unknown) => void;
}) {
  const { cam } = props;
  const t = useT(S);
  const [maxWidth, setMaxWidth] = useState(cam.maxWidth === null ? '' : String(cam.maxWidth));
  const [maxFps, setMaxFps] = useState(cam.maxFps === null ? '' : String(cam.maxFps));
  const save = (e: FormEvent): void => {
    e.preventDefault();
    call('video.configureCamera', { id: cam.id, maxWidth: toCap(maxWidth), maxFps: toCap(maxFps) }).then(
      props.onSaved,
      props.onError,
    );
  };
  return (
    <form onSubmit={save} style={{ marginTop: 8 }} data-testid="capture-limits">
      <p className="muted">{t('hint')}</p>
      <label>
        {t('maxWidth')}{' '}
        <input
          type="number"
          step={2}
          min={CAMERA_LIMITS.maxWidth.min}
          max={CAMERA_LIMITS.maxWidth.max}
          value={maxWidth}
          placeholder={t('own', { v: cam.source.width || '?' })}
          onChange={(e) => setMaxWidth(e.target.value)}
        />
      </label>
      <label>
        {t('maxFps')}{' '}
        <input
          type="number"
          min={CAMERA_LIMITS.maxFps.min}
          max={CAMERA_LIMITS.maxFps.max}
          value={maxFps}
          placeholder={t('own', { v: cam.source.fps || '?' })}
          onChange={(e) => setMaxFps(e.target.value)}
        />
      </label>
      <button type="submit" className="primary">
        {t('save')}
      </button>{' '}
      <button type="button" onClick={props.onCancel}>
        {t('cancel')}
      </button>
    </form>
  );
}
