/** A window's figures at a glance, each against the same window a week earlier. */
import type { SalesSummary } from '../../../main/contract/sales';
import { useT } from '../../i18n';
import { changeVsLastWeek } from './money';
import { isOneDay, type SalesWindow } from './range';
import { SALES_STRINGS } from './strings';
import type { SalesFormat } from './use-sales-format';

/** One figure: its value, and how it moved against a week earlier (with that value in the tooltip). */
export function Figure(props: {
  label: string;
  value: string;
  now: number;
  before: number;
  beforeText: string;
  vs: string;
  f: SalesFormat;
  testId: string;
}) {
  const t = useT(SALES_STRINGS);
  const change = changeVsLastWeek(props.now, props.before);
  const text =
    change.kind === 'new' ? t('newVsLastWeek') : change.kind === 'none' ? t('noneVsLastWeek') : null;
  const pill = change.kind === 'up' ? 'ok' : change.kind === 'down' ? 'err' : '';
  const arrow = change.kind === 'up' ? '▲ ' : change.kind === 'down' ? '▼ ' : '';
  return (
    <div className="figure" data-testid={props.testId}>
      <div className="figure-label">{props.label}</div>
      <div className="figure-value" data-testid={`${props.testId}-value`}>
        {props.value}
      </div>
      <div className="figure-change" title={t('lastWeekWas', { value: props.beforeText })}>
        <span className={`pill ${pill}`} data-testid={`${props.testId}-change`}>
          {text ?? `${arrow}${props.f.change(change)}`}
        </span>{' '}
        <span className="muted">{props.vs}</span>
      </div>
    </div>
  );
}

/** Revenue, orders and average check against a week earlier; then refunds, loyalty orders and royalty owed. */
export function SalesFigures({
  summary,
  span,
  f,
}: {
  summary: SalesSummary;
  span: SalesWindow;
  f: SalesFormat;
}) {
  const t = useT(SALES_STRINGS);
  const { totals: now, previous: before } = summary;
  const vs = isOneDay(span)
    ? t('vsWeekday', { weekday: f.weekday(span.from + 12 * 3_600_000) })
    : t('vsWeekBefore');
  const money = (label: string, key: 'revenueMinor' | 'averageCheckMinor', testId: string) => (
    <Figure
      label={label}
      value={f.money(now[key])}
      now={now[key]}
      before={before[key]}
      beforeText={f.money(before[key])}
      vs={vs}
      f={f}
      testId={testId}
    />
  );
  return (
    <div className="figures" data-testid="sales-figures">
      {money(t('revenue'), 'revenueMinor', 'sales-revenue')}
      <Figure
        label={t('orders')}
        value={f.count(now.orders)}
        now={now.orders}
        before={before.orders}
        beforeText={f.count(before.orders)}
        vs={vs}
        f={f}
        testId="sales-orders"
      />
      {money(t('averageCheck'), 'averageCheckMinor', 'sales-average')}
      <div className="figure" data-testid="sales-refunds">
        <div className="figure-label">{t('refunds')}</div>
        <div className="figure-value">{f.money(now.refundedMinor)}</div>
        <div className="muted">{f.count(now.refunds)}</div>
      </div>
      <div className="figure" data-testid="sales-loyalty">
        <div className="figure-label">{t('loyaltyOrders')}</div>
        <div className="figure-value">{f.count(now.loyaltyOrders)}</div>
      </div>
      <div className="figure" data-testid="sales-royalty">
        <div className="figure-label">{t('royaltyOwed')}</div>
        <div className="figure-value">{f.money(now.royaltyOwedMinor)}</div>
        <div className="muted">{t('royaltyRate', { rate: f.bps(summary.royaltyBps) })}</div>
      </div>
    </div>
  );
}
