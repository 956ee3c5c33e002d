import type { RestRoute } from './types';

/**
 * CSV imports of POS exports (docs/sales-import.md), for managers and `pos:write` keys. Both take
 * `{ csv, name?, mapping?, utcOffsetMinutes? }` (the CSV at most 900,000 bytes: split larger files):
 * - `POST /api/v1/sales/imports/preview` → 200 each row's errors and each order's sale and standing; stores nothing;
 * - `POST /api/v1/sales/imports` (and `skipBadOrders?`) → 201 what was stored; 400 `IMPORT_HAS_ERRORS` or
 *   409 `ORDER_CONFLICT` with nothing stored.
 */
export const salesImportRoutes: RestRoute[] = [
  {
    method: 'POST',
    path: '/api/v1/sales/imports/preview',
    summary:
      'Preview a CSV import of POS sales: one row per sale line (order_id, terminal_id, time, payment_method, currency, item_id, item_name, quantity, unit_price, tax, discount, loyalty_card, or a mapping), money in major units; each row’s errors and each order’s sale, new, identical or conflicting. Stores nothing. Body at most 900,000 bytes of CSV (docs/sales-import.md)',
    call: 'sales.importPreview',
    input: ({ body }) => body,
  },
  {
    method: 'POST',
    path: '/api/v1/sales/imports',
    summary:
      'Import a CSV of POS sales (as the preview reads it): stores the new orders in batches of up to 500; the same file again stores nothing new; any row error or conflict stores nothing unless skipBadOrders',
    created: true,
    problems: [409],
    call: 'sales.importCommit',
    input: ({ body }) => body,
  },
];
