/**
 * A CSV file as orders: its rows read (./read-rows.ts), grouped by order id in the order they first
 * appear, each group's order fields held to agree, and each order checked as `sales.record` checks
 * a sale (the contract's schema, the store's currency, a total above zero). Pure.
 */
import { z } from 'zod';
import type { ImportField, ImportMapping, ImportRowError } from '../../contract/sales-import';
import { MAX_MINOR, SaleInput } from '../../contract/sales';
import { saleTotalMinor } from '../sale-totals';
import { readCsv } from './csv-table';
import { REQUIRED_FIELDS, type ResolvedColumns, resolveColumns } from './mapping';
import { type RowContext, type RowReading, readRow } from './read-rows';

/** One order of the file: its rows, and the sale they make when they have no errors. */
export interface FileOrder {
  orderId: string;
  rows: number[];
  sale: SaleInput | null;
  /** Its rows' and its own errors. */
  errors: ImportRowError[];
}

/** A file read into orders, with every error in file order. */
export interface FileOrders {
  columns: ResolvedColumns;
  rows: number;
  orders: FileOrder[];
  /** Errors of the file as a whole (a missing column, unreadable CSV), and of rows without an order id. */
  fileErrors: ImportRowError[];
}

/** What reading a file needs beyond its text. */
export interface ReadOptions {
  mapping: ImportMapping | undefined;
  utcOffsetMinutes: number;
  /** The store's currency: sales must be in it, and rows without a currency are. */
  storeCurrency: string;
}

/**
 * Reads `csv` into orders.
 *
 * @example readOrders(text, { mapping: undefined, utcOffsetMinutes: 180, storeCurrency: 'USD' }).orders[0].sale
 */
export function readOrders(csv: string, opts: ReadOptions): FileOrders {
  const table = readCsv(csv, opts.mapping?.delimiter);
  if (!table.ok)
    return {
      columns: {},
      rows: 0,
      orders: [],
      fileErrors: [{ row: table.line, column: null, orderId: null, message: table.message }],
    };
  const columns = resolveColumns(table.header, opts.mapping);
  const missing = missingColumns(columns);
  if (missing.length > 0) return { columns, rows: table.rows.length, orders: [], fileErrors: missing };
  const ctx: RowContext = {
    columns,
    mapping: opts.mapping,
    storeCurrency: opts.storeCurrency,
    utcOffsetMinutes: opts.utcOffsetMinutes,
  };
  const fileErrors: ImportRowError[] = [];
  const groups = new Map<string, { readings: RowReading[]; errors: ImportRowError[] }>();
  for (const r of table.rows) {
    const errors: ImportRowError[] = [];
    const reading = readRow(r, ctx, table.header.length, errors);
    if (!reading) {
      fileErrors.push(...errors);
      continue;
    }
    const g = groups.get(reading.orderId) ?? { readings: [], errors: [] };
    groups.set(reading.orderId, g);
    g.readings.push(reading);
    g.errors.push(...errors);
  }
  const orders = [...groups.entries()].map(([orderId, g]) => toOrder(orderId, g.readings, g.errors, ctx));
  return { columns, rows: table.rows.length, orders, fileErrors };
}

function missingColumns(columns: ResolvedColumns): ImportRowError[] {
  const missing: ImportField[] = REQUIRED_FIELDS.filter((f) => columns[f] === undefined);
  if (columns.time === undefined && columns.date === undefined) missing.push('time');
  return missing.map((f) => ({
    row: 1,
    column: f,
    orderId: null,
    message: `no column for ${f}: name its header in the mapping's columns (see docs/sales-import.md for the headers looked for)`,
  }));
}

/** The fields every row of one order repeats, and must agree on. */
const ORDER_FIELDS = ['terminalId', 'timeMs', 'paymentMethod', 'currency', 'loyaltyCard'] as const;
const FIELD_OF: Record<(typeof ORDER_FIELDS)[number], ImportField> = {
  terminalId: 'terminalId',
  timeMs: 'time',
  paymentMethod: 'paymentMethod',
  currency: 'currency',
  loyaltyCard: 'loyaltyCard',
};

function toOrder(
  orderId: string,
  readings: RowReading[],
  errors: ImportRowError[],
  ctx: RowContext,
): FileOrder {
  const first = readings[0]!;
  const header = (f: ImportField) => ctx.columns[f]?.header ?? f;
  for (const r of readings.slice(1))
    for (const k of ORDER_FIELDS)
      if (r[k] !== undefined && first[k] !== undefined && r[k] !== first[k])
        errors.push({
          row: r.row,
          column: header(FIELD_OF[k]),
          orderId,
          message: `differs from row ${first.row} of the same order: an order's rows must agree on its ${FIELD_OF[k]}`,
        });
  const rows = readings.map((r) => r.row);
  if (errors.length > 0) return { orderId, rows, sale: null, errors };
  const parsed = SaleInput.safeParse({
    orderId,
    terminalId: first.terminalId,
    timeMs: first.timeMs,
    currency: first.currency,
    paymentMethod: first.paymentMethod,
    lines: readings.map((r) => r.line),
    ...(first.loyaltyCard === undefined ? {} : { loyaltyCard: first.loyaltyCard }),
  });
  if (!parsed.success)
    return { orderId, rows, sale: null, errors: schemaErrors(parsed.error, orderId, readings, header) };
  const sale = parsed.data;
  const problem = saleProblem(sale, ctx.storeCurrency);
  if (problem)
    return {
      orderId,
      rows,
      sale: null,
      errors: [
        {
          row: first.row,
          column: problem.column ? header(problem.column) : null,
          orderId,
          message: problem.message,
        },
      ],
    };
  return { orderId, rows, sale, errors: [] };
}

/** What `sales.record` would refuse in a sale the schema took: another currency, a total of nothing. */
function saleProblem(
  sale: SaleInput,
  storeCurrency: string,
): { column: ImportField | null; message: string } | null {
  if (sale.currency !== storeCurrency)
    return {
      column: 'currency',
      message: `the order is in ${sale.currency}; this store sells in ${storeCurrency}`,
    };
  const total = saleTotalMinor(sale.lines);
  if (!(total > 0) || total > MAX_MINOR)
    return {
      column: null,
      message: `the order comes to ${total} minor units; a sale must come to more than 0 and at most ${MAX_MINOR}`,
    };
  return null;
}

const LINE_FIELD: Record<string, ImportField> = {
  itemId: 'itemId',
  name: 'itemName',
  quantity: 'quantity',
  unitPriceMinor: 'unitPrice',
  taxMinor: 'tax',
  discountMinor: 'discount',
};
const SALE_FIELD: Record<string, ImportField> = {
  orderId: 'orderId',
  terminalId: 'terminalId',
  timeMs: 'time',
  currency: 'currency',
  paymentMethod: 'paymentMethod',
  loyaltyCard: 'loyaltyCard',
};

/** The schema's issues as row errors: a line's issue on its row, an order's on its first row. */
function schemaErrors(
  error: z.ZodError,
  orderId: string,
  readings: RowReading[],
  header: (f: ImportField) => string,
): ImportRowError[] {
  return error.issues.map((issue) => {
    const [top, index, field] = issue.path;
    if (top === 'lines' && typeof index === 'number') {
      const f = typeof field === 'string' ? LINE_FIELD[field] : undefined;
      return {
        row: readings[index]?.row ?? readings[0]!.row,
        column: f ? header(f) : null,
        orderId,
        message: issue.message,
      };
    }
    const f = typeof top === 'string' ? SALE_FIELD[top] : undefined;
    const message = top === 'lines' ? `${issue.message} (an order has 1 to 200 lines)` : issue.message;
    return { row: readings[0]!.row, column: f ? header(f) : null, orderId, message };
  });
}
