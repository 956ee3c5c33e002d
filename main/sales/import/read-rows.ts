/**
 * One CSV row as one sale line and its order's fields, each value read as the mapping says, with
 * every problem named by row and column. Pure.
 */
import type { ImportField, ImportMapping, ImportRowError } from '../../contract/sales-import';
import type { PaymentMethod } from '../../contract/sales';
import { parseSaleTime } from './datetime';
import { itemIdFromName, paymentMethodOf, type ResolvedColumns } from './mapping';
import { currencyDigits, parseMinor, parseQuantity } from './money';

/** What a row says about its order and its line; a field it could not read is undefined (with an error). */
export interface RowReading {
  row: number;
  orderId: string;
  terminalId: string | undefined;
  timeMs: number | undefined;
  paymentMethod: PaymentMethod | undefined;
  currency: string;
  loyaltyCard: string | undefined;
  line: {
    itemId: string | undefined;
    name: string;
    quantity: number | undefined;
    unitPriceMinor: number | undefined;
    taxMinor: number | undefined;
    discountMinor: number | undefined;
  };
}

/** How rows are read: the resolved columns, the mapping, the store's currency and the importer's offset. */
export interface RowContext {
  columns: ResolvedColumns;
  mapping: ImportMapping | undefined;
  storeCurrency: string;
  utcOffsetMinutes: number;
}

const CLOCK_ONLY = /^\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s*[AaPp][Mm])?$/;

/**
 * Reads one row. Errors go to `errors`; the reading is null when the row has no order id (it
 * cannot belong to an order).
 */
export function readRow(
  r: { row: number; fields: string[] },
  ctx: RowContext,
  width: number,
  errors: ImportRowError[],
): RowReading | null {
  const { columns } = ctx;
  const value = (f: ImportField): string | undefined => {
    const c = columns[f];
    return c === undefined ? undefined : (r.fields[c.index] ?? '').trim();
  };
  const orderId = value('orderId') ?? '';
  const fail = (f: ImportField | null, message: string) =>
    errors.push({
      row: r.row,
      column: f === null ? null : (columns[f]?.header ?? f),
      orderId: orderId || null,
      message,
    });
  if (r.fields.length !== width)
    fail(
      null,
      `the row has ${r.fields.length} fields; the header has ${width} (a stray separator or quote?)`,
    );
  if (orderId === '') {
    fail('orderId', 'no order id: every row names the order it is a line of');
    return null;
  }
  const currency = (value('currency') || ctx.storeCurrency).toUpperCase();
  const digits = currencyDigits(currency);
  const money = (f: ImportField, opts: { optional: boolean; absolute?: boolean }): number | undefined => {
    const text = value(f);
    if (text === undefined || text === '') {
      if (opts.optional) return 0;
      fail(f, 'missing: a price is needed');
      return undefined;
    }
    const m = parseMinor(text, digits);
    if (!m.ok) return void fail(f, `${m.message}${/decimals/.test(m.message) ? ` (${currency})` : ''}`);
    if (m.value.negative && !opts.absolute && m.value.minor > 0)
      return void fail(f, `"${text}" is negative: ${f === 'unitPrice' ? 'a price' : 'tax'} must not be`);
    return m.value.minor;
  };
  return {
    row: r.row,
    orderId,
    terminalId: value('terminalId') || ctx.mapping?.defaultTerminalId || 'import',
    timeMs: readTime(value, ctx, fail),
    paymentMethod: readPayment(value('paymentMethod'), ctx.mapping, fail),
    currency,
    loyaltyCard: value('loyaltyCard') || undefined,
    line: {
      ...readItem(value, fail),
      quantity: readQuantity(value('quantity'), fail),
      unitPriceMinor: money('unitPrice', { optional: false }),
      taxMinor: money('tax', { optional: true }),
      // Some exports write discounts as negative amounts: the size of the discount is what counts.
      discountMinor: money('discount', { optional: true, absolute: true }),
    },
  };
}

type Fail = (f: ImportField | null, message: string) => void;
type Value = (f: ImportField) => string | undefined;

/** The row's time: `time`, or `date` with `timeOfDay` (or with a `time` column that holds only a clock). */
function readTime(value: Value, ctx: RowContext, fail: Fail): number | undefined {
  const time = value('time');
  const date = value('date');
  let text: string;
  let field: ImportField;
  if (date !== undefined && (time === undefined || CLOCK_ONLY.test(time))) {
    text = `${date} ${time ?? value('timeOfDay') ?? ''}`.trim();
    field = 'date';
  } else {
    text = time ?? '';
    field = 'time';
  }
  if (text === '') return void fail(field, 'missing: when the sale was made');
  const t = parseSaleTime(text, ctx.utcOffsetMinutes, ctx.mapping?.slashDates);
  if (!t.ok) return void fail(field, t.message);
  return t.value;
}

function readPayment(text: string | undefined, mapping: ImportMapping | undefined, fail: Fail) {
  if (text === undefined || text === '') return 'other';
  const method = paymentMethodOf(text, mapping);
  if (method === null)
    fail(
      'paymentMethod',
      `"${text}" is not a payment method we know: use cash, card, mobile, voucher, loyalty or other, or name it in the mapping's paymentMethods`,
    );
  return method ?? undefined;
}

function readItem(value: Value, fail: Fail): { itemId: string | undefined; name: string } {
  const name = value('itemName') ?? '';
  if (name === '') fail('itemName', 'missing: the item’s name');
  const given = value('itemId');
  if (given) return { itemId: given, name };
  const made = itemIdFromName(name);
  if (made === null && name !== '')
    fail(
      'itemId',
      `no item id, and "${name}" has no Latin letters or digits to make one: map an item id column`,
    );
  return { itemId: made ?? undefined, name };
}

function readQuantity(text: string | undefined, fail: Fail): number | undefined {
  if (text === undefined || text === '') return void fail('quantity', 'missing: how many were sold');
  const q = parseQuantity(text);
  if (!q.ok) return void fail('quantity', q.message);
  if (q.value < 0)
    return void fail(
      'quantity',
      `${q.value} is negative: returns are not imported as sales; refund the order (POST /api/v1/sales/{orderId}/refunds)`,
    );
  if (q.value === 0) return void fail('quantity', 'a quantity of 0: leave the line out');
  return q.value;
}
