/**
 * A CSV file as a header and rows (RFC 4180: quoted fields with commas, quotes and line breaks; a
 * UTF-8 BOM; CRLF or LF), read by csv-parse. Rows keep their number in the file, the header being 1.
 */
import { CsvError, parse } from 'csv-parse/sync';

/** A data row and its number in the file (the header is row 1). */
export interface CsvRow {
  row: number;
  fields: string[];
}

export type CsvTable =
  | { ok: true; header: string[]; rows: CsvRow[]; delimiter: string }
  | { ok: false; line: number | null; message: string };

/** The separator of `,`, `;` and tab that the first line has most of outside quotes (`,` on a tie). */
export function guessDelimiter(text: string): ',' | ';' | '\t' {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of text.slice(0, 10_000)) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && ch in counts) counts[ch as keyof typeof counts]++;
  }
  if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';';
  if (counts['\t'] > counts[',']) return '\t';
  return ',';
}

/**
 * Reads `text` into a header and rows; rows that are wholly empty (a spreadsheet's trailing `,,,`)
 * are left out. A file csv-parse cannot read (an unclosed quote) answers the line where it failed.
 *
 * @example readCsv('order_id,qty\r\nA-1,2\r\n') // { ok: true, header: ['order_id', 'qty'], rows: [{ row: 2, fields: ['A-1', '2'] }], … }
 */
export function readCsv(text: string, delimiter?: ',' | ';' | '\t'): CsvTable {
  const sep = delimiter ?? guessDelimiter(text.replace(/^\uFEFF/, ''));
  let records: string[][];
  try {
    records = parse(text, {
      bom: true,
      delimiter: sep,
      relax_column_count: true,
      skip_empty_lines: true,
    });
  } catch (err) {
    if (err instanceof CsvError) {
      const line = (err as CsvError & { lines?: number }).lines ?? null;
      return { ok: false, line, message: `the file is not valid CSV: ${err.message}` };
    }
    throw err;
  }
  const [header, ...data] = records;
  if (!header || header.every((h) => h.trim() === ''))
    return { ok: false, line: 1, message: 'the file has no header row' };
  const rows = data
    .map((fields, i) => ({ row: i + 2, fields }))
    .filter((r) => r.fields.some((f) => f.trim() !== ''));
  return { ok: true, header, rows, delimiter: sep };
}
