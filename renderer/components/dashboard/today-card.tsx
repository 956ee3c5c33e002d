/** Today's revenue and orders against the same weekday last week, up to the same hour. */
import type { SalesSummary } from '../../../main/contract/sales';
import { useT } from '../../i18n';
import { Figure } from '../sales/figures';
import type { SalesWindow } from '../sales/range';
import { useSalesFormat } from '../sales/use-sales-format';
import { Card } from '../ui';
import { DASHBOARD_STRINGS } from './strings';

/** The card; `summary` is `sales.summary` of today's window. */
export function TodayCard({ summary, today }: { summary: SalesSummary; today: SalesWindow }) {
  const t = useT(DASHBOARD_STRINGS);
  const f = useSalesFormat(summary.currency);
  const vs = t('vsWeekday', { weekday: f.weekday(today.from + 12 * 3_600_000) });
  const { totals: now, previous: before } = summary;
  return (
    <Card title={t('todaySales')} testId="dash-sales">
      <div className="figures">
        <Figure
          label={t('revenue')}
          value={f.money(now.revenueMinor)}
          now={now.revenueMinor}
          before={before.revenueMinor}
          beforeText={f.money(before.revenueMinor)}
          vs={vs}
          f={f}
          testId="dash-revenue"
        />
        <Figure
          label={t('orders')}
          value={f.count(now.orders)}
          now={now.orders}
          before={before.orders}
          beforeText={f.count(before.orders)}
          vs={vs}
          f={f}
          testId="dash-orders"
        />
      </div>
      <a href="#/sales">{t('openSales')}</a>
    </Card>
  );
}
