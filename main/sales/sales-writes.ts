/**
 * Every write to `sales.db`, by name: what the writer runs (on its own thread in the app, inline in
 * tests), each inside a group's transaction. Their arguments and results are plain data, so they
 * cross a thread as they are.
 */
import { randomBytes } from 'node:crypto';
import type { RefundReceipt, SaleReceipt } from '../contract/sales';
import { type Db, prepared } from '../store/db';
import { type PointsTokenomics, type Redemption, earnPoints, redeemPoints } from './loyalty-points';
import { franchiseNotActive } from './errors';
import { type PreparedRefund, type PreparedSale, isStoredReplay, writeRefund, writeSale } from './sales-book';

/** A signed batch to keep before it is sent, with the sales it carries. */
export interface BatchToKeep {
  nonce: number;
  txHash: string;
  bytes: Uint8Array;
  /** The `seq` of each sale in it. */
  seqs: number[];
  createdMs: number;
}

export const SALES_WRITES = {
  /**
   * Stores sales all or none (a failure undoes this write's savepoint only). With `onlyReplays` (the
   * franchise is not active) it stores nothing: it answers only identical resends of stored sales,
   * and refuses the lot with `FRANCHISE_NOT_ACTIVE` if any is new or differs.
   */
  sales(
    db: Db,
    a: { sales: PreparedSale[]; acceptedAtMs: number; onlyReplays?: { franchiseId: string; status: string } },
  ): SaleReceipt[] {
    if (a.onlyReplays && !a.sales.every((s) => isStoredReplay(db, s)))
      throw franchiseNotActive(a.onlyReplays.franchiseId, a.onlyReplays.status);
    return a.sales.map((s) => writeSale(db, s, a.acceptedAtMs));
  },
  refund(db: Db, a: { refund: PreparedRefund; acceptedAtMs: number }): RefundReceipt {
    return writeRefund(db, a.refund, a.acceptedAtMs);
  },
  /** The store's secret salt for loyalty card hashes, made at first use. */
  cardSalt(db: Db): Uint8Array {
    const row = prepared(db, "SELECT value FROM sales_meta WHERE key = 'card-salt'").get() as
      { value: Uint8Array } | undefined;
    if (row) return row.value;
    const salt = randomBytes(32);
    prepared(db, "INSERT INTO sales_meta (key, value) VALUES ('card-salt', ?)").run(salt);
    return salt;
  },
  /** Spends a card's points at the till. */
  redeem(db: Db, r: Redemption): { redemptionId: string; points: string; balance: string } {
    return redeemPoints(db, r);
  },
  /** Keeps a signed batch and ties its sales to it (each must be in no batch). Returns the batch id. */
  keepBatch(db: Db, b: BatchToKeep): number {
    const { lastInsertRowid } = prepared(
      db,
      `INSERT INTO sales_batches (nonce, tx_hash, tx_bytes, sales, state, created_ms)
       VALUES (?, ?, ?, ?, 'submitted', ?)`,
    ).run(b.nonce, b.txHash, b.bytes, b.seqs.length, b.createdMs);
    // A batch is a run of consecutive sales (see SalesBatcher): one statement ties them all.
    const first = b.seqs[0] ?? 0;
    const last = first + b.seqs.length - 1;
    if (b.seqs.some((seq, i) => seq !== first + i))
      throw new Error('a batch must be a run of consecutive sales');
    const tied = prepared(
      db,
      'UPDATE sales SET batch_id = ? WHERE seq BETWEEN ? AND ? AND batch_id IS NULL',
    ).run(lastInsertRowid, first, last).changes;
    if (tied !== b.seqs.length)
      throw new Error(`sales #${first}–${last} are already in a batch, some of them`);
    return Number(lastInsertRowid);
  },
  /**
   * The chain's number of this book's sale 0 (see `SalesBatcher`): the stored one, or `ifUnset`
   * stored now when there is none.
   */
  chainSeqBase(db: Db, a: { ifUnset: number }): number {
    // Kept as its decimal text (the table's values are blobs).
    prepared(db, "INSERT OR IGNORE INTO sales_meta (key, value) VALUES ('chain-seq-base', ?)").run(
      Buffer.from(String(a.ifUnset)),
    );
    const row = prepared(db, "SELECT value FROM sales_meta WHERE key = 'chain-seq-base'").get() as {
      value: Buffer;
    };
    return Number(row.value.toString());
  },
  /** A batch found in a final block: its card sales earn their points. */
  batchRecorded(db: Db, a: { id: number; height: number; atMs: number; tokenomics: PointsTokenomics }): void {
    earnPoints(db, a.id, a.tokenomics, a.atMs);
    prepared(db, "UPDATE sales_batches SET state = 'recorded', height = ?, done_ms = ? WHERE id = ?").run(
      a.height,
      a.atMs,
      a.id,
    );
  },
  /** A batch that can no longer land: its sales go back to the queue. */
  batchReopened(
    db: Db,
    a: { id: number; state: 'failed' | 'superseded'; error: string | null; atMs: number },
  ): void {
    prepared(db, 'UPDATE sales_batches SET state = ?, error = ?, done_ms = ? WHERE id = ?').run(
      a.state,
      a.error,
      a.atMs,
      a.id,
    );
    prepared(db, 'UPDATE sales SET batch_id = NULL WHERE batch_id = ?').run(a.id);
  },
};

export type SalesWrites = typeof SALES_WRITES;
export type SalesWriteName = keyof SalesWrites;
export type SalesWriteArgs<K extends SalesWriteName> = Parameters<SalesWrites[K]>[1];
export type SalesWriteResult<K extends SalesWriteName> = ReturnType<SalesWrites[K]>;
