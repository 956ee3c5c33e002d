/** What a sale comes to, in minor units (pure). */
import type { SaleLine } from '../contract/sales';

/** A line's total: `quantity × unit price − discount + tax` (prices are before tax). */
export function lineTotalMinor(l: SaleLine): number {
  return l.quantity * l.unitPriceMinor - l.discountMinor + l.taxMinor;
}

/** A sale's total: the sum of its lines. */
export function saleTotalMinor(lines: readonly SaleLine[]): number {
  return lines.reduce((sum, l) => sum + lineTotalMinor(l), 0);
}
