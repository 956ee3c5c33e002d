/**
 * A royalty statement (the contract's `royalty.statement`): the period cut into the store's days,
 * weeks (from Monday) or months; each row's gross and refunds from the hourly rollups, the royalty
 * owed on the gross at the franchise's rate, the transfers to HQ made in it, and what stays
 * outstanding, carried from before the period. Pure but for reading the rollups.
 */
import type { RoyaltyStatement, StatementRow } from '../contract/royalties';
import { type Db, prepared } from '../store/db';
import type { RoyaltyPayment } from './sales-ledger';

const DAY_MS = 86_400_000;

/** What the statement needs of the franchise. */
export interface StatementFranchise {
  currency: string;
  royaltyBps: number;
  tokensPerMinorUnit: bigint;
}

/** The royalty owed on `grossMinor` at `bps` (rounded down, as the chain rounds the minted royalty). */
export function royaltyOf(grossMinor: number, bps: number): number {
  return Math.floor((grossMinor * bps) / 10_000);
}

/** The period's bounds and its rows' bounds, as ms, in a store `offsetMin` minutes east of UTC. */
export function periodBuckets(
  period: string,
  by: 'day' | 'week' | 'month',
  offsetMin: number,
): Array<{ label: string; fromMs: number; toMs: number }> {
  const [y, m] = period.split('-').map(Number) as [number, number | undefined];
  const shift = offsetMin * 60_000;
  const start = Date.UTC(y, m ? m - 1 : 0, 1);
  const end = m ? Date.UTC(y, m, 1) : Date.UTC(y + 1, 0, 1);
  const out: Array<{ label: string; fromMs: number; toMs: number }> = [];
  let t = start;
  while (t < end) {
    const d = new Date(t);
    let next: number;
    if (by === 'day') next = t + DAY_MS;
    else if (by === 'week') next = t + ((8 - (d.getUTCDay() || 7)) % 7 || 7) * DAY_MS;
    else next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    next = Math.min(next, end);
    out.push({
      label: by === 'month' ? d.toISOString().slice(0, 7) : d.toISOString().slice(0, 10),
      fromMs: t - shift,
      toMs: next - shift,
    });
    t = next;
  }
  return out;
}

/** The statement of `period` cut `by` day, week or month. */
export function royaltyStatement(
  db: Db,
  input: { period: string; by: 'day' | 'week' | 'month'; utcOffsetMinutes: number },
  franchise: StatementFranchise,
  payments: readonly RoyaltyPayment[],
): RoyaltyStatement {
  const buckets = periodBuckets(input.period, input.by, input.utcOffsetMinutes);
  const from = buckets[0]!.fromMs;
  const to = buckets[buckets.length - 1]!.toMs;
  const toMinor = (p: RoyaltyPayment) => Number(p.amount / franchise.tokensPerMinorUnit);
  const before = prepared(
    db,
    'SELECT COALESCE(SUM(revenue_minor), 0) AS gross FROM sales_hour WHERE hour < ?',
  ).get(Math.floor(from / 3_600_000)) as { gross: number };
  const paidBefore = payments.filter((p) => p.timeMs < from).reduce((n, p) => n + toMinor(p), 0);
  const opening = royaltyOf(before.gross, franchise.royaltyBps) - paidBefore;
  const hours = prepared(
    db,
    'SELECT hour, orders, revenue_minor AS gross, refunded_minor AS refunded FROM sales_hour WHERE hour >= ? AND hour < ? ORDER BY hour',
  ).all(Math.floor(from / 3_600_000), Math.ceil(to / 3_600_000)) as Array<{
    hour: number;
    orders: number;
    gross: number;
    refunded: number;
  }>;
  let outstanding = opening;
  let h = 0;
  const rows: StatementRow[] = buckets.map((b) => {
    let orders = 0;
    let gross = 0;
    let refunded = 0;
    for (; h < hours.length && hours[h]!.hour * 3_600_000 < b.toMs; h++) {
      orders += hours[h]!.orders;
      gross += hours[h]!.gross;
      refunded += hours[h]!.refunded;
    }
    const owed = royaltyOf(gross, franchise.royaltyBps);
    const paid = payments
      .filter((p) => p.timeMs >= b.fromMs && p.timeMs < b.toMs)
      .reduce((n, p) => n + toMinor(p), 0);
    outstanding += owed - paid;
    return {
      ...b,
      orders,
      grossMinor: gross,
      refundedMinor: refunded,
      royaltyOwedMinor: owed,
      paidMinor: paid,
      outstandingMinor: outstanding,
    };
  });
  const sum = (k: 'orders' | 'grossMinor' | 'refundedMinor' | 'royaltyOwedMinor' | 'paidMinor') =>
    rows.reduce((n, r) => n + r[k], 0);
  return {
    currency: franchise.currency,
    royaltyBps: franchise.royaltyBps,
    period: input.period,
    by: input.by,
    openingOutstandingMinor: opening,
    rows,
    totals: {
      orders: sum('orders'),
      grossMinor: sum('grossMinor'),
      refundedMinor: sum('refundedMinor'),
      royaltyOwedMinor: sum('royaltyOwedMinor'),
      paidMinor: sum('paidMinor'),
      outstandingMinor: outstanding,
    },
  };
}

/** The statement as CSV (RFC 4180: CRLF, a header row; money in minor units, the currency in its own column). */
export function statementCsv(s: RoyaltyStatement): string {
  const header = [
    'period',
    'from',
    'to',
    'currency',
    'orders',
    'gross_minor',
    'refunded_minor',
    'royalty_bps',
    'royalty_owed_minor',
    'paid_minor',
    'outstanding_minor',
  ];
  const lines = s.rows.map((r) =>
    [
      r.label,
      new Date(r.fromMs).toISOString(),
      new Date(r.toMs).toISOString(),
      s.currency,
      r.orders,
      r.grossMinor,
      r.refundedMinor,
      s.royaltyBps,
      r.royaltyOwedMinor,
      r.paidMinor,
      r.outstandingMinor,
    ].join(','),
  );
  return `${[header.join(','), ...lines].join('\r\n')}\r\n`;
}
