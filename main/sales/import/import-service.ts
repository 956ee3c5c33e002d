/**
 * `SalesImportService`: CSV exports of POS systems into the store's books. A preview reads the file
 * into orders (./group-orders.ts), says each row's errors and how each order stands against the
 * books, and stores nothing. A commit stores the new orders through `SalesService.record` in batches
 * of up to 500, so an import is idempotent as the API is: the same file again stores nothing new.
 */
import {
  type ImportCounts,
  type ImportOrderStatus,
  type ImportOrderView,
  type ImportRowError,
  MAX_IMPORT_CSV_BYTES,
  MAX_IMPORT_ERRORS,
  MAX_PREVIEW_ORDERS,
  type ImportMapping,
  type SalesImportPreview,
  type SalesImportResult,
} from '../../contract/sales-import';
import { MAX_SALES_PER_POST, type SaleInput, type SaleReceipt } from '../../contract/sales';
import { SalesError } from '../errors';
import { saleTotalMinor } from '../sale-totals';
import type { SalesLedger } from '../sales-ledger';
import { SalesImportError } from './errors';
import { type FileOrder, readOrders } from './group-orders';
import { StoredOrders } from './stored-orders';

/** What the import uses: the intake's `record`, the store's franchise, and a view of the books (by default its own). */
export interface SalesImportServiceDeps {
  sales: { record(sales: readonly SaleInput[]): Promise<SaleReceipt[]> };
  ledger: Pick<SalesLedger, 'storeFranchise'>;
  books?: Pick<StoredOrders, 'statusOf'>;
}

/** A file to import. */
export interface ImportRequest {
  csv: string;
  mapping?: ImportMapping | undefined;
  utcOffsetMinutes: number;
}

/** A file read and held against the books. */
interface Assessed {
  orders: Array<FileOrder & { status: ImportOrderStatus }>;
  errors: ImportRowError[];
  /** Errors of no order: the file's, and rows without an order id. */
  fileErrors: ImportRowError[];
  counts: ImportCounts;
  columns: SalesImportPreview['columns'];
}

/**
 * @example
 * const imports = new SalesImportService({ dataDir }, { sales, ledger: node });
 * const preview = await imports.preview({ csv, utcOffsetMinutes: 180 });
 * if (preview.errorCount === 0) await imports.commit({ csv, utcOffsetMinutes: 180, skipBadOrders: false });
 */
export class SalesImportService {
  private readonly books: Pick<StoredOrders, 'statusOf'>;

  constructor(
    opts: { dataDir: string },
    private readonly deps: SalesImportServiceDeps,
  ) {
    this.books = deps.books ?? new StoredOrders(opts.dataDir);
  }

  /** What `req` would store, each row's errors, and each order's standing; stores nothing. */
  async preview(req: ImportRequest): Promise<SalesImportPreview> {
    const a = await this.assess(req);
    const orders = a.orders.slice(0, MAX_PREVIEW_ORDERS).map(orderView);
    return {
      counts: a.counts,
      columns: a.columns,
      errors: a.errors.slice(0, MAX_IMPORT_ERRORS),
      errorCount: a.errors.length,
      orders,
      ordersTruncated: a.orders.length > orders.length,
    };
  }

  /**
   * Stores the file's new orders. Any error or conflict stores nothing (`IMPORT_HAS_ERRORS`, 400;
   * `ORDER_CONFLICT`, 409) unless `skipBadOrders`, which stores the others and lists those left out.
   */
  async commit(req: ImportRequest & { skipBadOrders: boolean }): Promise<SalesImportResult> {
    const a = await this.assess(req);
    const bad = a.orders.filter((o) => o.status === 'invalid' || o.status === 'conflict');
    if (!req.skipBadOrders || a.counts.orders === 0) refuseIfBad(a, bad);
    const fresh = a.orders.filter((o) => o.status === 'new').map((o) => o.sale!);
    const receipts: SaleReceipt[] = [];
    for (let i = 0; i < fresh.length; i += MAX_SALES_PER_POST)
      receipts.push(...(await this.deps.sales.record(fresh.slice(i, i + MAX_SALES_PER_POST))));
    return {
      counts: a.counts,
      stored: receipts.length,
      alreadyStored: a.counts.identical,
      skipped: bad.map((o) => ({ orderId: o.orderId, status: o.status })),
      errors: a.errors.slice(0, MAX_IMPORT_ERRORS),
      receipts,
    };
  }

  private async assess(req: ImportRequest): Promise<Assessed> {
    const bytes = Buffer.byteLength(req.csv, 'utf8');
    if (bytes > MAX_IMPORT_CSV_BYTES)
      throw new SalesImportError(
        'TOO_LARGE',
        `the CSV is ${bytes} bytes; one import takes at most ${MAX_IMPORT_CSV_BYTES}: split it into files of whole orders (every row of an order in the same file) and import each`,
        { bytes, limitBytes: MAX_IMPORT_CSV_BYTES },
      );
    const franchise = await this.deps.ledger.storeFranchise();
    const currency = franchise.tokenomics.currency;
    const file = readOrders(req.csv, {
      mapping: req.mapping,
      utcOffsetMinutes: req.utcOffsetMinutes,
      storeCurrency: currency,
    });
    const valid = file.orders.filter((o) => o.sale !== null);
    const standing = this.books.statusOf(valid.map((o) => o.sale!));
    const statusOf = new Map(valid.map((o, i) => [o.orderId, standing[i]!]));
    const orders = file.orders.map((o) => ({
      ...o,
      status: statusOf.get(o.orderId) ?? ('invalid' as const),
    }));
    for (const o of orders)
      if (o.status === 'conflict')
        o.errors.push({
          row: o.rows[0]!,
          column: null,
          orderId: o.orderId,
          message: `order ${o.orderId} was already recorded with other content; an order id names one sale`,
        });
    const errors = [...file.fileErrors, ...orders.flatMap((o) => o.errors)].sort(
      (x, y) => (x.row ?? 0) - (y.row ?? 0),
    );
    const columns = Object.fromEntries(
      (Object.keys(file.columns) as Array<keyof typeof file.columns>).map((f) => [
        f,
        file.columns[f]!.header,
      ]),
    );
    return {
      orders,
      errors,
      fileErrors: file.fileErrors,
      columns,
      counts: countsOf(orders, errors, file.rows, currency),
    };
  }
}

/** Throws when the file has errors or conflicts: the conflict named first (409), else the errors (400). */
function refuseIfBad(a: Assessed, bad: Assessed['orders']): void {
  const conflicts = bad.filter((o) => o.status === 'conflict').map((o) => o.orderId);
  const invalid = bad.length - conflicts.length;
  if (conflicts.length > 0 && invalid === 0 && a.fileErrors.length === 0)
    throw new SalesError(
      'ORDER_CONFLICT',
      `${conflicts.length === 1 ? 'order' : 'orders'} ${conflicts.slice(0, 10).join(', ')}${conflicts.length > 10 ? ', …' : ''} ${conflicts.length === 1 ? 'was' : 'were'} already recorded with other content; nothing was stored (fix the file, or import with skipBadOrders to store the other orders)`,
      { orderId: conflicts[0], orderIds: conflicts.slice(0, 100), conflicts: conflicts.length },
    );
  if (a.errors.length > 0 || a.counts.orders === 0) {
    const first = a.errors[0];
    const where = first
      ? `${first.row === null ? 'the file' : `row ${first.row}`}${first.column ? `, ${first.column}` : ''}: ${first.message}`
      : 'the file has no orders';
    throw new SalesImportError(
      'IMPORT_HAS_ERRORS',
      `${a.errors.length === 0 ? where : `${a.counts.badRows || a.errors.length} rows have errors (first: ${where})`}; nothing was stored: fix the file, or import with skipBadOrders to store the other orders`,
      { errorCount: a.errors.length, errors: a.errors.slice(0, 20), conflicts },
    );
  }
}

function countsOf(
  orders: Assessed['orders'],
  errors: ImportRowError[],
  rows: number,
  currency: string,
): ImportCounts {
  const by = (s: ImportOrderStatus) => orders.filter((o) => o.status === s);
  const total = (os: FileOrder[]) =>
    os.reduce((sum, o) => sum + (o.sale ? saleTotalMinor(o.sale.lines) : 0), 0);
  return {
    rows,
    orders: orders.length,
    new: by('new').length,
    identical: by('identical').length,
    conflicts: by('conflict').length,
    invalid: by('invalid').length,
    badRows: new Set(errors.filter((e) => e.row !== null && e.row > 1).map((e) => e.row)).size,
    currency,
    newTotalMinor: total(by('new')),
    validTotalMinor: total(orders.filter((o) => o.sale !== null)),
  };
}

function orderView(o: FileOrder & { status: ImportOrderStatus }): ImportOrderView {
  const s = o.sale;
  return {
    orderId: o.orderId,
    rows: o.rows,
    status: o.status,
    sale: s && {
      terminalId: s.terminalId,
      timeMs: s.timeMs,
      currency: s.currency,
      paymentMethod: s.paymentMethod,
      lines: s.lines,
      loyalty: s.loyaltyCard !== undefined,
      totalMinor: saleTotalMinor(s.lines),
    },
  };
}
