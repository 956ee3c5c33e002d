/**
 * The Sales page's rollups: each sale and refund added to its UTC hour (orders, revenue, loyalty,
 * refunds), its lines to the hour's and the UTC day's items, its total to the hour's and the day's
 * payment method. Run inside the
 * transaction that stores the sale or refund, so the rollups always match the books.
 */
import type { SaleLine } from '../contract/sales';
import { type Db, prepared } from '../store/db';
import { lineTotalMinor } from './sale-totals';

/** The UTC hour a time falls in (ms since the epoch / 3,600,000). */
export function utcHour(timeMs: number): number {
  return Math.floor(timeMs / 3_600_000);
}

/** Adds a stored sale to its hour's rollups. */
export function rollUpSale(
  db: Db,
  s: {
    timeMs: number;
    totalMinor: number;
    paymentMethod: string;
    loyalty: boolean;
    lines: readonly SaleLine[];
  },
): void {
  const hour = utcHour(s.timeMs);
  prepared(
    db,
    `INSERT INTO sales_hour (hour, orders, revenue_minor, loyalty_orders) VALUES (?, 1, ?, ?)
     ON CONFLICT (hour) DO UPDATE SET orders = orders + 1, revenue_minor = revenue_minor + excluded.revenue_minor,
       loyalty_orders = loyalty_orders + excluded.loyalty_orders`,
  ).run(hour, s.totalMinor, s.loyalty ? 1 : 0);
  prepared(
    db,
    `INSERT INTO sales_hour_payment (hour, method, orders, revenue_minor) VALUES (?, ?, 1, ?)
     ON CONFLICT (hour, method) DO UPDATE SET orders = orders + 1, revenue_minor = revenue_minor + excluded.revenue_minor`,
  ).run(hour, s.paymentMethod, s.totalMinor);
  prepared(
    db,
    `INSERT INTO sales_day_payment (day, method, orders, revenue_minor) VALUES (?, ?, 1, ?)
     ON CONFLICT (day, method) DO UPDATE SET orders = orders + 1, revenue_minor = revenue_minor + excluded.revenue_minor`,
  ).run(Math.floor(hour / 24), s.paymentMethod, s.totalMinor);
  const item = prepared(
    db,
    `INSERT INTO sales_hour_item (hour, item_id, name, quantity, revenue_minor) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (hour, item_id) DO UPDATE SET quantity = quantity + excluded.quantity,
       revenue_minor = revenue_minor + excluded.revenue_minor, name = excluded.name`,
  );
  const dayItem = prepared(
    db,
    `INSERT INTO sales_day_item (day, item_id, name, quantity, revenue_minor) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (day, item_id) DO UPDATE SET quantity = quantity + excluded.quantity,
       revenue_minor = revenue_minor + excluded.revenue_minor, name = excluded.name`,
  );
  for (const l of s.lines) {
    item.run(hour, l.itemId, l.name, l.quantity, lineTotalMinor(l));
    dayItem.run(Math.floor(hour / 24), l.itemId, l.name, l.quantity, lineTotalMinor(l));
  }
}

/** Adds a stored refund to the hour it was given in. */
export function rollUpRefund(db: Db, r: { timeMs: number; amountMinor: number }): void {
  prepared(
    db,
    `INSERT INTO sales_hour (hour, refunds, refunded_minor) VALUES (?, 1, ?)
     ON CONFLICT (hour) DO UPDATE SET refunds = refunds + 1, refunded_minor = refunded_minor + excluded.refunded_minor`,
  ).run(utcHour(r.timeMs), r.amountMinor);
}
