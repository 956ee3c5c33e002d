/**
 * `bin/hotpot sales import FILE`: a POS system's CSV export into a running node's books through its
 * REST API (`/api/v1/sales/imports`), previewed first (docs/sales-import.md).
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  ImportMapping,
  MAX_IMPORT_CSV_BYTES,
  type SalesImportPreview,
  type SalesImportResult,
} from '../contract/sales-import';
import { parseUtcOffset } from '../sales/import/datetime';
import { currencyDigits } from '../sales/import/money';
import { parseFlags } from './args';
import { CREDENTIALS_HELP } from './rest-client';
import { UsageError, restClientFor, runSubcommand } from './subcommands';

export const summary =
  'import POS sales from CSV: sales import FILE [--preview] [--mapping M.json] [--tz +03:00] [--skip-bad]';

const USAGE = `Usage: bin/hotpot sales import FILE [--preview] [--mapping FILE.json] [--tz +03:00] [--skip-bad]
                                [--api URL] [--key K] [--json]

Reads a CSV export of a POS system (one row per sale line; docs/sales-import.md), shows what it
would store and each bad row, and without --preview stores its new orders. Importing the same file
again stores nothing new.

  --preview          only show what would be stored (nothing is stored)
  --mapping FILE     a JSON mapping of the file's headers to our fields (docs/sales-import.md)
  --tz OFFSET        the offset of times written without one: +03:00, -05:00, Z (default Z, UTC)
  --skip-bad         store the good orders of a file with bad rows or conflicting orders
                     (by default any error stores nothing)
  --api URL          the node (default $HOTPOT_HTTP or http://127.0.0.1:7420)
  --key K            an API key with scope pos:write; better in HOTPOT_API_KEY (flags show in process lists)
  --json             print the API's answer as JSON
${CREDENTIALS_HELP.replace('(keys may only read)', '(scope pos:write)')}
A file over ${MAX_IMPORT_CSV_BYTES} bytes is refused: split it into files of whole orders.
Exit codes: 0 stored (or previewed without errors), 1 refused or has errors, 2 bad usage, 3 the node is not reachable.
`;

const FLAGS = {
  preview: { type: 'boolean' },
  mapping: { type: 'string' },
  tz: { type: 'string' },
  'skip-bad': { type: 'boolean' },
  api: { type: 'string' },
  key: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

/** `bin/hotpot sales …`. Returns the exit code. */
export function run(argv: string[]): Promise<number> {
  return runSubcommand('sales', USAGE, argv, { import: importFile }, (err) =>
    printErrors(err.data['errors']),
  );
}

async function importFile(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, FLAGS, 'sales import', true);
  if (positionals.length !== 1)
    throw new UsageError(`name one CSV file (got ${positionals.length}; see --help)`);
  const file = positionals[0]!;
  const body = {
    csv: await readText(file, 'the CSV file'),
    name: basename(file),
    ...(values.mapping ? { mapping: await readMapping(values.mapping) } : {}),
    utcOffsetMinutes: offsetOf(values.tz),
  };
  if (Buffer.byteLength(body.csv) > MAX_IMPORT_CSV_BYTES)
    throw new UsageError(
      `${file} is ${Buffer.byteLength(body.csv)} bytes; one import takes at most ${MAX_IMPORT_CSV_BYTES}: split it into files of whole orders (every row of an order in the same file) and import each`,
    );
  const client = restClientFor(
    values.api,
    values.key ? { ...process.env, HOTPOT_API_KEY: values.key } : process.env,
  );
  const preview = await client.request<SalesImportPreview>('POST', '/api/v1/sales/imports/preview', body);
  if (values.json && values.preview) process.stdout.write(`${JSON.stringify(preview, null, 2)}\n`);
  else printPreview(preview);
  if (values.preview) return preview.errorCount === 0 ? 0 : 1;
  const result = await client.request<SalesImportResult>('POST', '/api/v1/sales/imports', {
    ...body,
    skipBadOrders: values['skip-bad'] === true,
  });
  if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else printResult(result);
  return 0;
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${what} ${path}: ${(err as Error).message}`);
  }
}

async function readMapping(path: string): Promise<ImportMapping> {
  let json: unknown;
  try {
    json = JSON.parse(await readText(path, 'the mapping'));
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`the mapping ${path} is not JSON: ${(err as Error).message}`);
  }
  const parsed = ImportMapping.safeParse(json);
  if (!parsed.success)
    throw new UsageError(
      `the mapping ${path} is not one: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

function offsetOf(tz: string | undefined): number {
  if (tz === undefined) return 0;
  const minutes = parseUtcOffset(tz);
  if (minutes === null)
    throw new UsageError(`--tz must be an offset such as +03:00, -05:30 or Z, got ${JSON.stringify(tz)}`);
  return minutes;
}

/** Minor units as a decimal with the currency's code, exactly: `123456, USD` → `1234.56 USD`. */
function money(minor: number, currency: string): string {
  const digits = currencyDigits(currency);
  const text = String(minor).padStart(digits + 1, '0');
  return `${digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`} ${currency}`;
}

function printPreview(p: SalesImportPreview): void {
  const c = p.counts;
  const out = process.stdout;
  out.write(
    `${c.rows} rows, ${c.orders} orders: ${c.new} new (${money(c.newTotalMinor, c.currency)}), ${c.identical} already stored, ${c.conflicts} conflicting, ${c.invalid} with errors\n`,
  );
  const columns = Object.entries(p.columns).map(([f, h]) => `${f}←"${h}"`);
  out.write(`columns: ${columns.join(', ')}\n`);
  if (p.errorCount > 0) {
    out.write(`${p.errorCount} errors${p.errorCount > 20 ? ' (the first 20)' : ''}:\n`);
    printErrors(p.errors.slice(0, 20), out);
  }
}

function printErrors(errors: unknown, out: NodeJS.WritableStream = process.stderr): void {
  if (!Array.isArray(errors)) return;
  for (const e of errors as SalesImportPreview['errors'])
    out.write(
      `  ${e.row === null ? 'file' : `row ${e.row}`}${e.column ? `, ${e.column}` : ''}${e.orderId ? ` (order ${e.orderId})` : ''}: ${e.message}\n`,
    );
}

function printResult(r: SalesImportResult): void {
  process.stdout.write(
    `stored ${r.stored} new orders${
      r.stored > 0
        ? ` (${r.receipts
            .slice(0, 5)
            .map((x) => x.orderId)
            .join(', ')}${r.stored > 5 ? ', …' : ''})`
        : ''
    }; ${r.alreadyStored} were already stored${
      r.skipped.length > 0
        ? `; skipped ${r.skipped.length} (${r.skipped
            .slice(0, 5)
            .map((s) => `${s.orderId}: ${s.status}`)
            .join(', ')}${r.skipped.length > 5 ? ', …' : ''})`
        : ''
    }\n`,
  );
}
