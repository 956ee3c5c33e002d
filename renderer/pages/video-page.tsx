import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { onEvent, q } from '../api';
import { Card, ErrorBox, PageHeader } from '../components/ui';
import { AddCamera } from '../components/video/add-camera';
import { CameraTile } from '../components/video/camera-tile';
import { Recordings } from '../components/video/recordings';
import { defineStrings, useT } from '../i18n';

const S = defineStrings({
  en: {
    title: 'Video',
    privacy: 'Faces are blurred on this computer before any picture is recorded, shown or streamed.',
    cameras: 'Cameras',
    none: 'No cameras yet. Find them on the network or add one by its address.',
  },
  ru: {
    title: 'Видео',
    privacy:
      'Лица размываются на этом компьютере до того, как кадр записывается, показывается или транслируется.',
    cameras: 'Камеры',
    none: 'Камер пока нет. Найдите их в сети или добавьте по адресу.',
  },
});

/**
 * The Video page: camera tiles with the anonymized live view (each tile watches its camera while it
 * is on the page; frames come as bytes, not base64), discovery and add-by-address, masks,
 * recordings, consent-gated streaming; the cards live in `components/video/`.
 */
export function VideoPage() {
  const t = useT(S);
  const qc = useQueryClient();
  const cams = useQuery(q('video.cameras', {}));

  useEffect(() => onEvent('video.status', (p) => qc.setQueryData(['video.cameras', {}], p.cameras)), [qc]);

  return (
    <div data-testid="video-page">
      <PageHeader title={t('title')} />
      <p className="muted">{t('privacy')}</p>
      {cams.error ? <ErrorBox error={cams.error} /> : null}
      <Card title={t('cameras')} testId="cameras">
        {cams.data && cams.data.length === 0 ? <div className="empty">{t('none')}</div> : null}
        <div className="grid">
          {(cams.data ?? []).map((c) => (
            <CameraTile key={c.id} cam={c} />
          ))}
        </div>
      </Card>
      <AddCamera />
      <Recordings cameras={cams.data ?? []} />
    </div>
  );
}
