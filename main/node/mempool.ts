/**
 * The mempool: transactions admitted by the same checks a block applies (decode with limits, chain
 * id, fee, signature through the node's verifier and cache, authority, payload, nonce, balance), kept
 * per sender in nonce order, bounded in count and bytes, evicting the cheapest (then oldest) tail
 * when full, deduplicated by hash, and re-checked after every block. Every refusal throws a typed
 * error (`ChainError` for the chain's rules, `NodeError` for the pool's own) and changes nothing.
 */
import type { EncodingLimits } from '../chain/encoding';
import { ChainError } from '../chain/errors';
import { type StateReader, StateOverlay } from '../chain/state/store';
import { getAccount } from '../chain/state/access';
import type { ApplyContext } from '../chain/state/apply-context';
import { checkTx } from '../chain/state/apply-tx';
import type { Tx } from '../chain/tx/types';
import { decodeTx, txHashOfBytes } from '../chain/tx/codec';
import type { Address, Hash } from '../chain/types';
import { NodeError } from './errors';

/** Limits of the pool. */
export interface MempoolOptions {
  /** Most transactions held (default 50,000). */
  maxTxs?: number;
  /** Most bytes of encoded transactions held (default 128 MiB). */
  maxBytes?: number;
  /** Most pending transactions of one sender (default 5,000). */
  maxPerSender?: number;
}

/** Transaction kinds whose effects do not depend on their order among each other (see `update`). */
const COMMUTATIVE = new Set<string>(['transfer', 'record-sales', 'anchor-media']);

/** How far ahead of a sender's next nonce a gossiped transaction may be parked. */
const MAX_PARK_AHEAD = 64;

/** What the pool reads. */
export interface MempoolDeps {
  /** The committed state the next block builds on. */
  view: () => StateReader;
  /** Chain config and the verifier/cache (shared with block application, so a tx is verified once). */
  ctx: () => ApplyContext;
  now: () => number;
}

/** A pending transaction. */
export interface MempoolEntry {
  hash: Hash;
  tx: Tx;
  bytes: Uint8Array;
  seq: number;
  addedAtMs: number;
}

/**
 * @example
 * const pool = new Mempool({}, { view: () => store, ctx: () => ({ config, verify }), now: Date.now });
 * const { hash } = pool.add(bytes); // throws ChainError / NodeError when refused
 * const { txs } = pool.reap(1000, 4 << 20);
 */
export class Mempool {
  private readonly byHash = new Map<Hash, MempoolEntry>();
  private readonly bySender = new Map<Address, MempoolEntry[]>();
  private seq = 0;
  private pending: StateOverlay | undefined;
  private readonly parked = new Map<Address, Map<number, Uint8Array>>();
  private parkedCount = 0;
  private pendingBase: StateReader | undefined;
  private totalBytes = 0;
  private readonly maxTxs: number;
  private readonly maxBytes: number;
  private readonly maxPerSender: number;

  constructor(
    opts: MempoolOptions,
    private readonly deps: MempoolDeps,
  ) {
    this.maxTxs = opts.maxTxs ?? 50_000;
    this.maxBytes = opts.maxBytes ?? 128 * 1024 * 1024;
    this.maxPerSender = opts.maxPerSender ?? 5_000;
  }

  /**
   * Keeps a transaction whose nonce is a little ahead (gossip may deliver one sender's transactions
   * out of order) until the missing ones arrive; it is then admitted through `add` like any other.
   * Bounded (per sender and in total); returns false when it was not kept. Nothing else changes.
   */
  park(bytes: Uint8Array, tx: Pick<Tx, 'sender' | 'nonce'>): boolean {
    const expected = this.nextNonce(tx.sender);
    if (tx.nonce <= expected || tx.nonce > expected + MAX_PARK_AHEAD || this.parkedCount >= this.maxTxs / 10)
      return false;
    const m = this.parked.get(tx.sender) ?? new Map<number, Uint8Array>();
    if (m.has(tx.nonce)) return false;
    m.set(tx.nonce, bytes);
    this.parked.set(tx.sender, m);
    this.parkedCount++;
    return true;
  }

  /** Admits parked transactions that now follow the sender's pending ones. */
  private promote(sender: Address): void {
    const m = this.parked.get(sender);
    if (!m) return;
    for (;;) {
      const next = this.nextNonce(sender);
      for (const n of [...m.keys()]) {
        if (n < next) {
          m.delete(n);
          this.parkedCount--;
        }
      }
      const bytes = m.get(next);
      if (!bytes) break;
      m.delete(next);
      this.parkedCount--;
      try {
        this.add(bytes);
      } catch {
        break;
      }
    }
    if (m.size === 0) this.parked.delete(sender);
  }

  /** Number of pending transactions. */
  get size(): number {
    return this.byHash.size;
  }

  /** Bytes of pending transactions. */
  get bytes(): number {
    return this.totalBytes;
  }

  /** Is a transaction with this hash pending? */
  has(hash: Hash): boolean {
    return this.byHash.has(hash);
  }

  /** The pending entry with this hash. */
  get(hash: Hash): MempoolEntry | undefined {
    return this.byHash.get(hash);
  }

  /** The pending transactions of `sender`, in nonce order. */
  pendingOf(sender: Address): readonly MempoolEntry[] {
    return this.bySender.get(sender) ?? [];
  }

  /** The next nonce `sender` should use, counting pending transactions. */
  nextNonce(sender: Address): number {
    return getAccount(this.pendingState(), sender).nonce;
  }

  /** The committed state with every pending transaction applied in arrival order. */
  private pendingState(): StateOverlay {
    const view = this.deps.view();
    if (!this.pending || this.pendingBase !== view) {
      this.pendingBase = view;
      this.pending = new StateOverlay(view);
    }
    return this.pending;
  }

  /**
   * Admits an encoded transaction. Throws (and changes nothing) when it is refused:
   * `ChainError` TX_TOO_LARGE / MALFORMED / NON_CANONICAL / WRONG_CHAIN / FEE_TOO_LOW / BAD_SIGNATURE /
   * UNAUTHORIZED / BAD_NONCE / INSUFFICIENT_FUNDS / … (the chain's rule that failed, checked against the
   * committed state plus the pending transactions before it), or `NodeError` DUPLICATE_TX /
   * NONCE_TAKEN / NONCE_GAP / SENDER_LIMIT / MEMPOOL_FULL.
   */
  add(bytes: Uint8Array, knownHash?: Hash): MempoolEntry {
    const ctx = this.deps.ctx();
    const limits: EncodingLimits = ctx.config.params;
    const hash = knownHash ?? txHashOfBytes(bytes);
    if (this.byHash.has(hash))
      throw new NodeError('DUPLICATE_TX', `transaction ${hash} is already pending`, { txHash: hash });
    const tx = decodeTx(bytes, limits);
    const view = this.deps.view();
    const pending = this.pendingState();
    const committedNonce = getAccount(view, tx.sender).nonce;
    const expected = getAccount(pending, tx.sender).nonce;
    if (tx.nonce < committedNonce) {
      throw new ChainError(
        'BAD_NONCE',
        `nonce ${tx.nonce} of ${tx.sender} was already used; the next nonce is ${expected}`,
        { expected, got: tx.nonce },
      );
    }
    if (tx.nonce < expected) {
      throw new NodeError(
        'NONCE_TAKEN',
        `${tx.sender} already has a pending transaction with nonce ${tx.nonce}; the next free nonce is ${expected}`,
        { expected, got: tx.nonce },
      );
    }
    if (tx.nonce > expected) {
      throw new NodeError(
        'NONCE_GAP',
        `nonce ${tx.nonce} of ${tx.sender} is ahead: the next nonce is ${expected} (send the ones in between first)`,
        { expected, got: tx.nonce },
      );
    }
    const list = this.bySender.get(tx.sender) ?? [];
    if (list.length >= this.maxPerSender) {
      throw new NodeError(
        'SENDER_LIMIT',
        `${tx.sender} has ${list.length} pending transactions, the most allowed; wait for some to be committed`,
        { pending: list.length },
      );
    }
    // The chain's own admission rules, against the committed state plus what is pending (signature through the shared cache).
    const scratch = new StateOverlay(pending);
    checkTx(view, tx, ctx, { into: scratch, bytes, decodedWithHash: hash });
    const evicted = this.makeRoom(tx, bytes.length);
    const entry: MempoolEntry = { hash, tx, bytes, seq: this.seq++, addedAtMs: this.deps.now() };
    this.byHash.set(hash, entry);
    list.push(entry);
    this.bySender.set(tx.sender, list);
    this.totalBytes += bytes.length;
    if (evicted) this.rebuild();
    else scratch.commitTo(pending);
    if (this.parked.has(tx.sender)) this.promote(tx.sender);
    return entry;
  }

  private makeRoom(tx: Tx, size: number): boolean {
    let evicted = false;
    while (this.byHash.size + 1 > this.maxTxs || this.totalBytes + size > this.maxBytes) {
      // The cheapest, then oldest, tail of a sender's queue: removing a tail never strands later nonces.
      let victim: MempoolEntry | undefined;
      for (const list of this.bySender.values()) {
        const tail = list[list.length - 1];
        if (!tail || tail.tx.sender === tx.sender) continue;
        if (
          !victim ||
          tail.tx.fee < victim.tx.fee ||
          (tail.tx.fee === victim.tx.fee && tail.seq < victim.seq)
        )
          victim = tail;
      }
      if (!victim || victim.tx.fee >= tx.fee) {
        throw new NodeError(
          'MEMPOOL_FULL',
          `the mempool is full (${this.byHash.size} transactions, ${this.totalBytes} bytes); pay a higher fee than ${victim?.tx.fee ?? tx.fee} or retry later`,
          { size: this.byHash.size, bytes: this.totalBytes },
        );
      }
      this.removeEntry(victim);
      evicted = true;
    }
    return evicted;
  }

  private removeEntry(e: MempoolEntry): void {
    if (!this.byHash.delete(e.hash)) return;
    this.totalBytes -= e.bytes.length;
    const list = this.bySender.get(e.tx.sender);
    if (!list) return;
    const i = list.indexOf(e);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.bySender.delete(e.tx.sender);
  }

  /** Removes a transaction and every later one of its sender (they would have a nonce gap). */
  remove(hash: Hash): void {
    const e = this.byHash.get(hash);
    if (!e) return;
    const list = this.bySender.get(e.tx.sender) ?? [];
    for (const x of list.filter((x) => x.tx.nonce >= e.tx.nonce)) this.removeEntry(x);
    this.rebuild();
  }

  /**
   * Transactions for a block: oldest first, each sender's in nonce order, at most `maxTxs` and
   * `maxBytes` bytes of encoded transactions.
   */
  reap(maxTxs: number, maxBytes: number): MempoolEntry[] {
    const out: MempoolEntry[] = [];
    const stopped = new Set<Address>();
    let bytes = 0;
    for (const e of this.byHash.values()) {
      if (out.length >= maxTxs) break;
      if (stopped.has(e.tx.sender)) continue;
      if (bytes + e.bytes.length + 8 > maxBytes) {
        stopped.add(e.tx.sender);
        continue;
      }
      bytes += e.bytes.length + 8;
      out.push(e);
    }
    return out;
  }

  /**
   * Re-applies every pending transaction in arrival order on a fresh overlay of the committed state;
   * one that no longer passes is dropped with every later one of its sender. Returns the dropped hashes.
   */
  private rebuild(): Hash[] {
    const view = this.deps.view();
    const ctx = this.deps.ctx();
    this.pendingBase = view;
    this.pending = new StateOverlay(view);
    const dropped: Hash[] = [];
    const dead = new Set<Address>();
    for (const e of [...this.byHash.values()]) {
      if (dead.has(e.tx.sender)) {
        this.removeEntry(e);
        dropped.push(e.hash);
        continue;
      }
      try {
        checkTx(view, e.tx, ctx, { into: this.pending, bytes: e.bytes, decodedWithHash: e.hash });
      } catch {
        dead.add(e.tx.sender);
        this.removeEntry(e);
        dropped.push(e.hash);
      }
    }
    return dropped;
  }

  /**
   * After a block: drops what it included, then re-checks the remaining transactions against the new
   * state (nonce, fee balance, payload) in arrival order; a transaction that fails is dropped with every
   * later one of its sender. Returns the hashes dropped as invalid.
   *
   * Fast path (no re-check): all of the block's transactions succeeded and are of kinds whose effects
   * commute (transfers, sales, anchors: balance additions and subtractions, fresh order and segment
   * keys), each came from this pool or from a sender with nothing pending here, and the proposer (who
   * gets fees and rewards) has nothing pending.
   * Then "new state + the rest" equals "old state + everything pending", which the overlay already
   * holds, so it stays right as it is (it reads the new committed state beneath it).
   */
  update(
    committed: readonly { hash: Hash; sender: Address; type?: string }[],
    block?: { proposer: Address; allOk: boolean },
  ): Hash[] {
    const fast =
      this.pending !== undefined &&
      block !== undefined &&
      block.allOk &&
      !this.bySender.has(block.proposer) &&
      committed.every((c) => {
        const e = this.byHash.get(c.hash);
        // One we never saw is fine when its sender has nothing pending here: the overlay holds nothing
        // of that account, and a credit it made to an account the overlay holds only makes us stricter.
        return e !== undefined
          ? COMMUTATIVE.has(e.tx.payload.type)
          : c.type !== undefined && COMMUTATIVE.has(c.type) && !this.bySender.has(c.sender);
      });
    for (const c of committed) {
      const e = this.byHash.get(c.hash);
      if (e) this.removeEntry(e);
    }
    const dropped = fast ? [] : this.rebuild();
    for (const sender of [...this.parked.keys()]) this.promote(sender);
    return dropped;
  }
}
