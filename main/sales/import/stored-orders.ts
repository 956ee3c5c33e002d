/**
 * What the store's books already hold under an import's order ids, read through a read-only
 * connection to `sales.db` opened for each look-up and closed after it (imports are rare; WAL lets
 * it read beside the writer thread, and nothing is left open at stop). It never writes: not even the
 * loyalty card salt, which only the writer makes.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { SaleInput } from '../../contract/sales';
import type { ImportOrderStatus } from '../../contract/sales-import';
import type { Db } from '../../store/db';
import { SalesError } from '../errors';
import { cardHashOf, saleContentHash } from '../sales-intake';

/** How many ids one `IN (…)` look-up carries (SQLite's default variable limit is far above it). */
const LOOKUP_CHUNK = 500;

/**
 * @example new StoredOrders(dataDir).statusOf([sale]) // ['new']
 */
export class StoredOrders {
  constructor(private readonly dataDir: string) {}

  /**
   * For each sale, how `sales.record` would take it now: `new`, `identical` (a replay answered with
   * its first receipt) or `conflict` (its id holds other content).
   */
  statusOf(sales: readonly SaleInput[]): Array<Exclude<ImportOrderStatus, 'invalid'>> {
    if (sales.length === 0) return [];
    const db = this.open();
    try {
      const stored = new Map<string, string>();
      for (let i = 0; i < sales.length; i += LOOKUP_CHUNK) {
        const ids = sales.slice(i, i + LOOKUP_CHUNK).map((s) => s.orderId);
        const rows = db
          .prepare(
            `SELECT order_id, content_hash FROM sales WHERE order_id IN (${ids.map(() => '?').join(',')})`,
          )
          .all(...ids) as Array<{ order_id: string; content_hash: string }>;
        for (const r of rows) stored.set(r.order_id, r.content_hash);
      }
      const salt = cardSalt(db);
      return sales.map((s) => {
        const hash = stored.get(s.orderId);
        if (hash === undefined) return 'new';
        const { loyaltyCard, ...input } = s;
        // Without a salt no stored sale has a card, so an order with one cannot be identical.
        const cardHash = loyaltyCard === undefined ? null : salt ? cardHashOf(salt, loyaltyCard) : 'no-salt';
        return saleContentHash(input, cardHash) === hash ? 'identical' : 'conflict';
      });
    } finally {
      db.close();
    }
  }

  private open(): Db {
    try {
      const db = new Database(join(this.dataDir, 'sales.db'), { readonly: true, fileMustExist: true });
      db.pragma('busy_timeout = 5000');
      return db;
    } catch (err) {
      throw new SalesError(
        'SALES_UNAVAILABLE',
        `the sales books cannot be read (${(err as Error).message}): the node is starting or stopping`,
      );
    }
  }
}

function cardSalt(db: Db): Uint8Array | null {
  const row = db.prepare("SELECT value FROM sales_meta WHERE key = 'card-salt'").get() as
    { value: Uint8Array } | undefined;
  return row?.value ?? null;
}
