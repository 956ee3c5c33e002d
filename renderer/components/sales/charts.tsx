/**
 * The Sales page's charts (Recharts: SVG, so the bars are in the DOM, scale with the page and carry
 * a title and description for screen readers; its accessibility layer moves the tooltip with the
 * arrow keys). Animation is off: live updates redraw every second in a rush.
 */
import type { ReactNode } from 'react';
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import type { SalesSummary } from '../../../main/contract/sales';
import { useT } from '../../i18n';
import { Card } from '../ui';
import { SALES_STRINGS } from './strings';
import type { SalesFormat } from './use-sales-format';

const ACCENT = '#c8321f';
const MUTED = '#b9a9a0';
const CHART_STYLE = { width: '100%', height: 240 } as const;
const GRID = <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e6dfd9" />;

function ChartCard(props: { title: string; testId: string; empty: boolean; children: ReactNode }) {
  const t = useT(SALES_STRINGS);
  return (
    <Card title={props.title} testId={props.testId}>
      <figure className="chart" aria-label={props.title}>
        {props.children}
        {props.empty ? <figcaption className="muted">{t('noData')}</figcaption> : null}
      </figure>
    </Card>
  );
}

/** Revenue by the viewer's hour of day (all 24). */
export function HourChart({ summary, f }: { summary: SalesSummary; f: SalesFormat }) {
  const t = useT(SALES_STRINGS);
  const data = summary.byHour.map((h) => ({ ...h, label: f.hour(h.hour) }));
  return (
    <ChartCard title={t('byHour')} testId="chart-hour" empty={summary.totals.orders === 0}>
      <BarChart data={data} responsive style={CHART_STYLE} title={t('byHour')} desc={t('revenue')}>
        {GRID}
        <XAxis dataKey="label" interval="preserveStartEnd" minTickGap={14} tick={{ fontSize: 11 }} />
        <YAxis tickFormatter={f.compactMoney} width={72} tick={{ fontSize: 11 }} />
        <Tooltip formatter={(v) => f.money(Number(v))} />
        <Bar dataKey="revenueMinor" name={t('revenue')} fill={ACCENT} isAnimationActive={false} />
      </BarChart>
    </ChartCard>
  );
}

/** Revenue and refunds by the viewer's calendar day (days with sales). */
export function DayChart({ summary, f }: { summary: SalesSummary; f: SalesFormat }) {
  const t = useT(SALES_STRINGS);
  const data = summary.byDay.map((d) => ({ ...d, label: f.day(d.day) }));
  return (
    <ChartCard title={t('byDay')} testId="chart-day" empty={data.length === 0}>
      <BarChart data={data} responsive style={CHART_STYLE} title={t('byDay')} desc={t('revenue')}>
        {GRID}
        <XAxis dataKey="label" tick={{ fontSize: 11 }} />
        <YAxis tickFormatter={f.compactMoney} width={72} tick={{ fontSize: 11 }} />
        <Tooltip formatter={(v) => f.money(Number(v))} />
        <Bar dataKey="revenueMinor" name={t('revenue')} fill={ACCENT} isAnimationActive={false} />
        <Bar dataKey="refundedMinor" name={t('refunds')} fill={MUTED} isAnimationActive={false} />
      </BarChart>
    </ChartCard>
  );
}

/** A horizontal bar chart of named rows (items, payment methods). */
function RowsChart(props: {
  title: string;
  testId: string;
  data: Array<{ label: string; value: number }>;
  format: (n: number) => string;
  valueName: string;
}) {
  const height = Math.max(120, 28 * props.data.length + 40);
  return (
    <ChartCard title={props.title} testId={props.testId} empty={props.data.length === 0}>
      <BarChart
        data={props.data}
        layout="vertical"
        responsive
        style={{ width: '100%', height }}
        title={props.title}
        desc={props.valueName}
      >
        <XAxis type="number" tickFormatter={props.format} tick={{ fontSize: 11 }} />
        <YAxis type="category" dataKey="label" width={130} tick={{ fontSize: 12 }} />
        <Tooltip formatter={(v) => props.format(Number(v))} />
        <Bar dataKey="value" name={props.valueName} fill={ACCENT} isAnimationActive={false} />
      </BarChart>
    </ChartCard>
  );
}

/** The ten items with the most revenue. */
export function TopItemsChart({ summary, f }: { summary: SalesSummary; f: SalesFormat }) {
  const t = useT(SALES_STRINGS);
  const data = summary.topItems.map((i) => ({ label: i.name, value: i.revenueMinor }));
  return (
    <RowsChart
      title={t('topItems')}
      testId="chart-items"
      data={data}
      format={f.compactMoney}
      valueName={t('revenue')}
    />
  );
}

/** Revenue by how guests paid. */
export function PaymentChart({ summary, f }: { summary: SalesSummary; f: SalesFormat }) {
  const t = useT(SALES_STRINGS);
  const data = summary.byPaymentMethod.map((p) => ({ label: t(p.method), value: p.revenueMinor }));
  return (
    <RowsChart
      title={t('paymentMethods')}
      testId="chart-payments"
      data={data}
      format={f.compactMoney}
      valueName={t('revenue')}
    />
  );
}
