import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { q } from '../api';
import { DayChart, HourChart, PaymentChart, TopItemsChart } from '../components/sales/charts';
import { ExportButton } from '../components/sales/export-button';
import { SalesFigures } from '../components/sales/figures';
import { QueueCard } from '../components/sales/queue-card';
import { type CustomDays, localDay, rangeFor, type RangePreset } from '../components/sales/range';
import { RangePicker } from '../components/sales/range-picker';
import { SalesTable } from '../components/sales/sales-table';
import { SALES_STRINGS } from '../components/sales/strings';
import { useNow } from '../components/sales/use-now';
import { useSalesFormat, viewerTimeZone } from '../components/sales/use-sales-format';
import { ErrorBox, PageHeader } from '../components/ui';
import { useT } from '../i18n';

/** How often the page asks again without an event: the queue to the chain moves with blocks, not sales. */
const SUMMARY_REFRESH_MS = 10_000;

/**
 * The Sales page: a window's figures against a week earlier, charts by hour, day, item and payment
 * method, the queue to the chain, the sales themselves and their CSV. Pushed `sales.accepted` events
 * refresh it (at most once a second: renderer/api.ts).
 */
export function SalesPage() {
  const t = useT(SALES_STRINGS);
  const [timeZone] = useState(viewerTimeZone);
  const now = useNow(30_000);
  const [preset, setPreset] = useState<RangePreset>('today');
  const [custom, setCustom] = useState<CustomDays>(() => ({
    fromDay: localDay(Date.now() - 6 * 86_400_000, timeZone),
    toDay: localDay(Date.now(), timeZone),
  }));
  const range = useMemo(() => rangeFor(preset, now, timeZone, custom), [preset, now, timeZone, custom]);
  const span = typeof range === 'string' ? null : range;
  const summary = useQuery({
    ...q('sales.summary', span ?? { from: 0, to: 1, utcOffsetMinutes: 0 }),
    enabled: span !== null,
    placeholderData: keepPreviousData,
    refetchInterval: SUMMARY_REFRESH_MS,
  });
  const s = summary.data;
  const f = useSalesFormat(s?.currency ?? 'USD');
  return (
    <div data-testid="sales-page">
      <PageHeader title={t('title')}>
        {s ? <span className="muted">{t('currency', { code: s.currency })}</span> : null}
        <ExportButton span={span} timeZone={timeZone} />
      </PageHeader>
      <RangePicker
        preset={preset}
        onPreset={setPreset}
        custom={custom}
        onCustom={setCustom}
        problem={typeof range === 'string' ? range : null}
      />
      {summary.error ? <ErrorBox error={summary.error} /> : null}
      {!s || !span ? (
        <p>{t('loading')}</p>
      ) : (
        <>
          <SalesFigures summary={s} span={span} f={f} />
          <div className="grid charts">
            <HourChart summary={s} f={f} />
            <DayChart summary={s} f={f} />
            <TopItemsChart summary={s} f={f} />
            <PaymentChart summary={s} f={f} />
          </div>
          <QueueCard queue={s.queue} f={f} />
          <SalesTable key={`${span.from}-${span.to}`} span={span} f={f} />
        </>
      )}
    </div>
  );
}
