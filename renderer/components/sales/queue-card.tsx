/** Where the store's sales stand on their way to the chain. */
import type { SalesSummary } from '../../../main/contract/sales';
import { useT } from '../../i18n';
import { Card, Stat } from '../ui';
import { SALES_STRINGS } from './strings';
import type { SalesFormat } from './use-sales-format';

/** The queue: sales waiting for a batch, sent but not final, the oldest waiting, the last error. */
export function QueueCard({ queue, f }: { queue: SalesSummary['queue']; f: SalesFormat }) {
  const t = useT(SALES_STRINGS);
  const drained = queue.pending === 0 && queue.submitted === 0;
  return (
    <Card title={t('queue')} testId="sales-queue">
      <Stat label={t('pending')} value={f.count(queue.pending)} testId="queue-pending" />
      <Stat label={t('submitted')} value={f.count(queue.submitted)} testId="queue-submitted" />
      {queue.oldestWaitingAcceptedMs !== null ? (
        <Stat label={t('oldestWaiting')} value={f.time(queue.oldestWaitingAcceptedMs)} />
      ) : null}
      {queue.lastError ? (
        <div className="error" role="alert">
          {t('lastError')}: {queue.lastError}
        </div>
      ) : null}
      {drained && !queue.lastError ? <p className="muted">{t('drained')}</p> : null}
    </Card>
  );
}
