/** A camera tile's mask editing: the mask editor in the page's language, saving through `video.configureCamera`. */
import type { CameraView } from '../../../main/contract/video';
import { call } from '../../api';
import { defineStrings, useT } from '../../i18n';
import { MaskEditor } from './mask-editor';

const S = defineStrings({
  en: {
    maskHint:
      'Click on the picture to outline an area that must never be seen (e.g. a till or a neighbour’s window). Close each outline, then save.',
    close: 'Close outline',
    undo: 'Undo',
    clear: 'Clear all',
    save: 'Save masks',
    cancel: 'Cancel',
  },
  ru: {
    maskHint:
      'Щёлкайте по изображению, чтобы обвести область, которую нельзя показывать (касса, окно соседа). Замкните контур и сохраните.',
    close: 'Замкнуть контур',
    undo: 'Отменить',
    clear: 'Очистить',
    save: 'Сохранить маски',
    cancel: 'Отмена',
  },
});

/** Edits `cam`'s privacy masks over its live picture; `onSaved` once the node stored them. */
export function CameraMasks(props: {
  cam: CameraView;
  jpeg: string | null;
  onCancel: () => void;
  onSaved: () => void;
  onError: (error: unknown) => void;
}) {
  const t = useT(S);
  return (
    <MaskEditor
      jpegSrc={props.jpeg}
      initial={props.cam.masks}
      text={{
        hint: t('maskHint'),
        close: t('close'),
        undo: t('undo'),
        clear: t('clear'),
        save: t('save'),
        cancel: t('cancel'),
      }}
      onCancel={props.onCancel}
      onSave={(masks) => {
        call('video.configureCamera', { id: props.cam.id, masks }).then(props.onSaved, props.onError);
      }}
    />
  );
}
