/**
 * CSV imports of sales exported by POS systems (docs/sales-import.md): one row per sale line, the
 * rows of one order id grouped into one sale, money in major units (`12.90`, `12,90`) converted
 * exactly to minor units. `sales.importPreview` says what a file would store and each row's errors,
 * storing nothing; `sales.importCommit` stores its valid orders as `sales.record` does, so importing
 * the same file again stores nothing new.
 */
import { z } from 'zod';
import { PEOPLE, allow } from './access';
import { AUDITED, type MethodTable, method } from './define';
import { PaymentMethod, SaleReceipt } from './sales';

/** The largest CSV one import takes, UTF-8 bytes: with its JSON wrapping it fits the gateway's 1 MiB body. */
export const MAX_IMPORT_CSV_BYTES = 900_000;
/** The most orders a preview lists one by one (its counts cover every order). */
export const MAX_PREVIEW_ORDERS = 2000;
/** The most row errors a preview or a refusal lists (`errorCount` counts them all). */
export const MAX_IMPORT_ERRORS = 500;

/** The fields a CSV column can fill, one row per sale line (order fields repeat on each of its rows). */
export const IMPORT_FIELDS = [
  'orderId',
  'terminalId',
  'time',
  'date',
  'timeOfDay',
  'paymentMethod',
  'currency',
  'itemId',
  'itemName',
  'quantity',
  'unitPrice',
  'tax',
  'discount',
  'loyaltyCard',
] as const;
export const ImportField = z.enum(IMPORT_FIELDS);
export type ImportField = z.infer<typeof ImportField>;

/**
 * The header of the store's own sales CSV (what an import reads by default, docs/sales-import.md):
 * one row per sale line, money in major units with a decimal point, times in ISO 8601 with an offset.
 */
export const SALES_CSV_HEADER = [
  'order_id',
  'terminal_id',
  'time',
  'payment_method',
  'currency',
  'item_id',
  'item_name',
  'quantity',
  'unit_price',
  'tax',
  'discount',
  'loyalty_card',
] as const;

/** A header name as written in the file (matched ignoring case, spaces and punctuation). */
const HeaderName = z.string().trim().min(1).max(100);

/** How a file's columns map to our fields; what is not given keeps the default (docs/sales-import.md). */
export const ImportMapping = z
  .object({
    /** For each field, the header (or headers, the first found wins) of its column. */
    columns: z
      .partialRecord(ImportField, z.union([HeaderName, z.array(HeaderName).min(1).max(20)]))
      .optional(),
    /** The field separator; by default the one of `,`, `;` and tab the header line has most of. */
    delimiter: z.enum([',', ';', '\t']).optional(),
    /** How to read dates written with slashes (`03/04/2026`): month first or day first; refused otherwise. */
    slashDates: z.enum(['mdy', 'dmy']).optional(),
    /** The file's payment names (any case) → ours, beside the built-in ones (`Visa` → card, …). */
    paymentMethods: z.record(z.string().trim().min(1).max(60), PaymentMethod).optional(),
    /** The terminal of rows without a terminal column or value. */
    defaultTerminalId: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/)
      .optional(),
  })
  .strict()
  .describe(
    'Which header fills which field (orderId, terminalId, time or date + timeOfDay, paymentMethod, currency, itemId, itemName, quantity, unitPrice, tax, discount, loyaltyCard); see docs/sales-import.md',
  );
export type ImportMapping = z.infer<typeof ImportMapping>;

/** What a preview reads: the file's text, how to map it, and the offset of times written without one. */
export const SalesImportPreviewInput = z
  .object({
    /** The CSV text (RFC 4180; a BOM and CRLF line ends are fine), at most 900,000 bytes: split larger files. */
    csv: z.string().min(1, 'the CSV is empty'),
    /** The file's name, for the audit log and messages. */
    name: z.string().trim().max(200).optional(),
    mapping: ImportMapping.optional(),
    /** Minutes east of UTC of times written without an offset (Moscow +180). */
    utcOffsetMinutes: z.number().int().min(-840).max(840).default(0),
  })
  .strict();

/** What a commit reads: as the preview, and whether to store the good orders of a file with bad ones. */
export const SalesImportCommitInput = SalesImportPreviewInput.extend({
  /** Store the orders without errors and skip the others (by default any error stores nothing). */
  skipBadOrders: z.boolean().default(false),
}).strict();

/** One problem of a file: its row (the header is row 1, as a spreadsheet numbers them) and column. */
export const ImportRowError = z.object({
  /** The record's number in the file, the header being 1; null for the file as a whole. */
  row: z.number().int().nullable(),
  /** The column's header as written in the file (or our field's name when the column is missing). */
  column: z.string().nullable(),
  orderId: z.string().nullable(),
  message: z.string(),
});
export type ImportRowError = z.infer<typeof ImportRowError>;

/** Where an order of the file stands against the store's books. */
export const ImportOrderStatus = z.enum([
  /** Not stored yet: a commit stores it. */
  'new',
  /** Stored before with the same content: a commit answers its first receipt and stores nothing. */
  'identical',
  /** Its id was stored with other content: a commit refuses it (409 `ORDER_CONFLICT`). */
  'conflict',
  /** It has errors (see `errors`). */
  'invalid',
]);
export type ImportOrderStatus = z.infer<typeof ImportOrderStatus>;

/** One order of the file and the sale it makes (the loyalty card shown only as present or not). */
export const ImportOrderView = z.object({
  orderId: z.string(),
  /** The rows of its lines. */
  rows: z.array(z.number().int()),
  status: ImportOrderStatus,
  /** The sale it would store (null when its rows could not make one). */
  sale: z
    .object({
      terminalId: z.string(),
      timeMs: z.number(),
      currency: z.string(),
      paymentMethod: PaymentMethod,
      lines: z.array(
        z.object({
          itemId: z.string(),
          name: z.string(),
          quantity: z.number().int(),
          unitPriceMinor: z.number().int(),
          taxMinor: z.number().int(),
          discountMinor: z.number().int(),
        }),
      ),
      loyalty: z.boolean(),
      totalMinor: z.number().int(),
    })
    .nullable(),
});
export type ImportOrderView = z.infer<typeof ImportOrderView>;

/** What a file comes to: counts by status, and the money of the orders a commit would store. */
export const ImportCounts = z.object({
  /** Data rows read (the header not counted). */
  rows: z.number().int(),
  orders: z.number().int(),
  new: z.number().int(),
  identical: z.number().int(),
  conflicts: z.number().int(),
  invalid: z.number().int(),
  /** Rows with at least one error. */
  badRows: z.number().int(),
  /** The store's currency (every sale must be in it). */
  currency: z.string(),
  /** The total of the new orders, minor units. */
  newTotalMinor: z.number().int(),
  /** The total of every valid order (new, identical or conflicting), minor units. */
  validTotalMinor: z.number().int(),
});
export type ImportCounts = z.infer<typeof ImportCounts>;

/** The preview: nothing is stored. */
export const SalesImportPreview = z.object({
  counts: ImportCounts,
  /** Which header each field was read from (null: not in the file). */
  columns: z.partialRecord(ImportField, z.string().nullable()),
  /** The first 500 errors, in file order. */
  errors: z.array(ImportRowError),
  errorCount: z.number().int(),
  /** The first 2000 orders, in file order. */
  orders: z.array(ImportOrderView),
  ordersTruncated: z.boolean(),
});
export type SalesImportPreview = z.infer<typeof SalesImportPreview>;

/** What a commit stored. */
export const SalesImportResult = z.object({
  counts: ImportCounts,
  /** Orders stored by this import. */
  stored: z.number().int(),
  /** Orders that were already stored with the same content (nothing new). */
  alreadyStored: z.number().int(),
  /** Orders left out (with errors or conflicts) because `skipBadOrders` was asked. */
  skipped: z.array(z.object({ orderId: z.string(), status: ImportOrderStatus })),
  /** The first errors of the skipped orders. */
  errors: z.array(ImportRowError),
  /** The receipts of the orders stored by this import. */
  receipts: z.array(SaleReceipt),
});
export type SalesImportResult = z.infer<typeof SalesImportResult>;

/** Those who run the store, and integrators' `pos:write` keys (the same rights as a till's). */
const IMPORTERS = allow(PEOPLE.managers, ['pos:write']);

export const salesImportMethods = {
  'sales.importPreview': method(SalesImportPreviewInput, SalesImportPreview, IMPORTERS),
  'sales.importCommit': method(SalesImportCommitInput, SalesImportResult, IMPORTERS, AUDITED),
} satisfies MethodTable;
