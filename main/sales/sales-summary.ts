/**
 * The Sales page's figures for a window, read from the hourly rollups (./sales-rollup.ts), never
 * from a year of lines: totals against the same window a week earlier, by the viewer's hour of day
 * and calendar day, the top items and the payment methods.
 */
import type { PaymentMethod, SalesSummary, SalesTotals } from '../contract/sales';
import { type Db, prepared } from '../store/db';
import { utcHour } from './sales-rollup';

const WEEK_MS = 7 * 86_400_000;

/** A window of whole UTC hours: `[fromHour, toHour)`, covering `[from, to)`. */
function hours(from: number, to: number): [number, number] {
  return [utcHour(from), Math.ceil(to / 3_600_000)];
}

function totals(db: Db, from: number, to: number, royaltyBps: number): SalesTotals {
  const row = prepared(
    db,
    `SELECT COALESCE(SUM(orders), 0) AS orders, COALESCE(SUM(revenue_minor), 0) AS revenue,
       COALESCE(SUM(refunds), 0) AS refunds, COALESCE(SUM(refunded_minor), 0) AS refunded,
       COALESCE(SUM(loyalty_orders), 0) AS loyalty
     FROM sales_hour WHERE hour >= ? AND hour < ?`,
  ).get(...hours(from, to)) as {
    orders: number;
    revenue: number;
    refunds: number;
    refunded: number;
    loyalty: number;
  };
  return {
    orders: row.orders,
    revenueMinor: row.revenue,
    averageCheckMinor: row.orders ? Math.round(row.revenue / row.orders) : 0,
    refunds: row.refunds,
    refundedMinor: row.refunded,
    loyaltyOrders: row.loyalty,
    royaltyOwedMinor: Math.floor((row.revenue * royaltyBps) / 10_000),
  };
}

/**
 * The figures of `[from, to)` for a viewer `utcOffsetMinutes` east of UTC. Days and hours are the
 * viewer's; a rollup hour is placed by its start, so an offset that is not whole hours (+5:30)
 * shifts a half hour's sales to the neighbouring hour.
 */
export function salesSummary(
  db: Db,
  w: { from: number; to: number; utcOffsetMinutes: number },
  franchise: { currency: string; royaltyBps: number },
  queue: SalesSummary['queue'],
): SalesSummary {
  const [h0, h1] = hours(w.from, w.to);
  const offsetSeconds = w.utcOffsetMinutes * 60;
  const byHourRows = prepared(
    db,
    `SELECT ((hour * 60 + ?) / 60) % 24 AS h, SUM(orders) AS orders, SUM(revenue_minor) AS revenue
     FROM sales_hour WHERE hour >= ? AND hour < ? GROUP BY h`,
  ).all(w.utcOffsetMinutes, h0, h1) as Array<{ h: number; orders: number; revenue: number }>;
  const byHour = Array.from({ length: 24 }, (_, hour) => {
    const r = byHourRows.find((x) => x.h === hour);
    return { hour, orders: r?.orders ?? 0, revenueMinor: r?.revenue ?? 0 };
  });
  const byDay = (
    prepared(
      db,
      `SELECT date(hour * 3600 + ?, 'unixepoch') AS day, SUM(orders) AS orders, SUM(revenue_minor) AS revenue,
         SUM(refunded_minor) AS refunded
       FROM sales_hour WHERE hour >= ? AND hour < ? GROUP BY day ORDER BY day`,
    ).all(offsetSeconds, h0, h1) as Array<{ day: string; orders: number; revenue: number; refunded: number }>
  ).map((r) => ({ day: r.day, orders: r.orders, revenueMinor: r.revenue, refundedMinor: r.refunded }));
  // Whole UTC days inside the window from the daily rollups, the partial days at its edges by hour.
  const [d0, d1] = [Math.ceil(h0 / 24), Math.floor(h1 / 24)];
  const split = d0 < d1 ? [h0, d0 * 24, d0, d1, d1 * 24, h1] : [h0, h1, 0, 0, h1, h1];
  const topItems = prepared(
    db,
    `SELECT item_id AS itemId, MAX(name) AS name, SUM(quantity) AS quantity, SUM(revenue_minor) AS revenueMinor FROM (
       SELECT item_id, name, quantity, revenue_minor FROM sales_hour_item WHERE hour >= ? AND hour < ?
       UNION ALL SELECT item_id, name, quantity, revenue_minor FROM sales_day_item WHERE day >= ? AND day < ?
       UNION ALL SELECT item_id, name, quantity, revenue_minor FROM sales_hour_item WHERE hour >= ? AND hour < ?)
     GROUP BY item_id ORDER BY revenueMinor DESC LIMIT 10`,
  ).all(...split) as SalesSummary['topItems'];
  const byPaymentMethod = prepared(
    db,
    `SELECT method, SUM(orders) AS orders, SUM(revenue_minor) AS revenueMinor FROM (
       SELECT method, orders, revenue_minor FROM sales_hour_payment WHERE hour >= ? AND hour < ?
       UNION ALL SELECT method, orders, revenue_minor FROM sales_day_payment WHERE day >= ? AND day < ?
       UNION ALL SELECT method, orders, revenue_minor FROM sales_hour_payment WHERE hour >= ? AND hour < ?)
     GROUP BY method ORDER BY revenueMinor DESC`,
  ).all(...split) as Array<{ method: PaymentMethod; orders: number; revenueMinor: number }>;
  return {
    currency: franchise.currency,
    royaltyBps: franchise.royaltyBps,
    totals: totals(db, w.from, w.to, franchise.royaltyBps),
    previous: totals(db, w.from - WEEK_MS, w.to - WEEK_MS, franchise.royaltyBps),
    byHour,
    byDay,
    topItems,
    byPaymentMethod,
    queue,
  };
}
