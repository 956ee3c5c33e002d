/**
 * Which column of a file fills which field: the default headers (our own export's, then those of
 * common POS exports), a caller's mapping over them, and the file's header row resolved against it.
 * Headers match ignoring case, spaces and punctuation (`Order ID` = `order_id` = `orderId`). Pure.
 */
import { IMPORT_FIELDS, type ImportField, type ImportMapping } from '../../contract/sales-import';
import type { PaymentMethod } from '../../contract/sales';

/**
 * The headers each field is looked for under, in order: our own export's name first (SALES_CSV_HEADER),
 * then what Square, Lightspeed, Toast, Loyverse, iiko and similar exports call it.
 */
export const DEFAULT_COLUMNS: Readonly<Record<ImportField, readonly string[]>> = {
  orderId: [
    'order_id',
    'Order ID',
    'Order number',
    'Order no',
    'Receipt number',
    'Receipt no',
    'Receipt',
    'Check number',
    'Transaction ID',
    'Ticket number',
  ],
  terminalId: ['terminal_id', 'Terminal', 'Terminal ID', 'Register', 'POS', 'Device', 'Device name', 'Till'],
  time: ['time', 'Date time', 'Datetime', 'Closed at', 'Created at', 'Timestamp', 'Order date', 'Sale time'],
  date: ['date', 'Sale date'],
  timeOfDay: ['time_of_day', 'Hour', 'Clock time'],
  paymentMethod: ['payment_method', 'Payment', 'Payment type', 'Payment method', 'Tender', 'Tender type'],
  currency: ['currency', 'Currency code'],
  itemId: ['item_id', 'SKU', 'Item code', 'Product ID', 'Product code', 'Article'],
  itemName: ['item_name', 'Item', 'Product', 'Product name', 'Description', 'Name'],
  quantity: ['quantity', 'Qty', 'Count', 'Items sold', 'Quantity sold'],
  unitPrice: ['unit_price', 'Price', 'Item price', 'Unit cost'],
  tax: ['tax', 'Tax amount', 'Taxes', 'VAT'],
  discount: ['discount', 'Discount amount', 'Discounts'],
  loyaltyCard: ['loyalty_card', 'Loyalty', 'Loyalty ID', 'Loyalty number', 'Customer card'],
};

/** The fields a file must have (a time as `time`, or as `date` and `timeOfDay`). */
export const REQUIRED_FIELDS: readonly ImportField[] = ['orderId', 'itemName', 'quantity', 'unitPrice'];

/** Payment names POS exports use (lower case) → ours; a mapping's `paymentMethods` come first. */
const PAYMENT_NAMES: Readonly<Record<string, PaymentMethod>> = {
  cash: 'cash',
  наличные: 'cash',
  card: 'card',
  'credit card': 'card',
  'debit card': 'card',
  credit: 'card',
  debit: 'card',
  visa: 'card',
  mastercard: 'card',
  mir: 'card',
  amex: 'card',
  карта: 'card',
  'банковская карта': 'card',
  mobile: 'mobile',
  'apple pay': 'mobile',
  'google pay': 'mobile',
  sbp: 'mobile',
  сбп: 'mobile',
  qr: 'mobile',
  voucher: 'voucher',
  'gift card': 'voucher',
  certificate: 'voucher',
  сертификат: 'voucher',
  loyalty: 'loyalty',
  points: 'loyalty',
  баллы: 'loyalty',
  other: 'other',
};

/** A header as compared: lower case, letters and digits only. */
export function headerKey(header: string): string {
  return header
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}

/** Where each field is in the file: the column's index and header as written. */
export type ResolvedColumns = Partial<Record<ImportField, { index: number; header: string }>>;

/**
 * Finds each field's column in `header` (the file's first row): the mapping's headers for the fields
 * it names, the defaults for the others. A header names one field at most (the first that claims it).
 *
 * @example resolveColumns(['Receipt number', 'Qty', ...], undefined).quantity // { index: 1, header: 'Qty' }
 */
export function resolveColumns(
  header: readonly string[],
  mapping: ImportMapping | undefined,
): ResolvedColumns {
  const byKey = new Map<string, number>();
  header.forEach((h, i) => {
    const k = headerKey(h);
    if (k !== '' && !byKey.has(k)) byKey.set(k, i);
  });
  const claimed = new Set<number>();
  const out: ResolvedColumns = {};
  const given = mapping?.columns ?? {};
  // Fields the mapping names claim their columns before any default does.
  const order = [...IMPORT_FIELDS].sort(
    (a, b) => Number(given[b] !== undefined) - Number(given[a] !== undefined),
  );
  for (const field of order) {
    const names = given[field] ?? DEFAULT_COLUMNS[field];
    for (const name of typeof names === 'string' ? [names] : names) {
      const index = byKey.get(headerKey(name));
      if (index === undefined || claimed.has(index)) continue;
      claimed.add(index);
      out[field] = { index, header: header[index]!.trim() };
      break;
    }
  }
  return out;
}

/** What a file's payment text means, or null when it is none we know. */
export function paymentMethodOf(text: string, mapping: ImportMapping | undefined): PaymentMethod | null {
  const t = text.trim().toLowerCase();
  for (const [name, method] of Object.entries(mapping?.paymentMethods ?? {}))
    if (name.trim().toLowerCase() === t) return method;
  return PAYMENT_NAMES[t] ?? null;
}

/** An item id made from its name when the file has none: `Mala broth (large)` → `mala-broth-large`. */
export function itemIdFromName(name: string): string | null {
  const id = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
  return id === '' ? null : id;
}
