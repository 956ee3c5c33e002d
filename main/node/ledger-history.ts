/**
 * What snapshot sync adds to `ledger.db` (`LedgerStore.history`): the headers a joining node's light
 * client checks, with the set proofs kept at epoch ends (`epoch_sets`); restoring a snapshot into an
 * empty ledger in one transaction; a consistent read of the committed state for making a snapshot; and
 * the blocks back-filled below a joined snapshot. A node that joined at height H holds blocks from H up
 * (meta `history_from`); back-filled transactions have no receipts (`ok` is -1: never applied here).
 */
import Database from 'better-sqlite3';
import { getChainMeta, getFranchise } from '../chain/state/access';
import { type ChainMeta, encodeMeta } from '../chain/state/records';
import type { StateReader, StateStore } from '../chain/state/store';
import type { Franchise, Tx } from '../chain/tx/types';
import type { Address, Hash } from '../chain/types';
import type { Db } from '../store/db';
import { NodeError } from './errors';
import { bytesOf, stateTable, stateTableReader } from './state-table';
import type { FranchiseIndex } from './franchise-index';

/** `txs.ok` of a back-filled transaction: the node never applied it, so its outcome is unknown here. */
export const BACKFILLED_OK = -1;

/** A stored block's header and commit, with the set proofs kept at it (snapshot sync serves these). */
export interface StoredHeader {
  height: number;
  /** `encodeHeader` bytes; null for blocks stored before headers were kept apart (decode `block`). */
  header: Uint8Array | null;
  /** The block's bytes, only when `header` is null. */
  block: Uint8Array | null;
  commit: Uint8Array;
  /** The proven sets kept at an epoch's last block (`header-items.ts` encoding), or null. */
  sets: Uint8Array | null;
}

/** The head a restored snapshot leaves: the chain position and the snapshot's block with its commit. */
export interface RestoredHead {
  meta: ChainMeta;
  block: BackfilledBlock;
}

/** The committed state at one height, read apart from the node's own connection. */
export interface CommittedStateRead extends StateReader {
  /** The chain position of this state. */
  readonly meta: ChainMeta;
  /** Every committed entry (no `meta`, no tree nodes) in key order. */
  entries(): Generator<[string, Uint8Array]>;
  close(): void;
}

/** A snapshot restore in progress (`LedgerHistory.beginRestore`). */
export interface StateRestore {
  /** Where the restorer writes state entries and tree nodes (straight into the open transaction). */
  readonly sink: StateStore;
  /** Writes the chain position and the snapshot's block, and commits the whole restore. */
  complete(head: RestoredHead): void;
  /** Rolls everything back: the ledger holds its genesis again. */
  abort(): void;
}

/** A block back-filled below the history a snapshot-joined node holds (verified by its hash link). */
export interface BackfilledBlock {
  height: number;
  hash: Hash;
  timeMs: number;
  proposer: Address;
  stateRoot: Hash;
  headerBytes: Uint8Array;
  blockBytes: Uint8Array;
  commitBytes: Uint8Array;
  txs: readonly Tx[];
  txBytes: readonly Uint8Array[];
  txHashes: readonly Hash[];
}

/** What the history part uses of its store. */
export interface LedgerHistoryDeps {
  /** Empties the store's state cache (a restore rewrote the state under it). */
  dropCache(): void;
  franchises: FranchiseIndex;
  /** The addresses a transaction concerns besides its sender (the address index). */
  counterparties(tx: Tx): Address[];
}

/**
 * @example
 * store.history.historyFrom(); // 1 unless joined from a snapshot and not back-filled yet
 * const r = store.history.beginRestore(); … r.complete(head);
 */
export class LedgerHistory {
  private readonly sql: ReturnType<LedgerHistory['prepare']>;
  /** The state table without the store's cache (a restore writes it; `dropCache` follows). */
  private readonly table: StateStore;

  constructor(
    private readonly db: Db,
    private readonly file: string,
    private readonly deps: LedgerHistoryDeps,
  ) {
    this.sql = this.prepare();
    this.table = stateTable(db);
  }

  private prepare() {
    const db = this.db;
    return {
      getMeta: db.prepare('SELECT value FROM meta WHERE key = ?').pluck(),
      putMeta: db.prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      ),
      putBlock: db.prepare(
        'INSERT INTO blocks (height, hash, time_ms, proposer, tx_count, state_root, block, commit_bytes, header) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      putTx: db.prepare(
        'INSERT OR REPLACE INTO txs (hash, height, idx, sender, type, ok, error_code, error_message, minted, tx) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      putAddr: db.prepare('INSERT OR IGNORE INTO addr_txs (address, height, idx, hash) VALUES (?, ?, ?, ?)'),
      headersFrom: db.prepare(
        'SELECT b.height, b.header, CASE WHEN b.header IS NULL THEN b.block END AS block, b.commit_bytes, e.sets FROM blocks b LEFT JOIN epoch_sets e ON e.height = b.height WHERE b.height >= ? ORDER BY b.height LIMIT ?',
      ),
      franchiseKeys: db
        .prepare("SELECT key FROM state WHERE key >= 'fr:' AND key < 'fr;' ORDER BY key")
        .pluck(),
    };
  }

  /**
   * The lowest height from which this store holds every block up to its head: 1, unless the node
   * joined from a snapshot and the back-filler has not reached genesis yet.
   */
  historyFrom(): number {
    const v = this.sql.getMeta.get('history_from') as string | undefined;
    return v === undefined ? 1 : Number(v);
  }

  /**
   * Starts restoring a state snapshot into this ledger, which must hold only its genesis: one SQLite
   * transaction is opened, the genesis state is dropped from it, and the restorer writes entries and
   * tree nodes into `sink`. `complete` writes the snapshot's block and commits; `abort` (or any
   * failure) rolls back, so the ledger is as it was. Nothing else may write to the store meanwhile.
   */
  beginRestore(): StateRestore {
    const head = getChainMeta(this.table).height;
    if (head !== 0)
      throw new NodeError(
        'BAD_DATA_DIR',
        `${this.file} already holds blocks up to ${head}; a snapshot is restored only into an empty ledger`,
        { head },
      );
    if (this.db.inTransaction)
      throw new NodeError('STORE_FAILED', 'a snapshot cannot be restored inside another transaction');
    this.db.exec('BEGIN IMMEDIATE');
    this.deps.dropCache();
    let open = true;
    const end = (): void => {
      open = false;
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      this.deps.dropCache();
    };
    try {
      // `meta` stays until `complete` replaces it: the node's status reads it meanwhile.
      this.db.exec("DELETE FROM state WHERE key <> 'meta'");
    } catch (err) {
      end();
      throw writeFailed(this.file, err, 'nothing was restored');
    }
    const st = this.sql;
    const sink = this.table;
    return {
      sink,
      complete: (head: RestoredHead) => {
        if (!open) throw new NodeError('STORE_FAILED', 'this snapshot restore was already ended');
        try {
          sink.set('meta', encodeMeta(head.meta));
          this.putBackfilled(head.block);
          st.putMeta.run('history_from', String(head.block.height));
          const franchises: Franchise[] = [];
          const ids = this.sql.franchiseKeys.all() as string[];
          for (const key of ids) {
            const f = getFranchise(sink, key.slice(3));
            if (f) franchises.push(f);
          }
          this.deps.franchises.startFromSnapshot(head.block.height, franchises);
          this.db.exec('COMMIT');
          open = false;
          this.deps.dropCache();
        } catch (err) {
          end();
          throw writeFailed(this.file, err, 'nothing of the snapshot was kept');
        }
      },
      abort: () => {
        if (open) end();
      },
    };
  }

  /**
   * A consistent read of the committed state as it is now, on a second read-only connection whose read
   * transaction pins it while blocks keep committing (WAL): for making a snapshot without stopping the
   * node. Close it soon; while open, the WAL cannot be checkpointed past it.
   */
  readCommittedState(): CommittedStateRead {
    const db = new Database(this.file, { readonly: true, fileMustExist: true });
    try {
      db.exec('BEGIN');
      const { get } = stateTableReader(db);
      // The first read starts the read transaction: from here on this connection sees this state.
      const meta = getChainMeta({ get });
      const entries = db.prepare(
        "SELECT key, value FROM state WHERE key <> 'meta' AND (key < 'smt:' OR key >= 'smt;') ORDER BY key",
      );
      return {
        meta,
        get,
        *entries() {
          for (const r of entries.iterate() as IterableIterator<{ key: string; value: Buffer }>)
            yield [r.key, bytesOf(r.value)];
        },
        close: () => {
          if (db.open) db.close();
        },
      };
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /**
   * Stores blocks back-filled below `historyFrom()` (consecutive, the highest right below it; the
   * caller verified them by their hash links), with their transactions indexed but no receipts, in
   * one transaction. Returns the new `historyFrom()`.
   */
  storeBackfilled(blocks: readonly BackfilledBlock[]): number {
    const sorted = [...blocks].sort((a, b) => b.height - a.height);
    let next = this.historyFrom() - 1;
    for (const b of sorted) {
      if (b.height !== next)
        throw new NodeError(
          'STORE_FAILED',
          `back-filled block ${b.height} does not come right below the stored history (expected ${next})`,
          { height: b.height, expected: next },
        );
      next--;
    }
    if (sorted.length === 0) return next + 1;
    try {
      this.db.transaction(() => {
        for (const b of sorted) this.putBackfilled(b);
        this.sql.putMeta.run('history_from', String(next + 1));
      })();
    } catch (err) {
      throw writeFailed(this.file, err, 'nothing of these back-filled blocks was written');
    }
    return next + 1;
  }

  /** Writes one block whose transactions were not applied here (back-fill, the snapshot's block). */
  private putBackfilled(b: BackfilledBlock): void {
    this.sql.putBlock.run(
      b.height,
      b.hash,
      b.timeMs,
      b.proposer,
      b.txs.length,
      b.stateRoot,
      b.blockBytes,
      b.commitBytes,
      b.headerBytes,
    );
    b.txs.forEach((tx, i) => {
      const hash = b.txHashes[i] as Hash;
      this.sql.putTx.run(
        hash,
        b.height,
        i,
        tx.sender,
        tx.payload.type,
        BACKFILLED_OK,
        null,
        null,
        '0',
        b.txBytes[i] as Uint8Array,
      );
      this.sql.putAddr.run(tx.sender, b.height, i, hash);
      for (const a of this.deps.counterparties(tx))
        if (a !== tx.sender) this.sql.putAddr.run(a, b.height, i, hash);
    });
  }

  /** Up to `count` stored headers with their commits and kept set proofs, consecutive from `fromHeight`. */
  headersFrom(fromHeight: number, count: number): StoredHeader[] {
    const rows = this.sql.headersFrom.all(fromHeight, count) as {
      height: number;
      header: Buffer | null;
      block: Buffer | null;
      commit_bytes: Buffer;
      sets: Buffer | null;
    }[];
    const out: StoredHeader[] = [];
    for (const r of rows) {
      if (r.height !== fromHeight + out.length) break;
      out.push({
        height: r.height,
        header: r.header ? bytesOf(r.header) : null,
        block: r.block ? bytesOf(r.block) : null,
        commit: bytesOf(r.commit_bytes),
        sets: r.sets ? bytesOf(r.sets) : null,
      });
    }
    return out;
  }
}

/** A failed write as `STORE_FAILED` (a `NodeError` passes through as it is). */
function writeFailed(file: string, err: unknown, what: string): NodeError {
  if (err instanceof NodeError) return err;
  return new NodeError(
    'STORE_FAILED',
    `writing ${file} failed: ${(err as Error).message} (${what})`,
    { file },
    { cause: err },
  );
}
