/** How many cameras are up, down or stopped. */
import type { CameraView } from '../../../main/contract/video';
import { useFormat, useT } from '../../i18n';
import { Card, Stat } from '../ui';
import { cameraHealth } from './alerts';
import { DASHBOARD_STRINGS } from './strings';

/** The cameras' counts by health; the down ones are named in the alerts. */
export function CamerasCard({ cameras }: { cameras: readonly CameraView[] }) {
  const t = useT(DASHBOARD_STRINGS);
  const f = useFormat();
  const count = (h: ReturnType<typeof cameraHealth>) =>
    cameras.filter((c) => cameraHealth(c.state) === h).length;
  return (
    <Card title={t('cameras')} testId="dash-cameras">
      {cameras.length === 0 ? (
        <p className="muted">{t('noCameras')}</p>
      ) : (
        <>
          <Stat label={t('camerasUp')} value={f.number(count('up'))} testId="cameras-up" />
          <Stat label={t('camerasDown')} value={f.number(count('down'))} testId="cameras-down" />
          <Stat label={t('camerasStopped')} value={f.number(count('stopped'))} />
        </>
      )}
    </Card>
  );
}
