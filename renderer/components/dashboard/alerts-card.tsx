/** The dashboard's alerts, each with what to do; "all clear" when there are none. */
import { useT } from '../../i18n';
import { localeOf } from '../sales/money';
import { type DashboardAlert, formatWait } from './alerts';
import { DASHBOARD_STRINGS } from './strings';
import { useLang } from '../../i18n';

function AlertItem({ alert }: { alert: DashboardAlert }) {
  const t = useT(DASHBOARD_STRINGS);
  const { lang } = useLang();
  let title: string;
  let todo: string;
  switch (alert.kind) {
    case 'queue-error':
      [title, todo] = [t('queueErrorTitle'), t('queueErrorDo', { error: alert.error })];
      break;
    case 'queue-stuck':
      [title, todo] = [
        t('queueStuckTitle'),
        t('queueStuckDo', {
          count: alert.pending + alert.submitted,
          wait: formatWait(alert.waitingMs, localeOf(lang)),
        }),
      ];
      break;
    case 'camera-down': {
      const state = alert.state === 'offline' || alert.state === 'auth-failed' ? alert.state : 'error';
      title = t('cameraDownTitle', { name: alert.name, state: t(`state-${state}`) });
      todo = t('cameraDownDo', {
        message: alert.message ? `${alert.message.replace(/\.?$/, '.')}` : '',
      }).trim();
      break;
    }
    case 'no-peers':
      [title, todo] = [t('noPeersTitle'), t('noPeersDo')];
      break;
  }
  return (
    <div
      className={`alert ${alert.kind === 'no-peers' ? '' : 'err'}`}
      role="alert"
      data-testid={`alert-${alert.kind}`}
    >
      <strong>{title}</strong>
      <p>{todo}</p>
    </div>
  );
}

/** The list of alerts, most urgent first. */
export function AlertsCard({ alerts }: { alerts: DashboardAlert[] }) {
  const t = useT(DASHBOARD_STRINGS);
  return (
    <section className="alerts" aria-label={t('alerts')} data-testid="alerts">
      {alerts.length === 0 ? (
        <div className="banner" data-testid="all-clear">
          {t('allClear')}
        </div>
      ) : (
        alerts.map((a, i) => <AlertItem key={`${a.kind}-${'cameraId' in a ? a.cameraId : i}`} alert={a} />)
      )}
    </section>
  );
}
