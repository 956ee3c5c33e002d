/** What a sale comes to, as the contract counts it (`SaleLine` in main/contract/sales.ts). */
import type { SaleInput, SaleLine } from '../../contract/sales';

/** A line's total: quantity × unit price − discount + tax, in minor units. */
export function lineTotalMinor(line: SaleLine): number {
  return line.quantity * line.unitPriceMinor - line.discountMinor + line.taxMinor;
}

/** A sale's total: the sum of its lines'. */
export function saleTotalMinor(sale: SaleInput): number {
  return sale.lines.reduce((sum, line) => sum + lineTotalMinor(line), 0);
}
