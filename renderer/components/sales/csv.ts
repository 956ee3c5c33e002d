/**
 * The Sales page's CSV export: every sale of a window, all pages of `sales.list`, one row per sale
 * (RFC 4180: CRLF line ends, fields quoted when they hold a comma, a quote or a line break, quotes
 * doubled). Amounts are exact major units (`12.34`) beside a currency code column; times are ISO 8601
 * in the viewer's zone with its offset. Pure: the page passes the lister and the zone.
 */
import type { SaleView } from '../../../main/contract/sales';
import { majorText } from './money';
import { isoLocal, type SalesWindow } from './range';

/** The columns, in order (the header row). */
export const SALES_CSV_COLUMNS = [
  'order_id',
  'terminal_id',
  'time',
  'payment_method',
  'currency',
  'total',
  'refunded',
  'net',
  'loyalty',
  'items',
  'chain_state',
  'tx_hash',
  'block_height',
  'terminal_seq',
  'record_hash',
] as const;

/** One field as RFC 4180 wants it: quoted only when it must be. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * Free text typed at a till (item names) that a spreadsheet would run as a formula (`=`, `+`, `-`,
 * `@`, a tab or carriage return first) gets a leading `'`, as OWASP advises against CSV injection.
 */
export function inertText(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

function saleRow(s: SaleView, timeZone: string): string[] {
  const items = s.lines.map((l) => `${l.quantity} x ${l.name}`).join('; ');
  return [
    s.orderId,
    s.terminalId,
    isoLocal(s.timeMs, timeZone),
    s.paymentMethod,
    s.currency,
    majorText(s.totalMinor, s.currency),
    majorText(s.refundedMinor, s.currency),
    majorText(s.totalMinor - s.refundedMinor, s.currency),
    s.loyalty ? 'yes' : 'no',
    inertText(items),
    s.chain.state,
    s.chain.txHash ?? '',
    s.chain.height === null ? '' : String(s.chain.height),
    String(s.terminalSeq),
    s.hash,
  ];
}

/** The sales as a CSV file's text, header first, each record ending in CRLF. */
export function salesCsv(sales: readonly SaleView[], timeZone: string): string {
  const rows = [SALES_CSV_COLUMNS as readonly string[], ...sales.map((s) => saleRow(s, timeZone))];
  return rows.map((r) => r.map(csvField).join(',') + '\r\n').join('');
}

/** One page of `sales.list` (what `call('sales.list', …)` answers). */
export type SalesLister = (input: {
  from: number;
  to: number;
  limit: number;
  before?: number;
}) => Promise<{ items: SaleView[]; nextBefore: number | null }>;

/** The most sales one page asks for (the contract's limit). */
export const EXPORT_PAGE_SIZE = 500;

/** Every sale of the window, newest first, fetched page after page until the node says there are no more. */
export async function allSales(list: SalesLister, w: Pick<SalesWindow, 'from' | 'to'>): Promise<SaleView[]> {
  const out: SaleView[] = [];
  let before: number | undefined;
  for (;;) {
    const page = await list({
      from: w.from,
      to: w.to,
      limit: EXPORT_PAGE_SIZE,
      ...(before === undefined ? {} : { before }),
    });
    out.push(...page.items);
    if (page.nextBefore === null) return out;
    before = page.nextBefore;
  }
}
