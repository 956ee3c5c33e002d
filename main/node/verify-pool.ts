/**
 * Transaction signatures checked off the main event loop. `VerifyPool` sends batches of encoded
 * transactions to worker threads (`verify.worker.ts`, libsecp256k1 or OpenSSL); the triples that verify are handed to
 * a `PreverifiedVerifier`, so when the mempool or block application then runs the chain's own check
 * on the main thread, the expensive ECDSA step is a set lookup. The chain's check still runs in full
 * (decoding, canonical form, key ↔ sender): the worker only saves the curve arithmetic.
 * The worker file is handed in (the composition root passes `() => workerPath('verify')`). Without a
 * built worker (unit tests from source) the pool does nothing and the main thread verifies.
 */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { EncodingLimits } from '../chain/encoding';
import type { SignatureVerifier } from '../chain/keys';
import { tripleKey } from './sig-check';

/**
 * A verifier that first looks for the exact (signature, message, key) triple among those a worker
 * already verified (each approval is used once), and otherwise asks `inner`.
 */
export class PreverifiedVerifier implements SignatureVerifier {
  private readonly approved = new Set<string>();

  constructor(
    private readonly inner: SignatureVerifier,
    private readonly maxApproved = 500_000,
  ) {}

  /** Records triples a worker verified. */
  approve(keys: Iterable<string>): void {
    for (const k of keys) {
      if (this.approved.size >= this.maxApproved) this.approved.clear();
      this.approved.add(k);
    }
  }

  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
    if (this.approved.size > 0) {
      const k = tripleKey(signature, message, publicKey);
      if (this.approved.delete(k)) return true;
    }
    return this.inner.verify(signature, message, publicKey);
  }

  /** Key recovery (votes and proposals) goes straight to the inner verifier, or noble when it has none. */
  get recover(): SignatureVerifier['recover'] {
    return this.inner.recover?.bind(this.inner);
  }
}

interface Pending {
  resolve: (keys: (string | null)[]) => void;
  reject: (err: Error) => void;
}

/**
 * @example
 * const pool = VerifyPool.create(1, () => workerPath('verify')); const keys = await pool.check(txBytes, limits); verifier.approve(keys.filter(Boolean));
 */
export class VerifyPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private next = 0;
  private rr = 0;
  /** Transactions sent to the workers and not answered yet. */
  backlog = 0;

  private constructor(file: string | null, count: number) {
    if (!file) return;
    for (let i = 0; i < count; i++) {
      const w = new Worker(file);
      w.unref();
      w.on('message', (m: { id: number; keys: (string | null)[] }) => {
        this.backlog -= m.keys.length;
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        p?.resolve(m.keys);
      });
      w.on('error', (err) => {
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
        this.backlog = 0;
      });
      this.workers.push(w);
    }
  }

  /**
   * A pool of `count` workers running `workerFile()` (the built `verify.worker.js`), or an empty one
   * when `count` is 0 or the worker is not built (`workerFile` throws or names no file).
   */
  static create(count: number, workerFile: () => string): VerifyPool {
    let file: string | null = null;
    try {
      file = count > 0 ? workerFile() : null;
    } catch {
      file = null;
    }
    return new VerifyPool(file && existsSync(file) ? file : null, count);
  }

  /** True when workers run. */
  get active(): boolean {
    return this.workers.length > 0;
  }

  /** Checks a batch; resolves with the triple key of each transaction that verifies (null otherwise). */
  check(txs: Uint8Array[], limits: EncodingLimits): Promise<(string | null)[]> {
    if (this.workers.length === 0 || txs.length === 0) return Promise.resolve(txs.map(() => null));
    const id = this.next++;
    const w = this.workers[this.rr++ % this.workers.length] as Worker;
    this.backlog += txs.length;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage({
        id,
        limits: {
          maxTxBytes: limits.maxTxBytes,
          maxBlockBytes: limits.maxBlockBytes,
          maxBlockTxs: limits.maxBlockTxs,
          maxItems: limits.maxItems,
        },
        txs,
      });
    });
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    const ws = this.workers.splice(0);
    await Promise.all(ws.map((w) => w.terminate()));
  }
}
