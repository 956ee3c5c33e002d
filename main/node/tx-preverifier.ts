/**
 * `TxPreverifier`: which transaction signatures the node checks on the signature workers before the
 * chain checks them on the main thread. It batches gossiped and submitted transactions per event-loop
 * turn, sends a synced range at once, skips what the verified-signature cache already holds, and hands
 * the workers' approvals to the `PreverifiedVerifier` that the mempool and block application use.
 */
import type { VerifiedCache } from '../chain/cache';
import type { EncodingLimits } from '../chain/encoding';
import { txHashOfBytes } from '../chain/tx/codec';
import type { Hash } from '../chain/types';
import type { P2pLog } from '../p2p/types';
import type { PreverifiedVerifier, VerifyPool } from './verify-pool';

/** Gossiped transactions waiting for a signature check beyond which new ones are dropped. */
const GOSSIP_MAX_BACKLOG = 4_000;
/** Backlog beyond which a proposal's transactions are checked on the main thread instead. */
const URGENT_MAX_BACKLOG = 500;

/** Options of the preverifier. */
export interface TxPreverifierOptions {
  /** Close the pool at `close()` (false when several in-process nodes share one pool). */
  ownsPool: boolean;
}

/** What the preverifier uses. */
export interface TxPreverifierDeps {
  pool: VerifyPool;
  /** The verifier the chain's checks go through; approvals land here. */
  verifier: PreverifiedVerifier;
  /** The verified-signature cache shared with the mempool and block application. */
  cache: VerifiedCache;
  /** Decoding limits of the chain (the workers decode the transactions). */
  limits: EncodingLimits;
  log: P2pLog;
}

/**
 * @example
 * const pre = new TxPreverifier({ ownsPool: true }, { pool, verifier, cache, limits: config.params, log });
 * await pre.preverify([bytes], [hash]); mempool.add(bytes, hash); // the ECDSA step is now a set lookup
 */
export class TxPreverifier {
  private batch: Uint8Array[] = [];
  private batchDone: Promise<void> | undefined;

  constructor(
    private readonly opts: TxPreverifierOptions,
    private readonly deps: TxPreverifierDeps,
  ) {}

  /** True when signature checks pile up so far that gossiped transactions should be shed. */
  get overloaded(): boolean {
    return this.deps.pool.active && this.deps.pool.backlog > GOSSIP_MAX_BACKLOG;
  }

  /**
   * Checks the signatures of encoded transactions on the worker threads (batched per event-loop turn)
   * so the chain's check on the main thread finds them verified.
   */
  preverify(txs: readonly Uint8Array[], hashes?: readonly Hash[], urgent = false): Promise<void> {
    const pool = this.deps.pool;
    if (!pool.active || txs.length === 0) return Promise.resolve();
    // Consensus must not wait behind a queue of gossiped transactions: then the main thread checks them.
    if (urgent && pool.backlog > URGENT_MAX_BACKLOG) return Promise.resolve();
    const todo = this.notYetVerified(txs, hashes);
    if (todo.length === 0) return Promise.resolve();
    this.batch.push(...todo);
    this.batchDone ??= new Promise<void>((resolve) => {
      setImmediate(() => {
        const items = this.batch;
        this.batch = [];
        this.batchDone = undefined;
        void this.checkOnWorker(items).finally(resolve);
      });
    });
    return this.batchDone;
  }

  /**
   * Sends a fetched range's transactions to the signature worker at once (not batched to the next
   * event-loop turn, which would come only after the main thread has applied the range before it).
   */
  preverifyNow(txs: readonly Uint8Array[], hashes?: readonly Hash[]): Promise<void> {
    if (!this.deps.pool.active || txs.length === 0) return Promise.resolve();
    const todo = this.notYetVerified(txs, hashes);
    return todo.length === 0 ? Promise.resolve() : this.checkOnWorker(todo);
  }

  /** Stops the workers when the pool is ours. */
  async close(): Promise<void> {
    if (this.opts.ownsPool) await this.deps.pool.close();
  }

  /**
   * What the verified-signature cache does not hold yet (`t:<tx hash>` is the chain's cache key; if it
   * ever changes, this only costs a second check, never a wrong answer).
   */
  private notYetVerified(txs: readonly Uint8Array[], hashes?: readonly Hash[]): Uint8Array[] {
    const cache = this.deps.cache;
    return txs.filter((b, i) => !cache.has(`t:${hashes?.[i] ?? txHashOfBytes(b)}`));
  }

  /** Checks signatures on the worker and hands the approvals to the verifier; never rejects. */
  private checkOnWorker(txs: Uint8Array[]): Promise<void> {
    return this.deps.pool
      .check(txs, this.deps.limits)
      .then((keys) => this.deps.verifier.approve(keys.filter((k): k is string => k !== null)))
      .catch((err: unknown) =>
        this.deps.log.warn(
          { err: (err as Error).message },
          'signature worker failed; verifying on the main thread',
        ),
      );
  }
}
