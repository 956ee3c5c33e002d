/** History as CSV for spreadsheets. Pure. */
import type { Address } from '../chain/types';
import type { LedgerTx } from './ledger';

/** The CSV header row. */
export const HISTORY_CSV_COLUMNS = [
  'time_utc',
  'tx_hash',
  'height',
  'type',
  'direction',
  'counterparty',
  'amount',
  'fee',
  'status',
  'error',
] as const;

/**
 * CSV (RFC 4180, CRLF line ends) of `items` as seen from `account`. Amounts are integers in base
 * units. Cells that a spreadsheet would run as a formula (=, +, -, @ first) are prefixed with `'`.
 *
 * @example historyToCsv('0xabc…', page.items)
 */
export function historyToCsv(account: Address, items: LedgerTx[]): string {
  const rows: string[][] = [[...HISTORY_CSV_COLUMNS]];
  for (const tx of items) {
    const outgoing = tx.from === account;
    const incoming = tx.to === account;
    const direction = outgoing && incoming ? 'self' : outgoing ? 'out' : 'in';
    const counterparty = outgoing ? (tx.to ?? '') : tx.from;
    rows.push([
      tx.timeMs === null ? '' : new Date(tx.timeMs).toISOString(),
      tx.txHash,
      tx.height === null ? '' : String(tx.height),
      tx.type,
      direction,
      counterparty,
      tx.amount.toString(),
      outgoing ? tx.fee.toString() : '0',
      tx.status,
      tx.error ?? '',
    ]);
  }
  return rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

function cell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
