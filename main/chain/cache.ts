/**
 * A bounded set of keys whose signatures were already checked, so a transaction verified at mempool
 * admission is not verified again when its block applies, and a precommit verified as a vote is not
 * verified again inside the next block's commit. Keys commit to every byte that was verified (the
 * transaction hash covers the signature and public key), so a hit always means "same bytes, same answer".
 * Pure data structure: the node layer creates one and passes it in (one per process may be shared).
 */
export interface VerifiedCache {
  /** True if `key` was verified before. */
  has(key: string): boolean;
  /** Records `key` as verified. */
  add(key: string): void;
}

/**
 * A `VerifiedCache` holding at most `capacity` keys; the oldest is forgotten first.
 *
 * @example const cache = new BoundedVerifiedCache(100_000); verifyTxSignature(tx, { cache });
 */
export class BoundedVerifiedCache implements VerifiedCache {
  private readonly keys = new Set<string>();

  constructor(private readonly capacity = 100_000) {}

  has(key: string): boolean {
    return this.keys.has(key);
  }

  add(key: string): void {
    if (this.keys.has(key)) return;
    if (this.keys.size >= this.capacity) {
      const oldest = this.keys.values().next();
      if (!oldest.done) this.keys.delete(oldest.value);
    }
    this.keys.add(key);
  }

  /** Number of keys held. */
  get size(): number {
    return this.keys.size;
  }
}
