/**
 * `ledger.db`: the chain's persistent store (ARCHITECTURE §5). SQLite in WAL mode with
 * `synchronous=FULL`, so a committed block survives a power cut.
 *
 * Tables (module `ledger` migrations):
 * - `blocks`: height → hash, time, proposer, tx count, state root, the encoded block and the commit
 *   (the +2/3 precommits) that finalized it;
 * - `txs`: tx hash → height, index, the encoded transaction and its receipt (ok / error code);
 * - `addr_txs`: address → the transactions that concern it (sender, receiver, customer, subject);
 * - `state`: the chain's key/value state, tree nodes included — it backs `main/chain`'s `StateStore`;
 * - `meta`: chain id, genesis hash and the genesis document;
 * - `signer`: the last (height, round, step) this node signed, written before a signature leaves;
 * - `franchise_index`: the franchise registry's read model, kept with each block (`franchise-index.ts`);
 * - `epoch_sets`: proofs of validator sets kept at epoch ends, and the rest of what snapshot sync
 *   adds (headers apart, restores, back-filled history): `ledger-history.ts`.
 *
 * Each block goes in with its whole write-set and its index rows in ONE transaction: a crash at any
 * point leaves the last committed block and its state intact and nothing of the next one.
 */
import { type Genesis, genesisToJson } from '../chain/genesis';
import type { StateKey, StateReader, StateStore, WriteSet } from '../chain/state/store';
import type { ChainMeta } from '../chain/state/records';
import type { ApplyResult } from '../chain/state/apply-block';
import { getChainMeta } from '../chain/state/access';
import type { Tx } from '../chain/tx/types';
import type { Address, Hash } from '../chain/types';
import type { SignerRecord } from '../consensus/signer';
import { type Db, type Migration, openDatabase } from '../store/db';
import { NodeError } from './errors';
import { FRANCHISE_INDEX_MIGRATIONS, FranchiseIndex } from './franchise-index';
import { BACKFILLED_OK, LedgerHistory } from './ledger-history';
import { bytesOf, stateTable } from './state-table';

/** The ledger module's schema steps. */
export const LEDGER_MIGRATIONS: readonly Migration[] = [
  {
    module: 'ledger',
    version: 1,
    name: 'blocks, txs, address index, state, meta, signer',
    up: `
      CREATE TABLE blocks (
        height INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE, time_ms INTEGER NOT NULL, proposer TEXT NOT NULL,
        tx_count INTEGER NOT NULL, state_root TEXT NOT NULL, block BLOB NOT NULL, commit_bytes BLOB NOT NULL) STRICT;
      CREATE TABLE txs (
        hash TEXT PRIMARY KEY, height INTEGER NOT NULL, idx INTEGER NOT NULL, sender TEXT NOT NULL, type TEXT NOT NULL,
        ok INTEGER NOT NULL, error_code TEXT, error_message TEXT, minted TEXT NOT NULL, tx BLOB NOT NULL) STRICT, WITHOUT ROWID;
      CREATE TABLE addr_txs (
        address TEXT NOT NULL, height INTEGER NOT NULL, idx INTEGER NOT NULL, hash TEXT NOT NULL,
        PRIMARY KEY (address, height, idx)) STRICT, WITHOUT ROWID;
      CREATE TABLE state (key TEXT PRIMARY KEY, value BLOB NOT NULL) STRICT, WITHOUT ROWID;
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
      CREATE TABLE signer (id INTEGER PRIMARY KEY CHECK (id = 1), record TEXT NOT NULL) STRICT;
    `,
  },
  {
    module: 'ledger',
    version: 2,
    name: 'the block behind the signer lock',
    // A node that precommitted block X is locked on X; after a crash it must still hold X to
    // re-propose it (else it would prevote nil on every new block of that height, forever).
    up: 'CREATE TABLE signer_block (id INTEGER PRIMARY KEY CHECK (id = 1), height INTEGER NOT NULL, hash TEXT NOT NULL, block BLOB NOT NULL) STRICT;',
  },
  {
    module: 'ledger',
    version: 3,
    name: 'block headers apart, and the proofs of validator sets kept at epoch ends',
    // Snapshot sync serves headers and the sets' proofs at the block that chose them (the tree moves on).
    up: `
      ALTER TABLE blocks ADD COLUMN header BLOB;
      CREATE TABLE epoch_sets (height INTEGER PRIMARY KEY, sets BLOB NOT NULL) STRICT;
    `,
  },
];

/** One stored block row (the encoded bytes are decoded by the caller when needed). */
export interface StoredBlock {
  height: number;
  hash: Hash;
  timeMs: number;
  proposer: Address;
  txCount: number;
  stateRoot: Hash;
  /** `encodeBlock` bytes. */
  block: Uint8Array;
  /** `encodeCommit` bytes of the commit that finalized it. */
  commit: Uint8Array;
}

/** One stored transaction with its receipt. */
export interface StoredTx {
  hash: Hash;
  height: number;
  index: number;
  sender: Address;
  type: string;
  ok: boolean;
  errorCode: string | null;
  errorMessage: string | null;
  minted: bigint;
  /** `encodeTx` bytes. */
  tx: Uint8Array;
  /** False when stored by back-fill (`ledger-history.ts`): never applied here, so `ok` says nothing. */
  receiptKnown: boolean;
}

/** What `commitBlock` persists. */
export interface BlockCommitInput {
  height: number;
  hash: Hash;
  timeMs: number;
  proposer: Address;
  stateRoot: Hash;
  blockBytes: Uint8Array;
  commitBytes: Uint8Array;
  txs: readonly Tx[];
  txBytes: readonly Uint8Array[];
  result: Pick<ApplyResult, 'writes' | 'receipts'>;
  /** `encodeHeader` bytes of the header, and at an epoch's last block the proven sets to keep. */
  headerBytes?: Uint8Array;
  epochSets?: Uint8Array;
}

/** Options of the store. */
export interface LedgerStoreOptions {
  /**
   * Most state entries kept in memory (read cache; the database is the truth). Default 300,000 (about
   * 75 MB): past it the entries written or read longest ago go first, so the hot top of the state tree
   * (rewritten every block) stays while a store's ever-growing order keys do not grow the node's memory.
   */
  cacheEntries?: number;
}

/** The addresses a transaction concerns besides its sender (for the address index). */
export function counterparties(tx: Tx): Address[] {
  const p = tx.payload;
  switch (p.type) {
    case 'transfer':
      return [p.to];
    case 'kyc-attest':
      return [p.subject];
    case 'record-sales':
      return [...new Set(p.sales.map((s) => s.customer).filter((c): c is Address => c !== null))];
    case 'franchise-register':
    case 'franchise-update':
      return [p.franchise.owner];
    case 'evidence':
      return [p.evidence.a.validator];
    default:
      return [];
  }
}

/**
 * The ledger database. Reads of state go through an in-memory cache that is updated only after a
 * block's transaction commits, so the cache never shows anything the disk does not have.
 *
 * @example
 * const store = LedgerStore.open(join(dataDir, 'ledger.db'));
 * if (!store.initialized()) store.initGenesis(genesis, applyGenesis(store, genesis).writes);
 */
export class LedgerStore implements StateReader {
  private readonly cache = new Map<string, Uint8Array | null>();
  /** Inside `batch`: the state writes of the batch's blocks, last write wins, written once at the end. */
  private pending: WriteSet | null = null;
  private readonly cacheEntries: number;
  private readonly st: ReturnType<LedgerStore['prepare']>;
  /** The state table itself, under the cache. */
  private readonly table: StateStore;
  /** The franchise registry's read model, updated in each block's transaction. */
  readonly franchises: FranchiseIndex;
  /** Snapshot sync's part of the ledger: headers served, restores, back-filled history. */
  readonly history: LedgerHistory;

  private constructor(
    readonly db: Db,
    readonly file: string,
    opts: LedgerStoreOptions,
  ) {
    this.cacheEntries = opts.cacheEntries ?? 300_000;
    // The tx-hash and address indexes take inserts at random places: keep their pages in memory
    // (64 MiB instead of SQLite's 2 MiB) so a block's inserts do not each read a page from disk.
    db.pragma('cache_size = -65536');
    this.st = this.prepare();
    this.table = stateTable(db);
    this.franchises = new FranchiseIndex(db);
    this.history = new LedgerHistory(db, file, {
      dropCache: () => this.cache.clear(),
      franchises: this.franchises,
      counterparties,
    });
  }

  /** Opens (creating and migrating) `ledger.db` at `file` with synchronous=FULL. */
  static open(file: string, opts: LedgerStoreOptions = {}): LedgerStore {
    return new LedgerStore(
      openDatabase(file, {
        synchronous: 'FULL',
        migrations: [...LEDGER_MIGRATIONS, ...FRANCHISE_INDEX_MIGRATIONS],
      }),
      file,
      opts,
    );
  }

  /** Opens an existing `ledger.db` read-only (no migration, no checkpoint at close): for commands that only look. */
  static openReadOnly(file: string, opts: LedgerStoreOptions = {}): LedgerStore {
    return new LedgerStore(
      openDatabase(file, { synchronous: 'FULL', migrations: LEDGER_MIGRATIONS, readonly: true }),
      file,
      opts,
    );
  }

  private prepare() {
    const db = this.db;
    return {
      putBlock: db.prepare(
        'INSERT INTO blocks (height, hash, time_ms, proposer, tx_count, state_root, block, commit_bytes, header) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      putEpochSets: db.prepare(
        'INSERT INTO epoch_sets (height, sets) VALUES (?, ?) ON CONFLICT(height) DO UPDATE SET sets = excluded.sets',
      ),
      headersFrom: db.prepare(
        'SELECT b.height, b.header, CASE WHEN b.header IS NULL THEN b.block END AS block, b.commit_bytes, e.sets FROM blocks b LEFT JOIN epoch_sets e ON e.height = b.height WHERE b.height >= ? ORDER BY b.height LIMIT ?',
      ),
      putTx: db.prepare(
        'INSERT OR REPLACE INTO txs (hash, height, idx, sender, type, ok, error_code, error_message, minted, tx) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      putAddr: db.prepare('INSERT OR IGNORE INTO addr_txs (address, height, idx, hash) VALUES (?, ?, ?, ?)'),
      blockByHeight: db.prepare('SELECT * FROM blocks WHERE height = ?'),
      blockByHash: db.prepare('SELECT * FROM blocks WHERE hash = ?'),
      blocksFrom: db.prepare('SELECT * FROM blocks WHERE height >= ? ORDER BY height LIMIT ?'),
      blocksBefore: db.prepare(
        'SELECT height, hash, time_ms, proposer, tx_count, state_root FROM blocks WHERE height < ? ORDER BY height DESC LIMIT ?',
      ),
      tx: db.prepare('SELECT * FROM txs WHERE hash = ?'),
      txsOfBlock: db.prepare('SELECT * FROM txs WHERE height = ? ORDER BY idx'),
      addrTxs: db.prepare(
        'SELECT t.* FROM addr_txs a JOIN txs t ON t.hash = a.hash WHERE a.address = ? AND (a.height < ? OR (a.height = ? AND a.idx < ?)) ORDER BY a.height DESC, a.idx DESC LIMIT ?',
      ),
      addrSeen: db.prepare('SELECT 1 FROM addr_txs WHERE address = ? LIMIT 1').pluck(),
      transfers: db.prepare(
        "SELECT t.* FROM addr_txs a JOIN txs t ON t.hash = a.hash WHERE a.address = ? AND t.type = 'transfer' AND t.ok = 1 AND t.sender = ? ORDER BY a.height, a.idx",
      ),
      getMeta: db.prepare('SELECT value FROM meta WHERE key = ?').pluck(),
      putMeta: db.prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      ),
      getSigner: db.prepare('SELECT record FROM signer WHERE id = 1').pluck(),
      putSigner: db.prepare(
        'INSERT INTO signer (id, record) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET record = excluded.record',
      ),
      getSignerBlock: db.prepare('SELECT height, hash, block FROM signer_block WHERE id = 1'),
      putSignerBlock: db.prepare(
        'INSERT INTO signer_block (id, height, hash, block) VALUES (1, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET height = excluded.height, hash = excluded.hash, block = excluded.block',
      ),
    };
  }

  // ------------------------------------------------------------------ state

  /** A state entry (the `StateReader` the chain's functions read). */
  get(key: StateKey): Uint8Array | undefined {
    if (this.pending) {
      const p = this.pending.get(key);
      if (p !== undefined) return p ?? undefined;
    }
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit ?? undefined;
    const value = this.table.get(key) ?? null;
    this.remember(key, value);
    return value ?? undefined;
  }

  /** Caches `key` as the newest entry; past the limit the oldest 1% go (a Map iterates oldest first). */
  private remember(key: string, value: Uint8Array | null): void {
    this.cache.delete(key);
    this.cache.set(key, value);
    if (this.cache.size <= this.cacheEntries) return;
    let drop = Math.max(1, Math.floor(this.cacheEntries / 100));
    for (const k of this.cache.keys()) {
      this.cache.delete(k);
      if (--drop === 0) break;
    }
  }

  private writeState(writes: WriteSet): void {
    for (const [k, v] of writes) this.table.set(k, v);
  }

  // ------------------------------------------------------------------ chain position

  /** True once a genesis was written. */
  initialized(): boolean {
    return this.st.getMeta.get('genesis_hash') !== undefined;
  }

  /** The chain position from the state (height 0 right after genesis). */
  chainMeta(): ChainMeta {
    return getChainMeta(this);
  }

  /** Chain id and genesis hash written at init. Throws `NOT_INITIALIZED` before. */
  chainInfo(): { chainId: string; genesisHash: Hash; genesis: unknown } {
    const chainId = this.st.getMeta.get('chain_id') as string | undefined;
    const genesisHash = this.st.getMeta.get('genesis_hash') as Hash | undefined;
    const genesis = this.st.getMeta.get('genesis') as string | undefined;
    if (!chainId || !genesisHash || !genesis)
      throw new NodeError(
        'NOT_INITIALIZED',
        `${this.file} holds no chain yet; it is initialized from genesis.json at start`,
        { file: this.file },
      );
    return { chainId, genesisHash, genesis: JSON.parse(genesis) as unknown };
  }

  /** Writes the genesis state (from `applyGenesis`) and the chain's identity in one transaction. */
  initGenesis(genesis: Genesis, genesisHash: Hash, writes: WriteSet): void {
    if (this.initialized())
      throw new NodeError(
        'BAD_DATA_DIR',
        `${this.file} already holds chain ${this.chainInfo().chainId}; genesis is written only once`,
      );
    this.tx(() => {
      this.writeState(writes);
      this.st.putMeta.run('chain_id', genesis.chainId);
      this.st.putMeta.run('genesis_hash', genesisHash);
      this.st.putMeta.run('genesis', JSON.stringify(genesisToJson(genesis)));
      this.franchises.startAtGenesis();
    });
    for (const [k, v] of writes) this.remember(k, v);
  }

  /**
   * Persists a finalized block: the block and its commit, every tx with its receipt, the address
   * index, and the block's whole state write-set, in one SQLite transaction (synchronous=FULL).
   */
  commitBlock(b: BlockCommitInput): void {
    const head = this.chainMeta();
    if (b.height !== head.height + 1)
      throw new NodeError(
        'STORE_FAILED',
        `cannot store block ${b.height}: the store is at height ${head.height}`,
        { height: b.height, head: head.height },
      );
    this.tx(() => {
      this.st.putBlock.run(
        b.height,
        b.hash,
        b.timeMs,
        b.proposer,
        b.txs.length,
        b.stateRoot,
        b.blockBytes,
        b.commitBytes,
        b.headerBytes ?? null,
      );
      if (b.epochSets) this.st.putEpochSets.run(b.height, b.epochSets);
      b.txs.forEach((tx, i) => {
        const r = b.result.receipts[i];
        const hash = r?.txHash ?? '';
        this.st.putTx.run(
          hash,
          b.height,
          i,
          tx.sender,
          tx.payload.type,
          r?.ok ? 1 : 0,
          r?.error?.code ?? null,
          r?.error?.message ?? null,
          (r?.minted ?? 0n).toString(),
          b.txBytes[i] as Uint8Array,
        );
        this.st.putAddr.run(tx.sender, b.height, i, hash);
        for (const a of counterparties(tx)) if (a !== tx.sender) this.st.putAddr.run(a, b.height, i, hash);
      });
      this.franchises.applyBlock(b.height, b.txs, (i) => b.result.receipts[i]?.ok === true);
      if (!this.pending) this.writeState(b.result.writes);
    });
    const pending = this.pending;
    for (const [k, v] of b.result.writes) {
      pending?.set(k, v);
      this.remember(k, v);
    }
  }

  /**
   * Runs `fn` inside one SQLite transaction, so the blocks it commits reach the disk together with one
   * fsync at the end instead of one each (sync catching up thousands of finalized blocks), and a state
   * key written by several of them (the tree's upper nodes) is written once. Each `commitBlock` inside
   * is still all-or-nothing (a savepoint). While `fn` runs, reads and the state cache show
   * the batch's writes to this thread; if the final COMMIT fails, everything of the batch is rolled
   * back, the cache is emptied (so it never shows what the disk lacks) and `STORE_FAILED` is thrown.
   * `fn` must be synchronous: nothing else may write between its blocks.
   */
  batch<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    this.db.exec('BEGIN IMMEDIATE');
    this.pending = new Map();
    let result: T;
    try {
      result = fn();
      const pending = this.pending;
      this.pending = null;
      this.writeState(pending);
      this.db.exec('COMMIT');
    } catch (err) {
      this.pending = null;
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      this.cache.clear();
      throw this.writeFailed(err, 'nothing of this batch of blocks was written');
    }
    return result;
  }

  private tx(fn: () => void): void {
    try {
      this.db.transaction(fn)();
    } catch (err) {
      throw this.writeFailed(err, 'nothing of this block was written');
    }
  }

  /** A failed write as `STORE_FAILED` (a `NodeError` passes through as it is). */
  private writeFailed(err: unknown, what: string): NodeError {
    if (err instanceof NodeError) return err;
    return new NodeError(
      'STORE_FAILED',
      `writing ${this.file} failed: ${(err as Error).message} (${what})`,
      { file: this.file },
      { cause: err },
    );
  }

  // ------------------------------------------------------------------ lookups

  /** The block at `height`, or null. */
  blockAt(height: number): StoredBlock | null {
    return rowToBlock(this.st.blockByHeight.get(height));
  }

  /** The block with `hash`, or null. */
  blockByHash(hash: string): StoredBlock | null {
    return rowToBlock(this.st.blockByHash.get(hash.toLowerCase()));
  }

  /** Up to `count` blocks from `fromHeight` on, in height order. */
  blocksFrom(fromHeight: number, count: number): StoredBlock[] {
    return (this.st.blocksFrom.all(fromHeight, count) as BlockRow[]).map((r) => rowToBlock(r) as StoredBlock);
  }

  /** Summaries of up to `limit` blocks below `beforeHeight`, newest first. */
  recentBlocks(beforeHeight: number, limit: number): Omit<StoredBlock, 'block' | 'commit'>[] {
    return (this.st.blocksBefore.all(beforeHeight, limit) as BlockRow[]).map((r) => ({
      height: r.height,
      hash: r.hash as Hash,
      timeMs: r.time_ms,
      proposer: r.proposer as Address,
      txCount: r.tx_count,
      stateRoot: r.state_root as Hash,
    }));
  }

  /** The transaction with `hash`, or null. */
  txByHash(hash: string): StoredTx | null {
    return rowToTx(this.st.tx.get(hash.toLowerCase()));
  }

  /** The transactions of the block at `height`, in order. */
  txsOfBlock(height: number): StoredTx[] {
    return (this.st.txsOfBlock.all(height) as TxRow[]).map((r) => rowToTx(r) as StoredTx);
  }

  /** Transactions concerning `address`, newest first, strictly before the (height, index) cursor. */
  txsOfAddress(address: Address, limit: number, before?: { height: number; index: number }): StoredTx[] {
    const h = before?.height ?? Number.MAX_SAFE_INTEGER;
    const i = before?.index ?? Number.MAX_SAFE_INTEGER;
    return (this.st.addrTxs.all(address, h, h, i, limit) as TxRow[]).map((r) => rowToTx(r) as StoredTx);
  }

  /** The successful transfers from `sender` to `recipient`, oldest first (read through the recipient's index). */
  transfers(sender: Address, recipient: Address): StoredTx[] {
    return (this.st.transfers.all(recipient, sender) as TxRow[]).map((r) => rowToTx(r) as StoredTx);
  }

  /** Did `address` ever appear in a committed transaction? */
  addressSeen(address: Address): boolean {
    return this.st.addrSeen.get(address) !== undefined;
  }

  // ------------------------------------------------------------------ signer state

  /** The last signer record, or null before the first signature. */
  signerRecord(): SignerRecord | null {
    const raw = this.st.getSigner.get() as string | undefined;
    return raw ? (JSON.parse(raw) as SignerRecord) : null;
  }

  /**
   * Writes the signer record durably (its own transaction; synchronous=FULL fsyncs the WAL), with the
   * encoded block it commits to when it proposes or locks on one.
   */
  saveSignerRecord(record: SignerRecord, block?: { hash: Hash; bytes: Uint8Array }): void {
    if (this.db.inTransaction)
      throw new NodeError(
        'STORE_FAILED',
        'the signer record cannot be written inside a batch: it must be on disk before the vote leaves',
      );
    this.tx(() => {
      this.st.putSigner.run(JSON.stringify(record));
      if (block) this.st.putSignerBlock.run(record.height, block.hash, block.bytes);
    });
  }

  /** The block saved with the last proposal or lock, or null. */
  signerBlock(): { height: number; hash: Hash; block: Uint8Array } | null {
    const r = this.st.getSignerBlock.get() as { height: number; hash: string; block: Buffer } | undefined;
    return r ? { height: r.height, hash: r.hash as Hash, block: bytesOf(r.block) } : null;
  }

  /** Checkpoints the WAL and closes the database. */
  close(): void {
    if (!this.db.open) return;
    if (this.db.readonly) {
      this.db.close();
      return;
    }
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      this.db.close();
    }
  }
}

interface BlockRow {
  height: number;
  hash: string;
  time_ms: number;
  proposer: string;
  tx_count: number;
  state_root: string;
  block: Buffer;
  commit_bytes: Buffer;
}

interface TxRow {
  hash: string;
  height: number;
  idx: number;
  sender: string;
  type: string;
  ok: number;
  error_code: string | null;
  error_message: string | null;
  minted: string;
  tx: Buffer;
}

function rowToBlock(row: unknown): StoredBlock | null {
  if (!row) return null;
  const r = row as BlockRow;
  return {
    height: r.height,
    hash: r.hash as Hash,
    timeMs: r.time_ms,
    proposer: r.proposer as Address,
    txCount: r.tx_count,
    stateRoot: r.state_root as Hash,
    block: bytesOf(r.block),
    commit: bytesOf(r.commit_bytes),
  };
}

function rowToTx(row: unknown): StoredTx | null {
  if (!row) return null;
  const r = row as TxRow;
  return {
    hash: r.hash as Hash,
    height: r.height,
    index: r.idx,
    sender: r.sender as Address,
    type: r.type,
    ok: r.ok === 1,
    errorCode: r.error_code,
    errorMessage: r.error_message,
    minted: BigInt(r.minted),
    tx: bytesOf(r.tx),
    receiptKnown: r.ok !== BACKFILLED_OK,
  };
}
