/**
 * Builds a whole state tree at once from entries given in any order (pure): the tree of a restored
 * snapshot. Every leaf and inner node is hashed and written exactly once, where `updateTree` batch
 * by batch would read and rewrite the upper nodes again for every batch (3.5× slower at a million
 * entries: `bin/hotpot bench snapshot --parts restore`). The nodes are the ones `updateTree` makes
 * for the same entries (`smt.ts` defines them). It keeps 64 bytes per entry (the key's and the
 * value's hash) until `finish`.
 */
import { keccak256, toHex, utf8ToBytes } from './bytes';
import { ChainError } from './errors';
import { EMPTY_ROOT, INNER_TAG, leafHash, type NodeStore, writeNode } from './smt';
import type { Hash } from './types';

const ZERO = new Uint8Array(32);
const ENTRY = 64;

/**
 * @example
 * const b = new TreeBuilder();
 * for (const [key, value] of entries) b.add(key, value);
 * const root = b.finish(store); // store held no `smt:` nodes
 */
export class TreeBuilder {
  private buf = new Uint8Array(ENTRY * 1024);
  private n = 0;

  /** Entries added so far. */
  get size(): number {
    return this.n;
  }

  /** Adds a state entry (each key once). */
  add(key: string, value: Uint8Array): void {
    if ((this.n + 1) * ENTRY > this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    // Not smt.ts's cached keyHashOf: a million keys would only churn the cache blocks use.
    this.buf.set(keccak256(utf8ToBytes(key)), this.n * ENTRY);
    this.buf.set(keccak256(value), this.n * ENTRY + 32);
    this.n++;
  }

  /**
   * Writes every node of the tree into `store`, which must hold none yet, and returns the root.
   * Throws `MALFORMED` when a key was added twice.
   */
  finish(store: Pick<NodeStore, 'set'>): Hash {
    const { buf, n } = this;
    if (n === 0) return EMPTY_ROOT;
    const order = sortedByKeyHash(buf, n);
    const bitAt = (i: number, depth: number): number =>
      ((buf[(order[i] as number) * ENTRY + (depth >> 3)] as number) >> (7 - (depth & 7))) & 1;
    // The subtree at `path` over the sorted entries lo…hi − 1, which all share `path` as a prefix.
    const build = (path: string, lo: number, hi: number): Uint8Array => {
      if (hi - lo === 1) {
        const at = (order[lo] as number) * ENTRY;
        const keyHash = buf.subarray(at, at + 32);
        const valueHash = buf.subarray(at + 32, at + ENTRY);
        const hash = leafHash(keyHash, valueHash);
        writeNode(store, path, { kind: 'leaf', keyHash, valueHash, hash });
        return hash;
      }
      // Sorted, so bit `depth` runs 0…0 1…1 over lo…hi − 1: find the first 1.
      const depth = path.length;
      let a = lo;
      let b = hi;
      while (a < b) {
        const mid = (a + b) >>> 1;
        if (bitAt(mid, depth) === 0) a = mid + 1;
        else b = mid;
      }
      const left = a > lo ? build(`${path}0`, lo, a) : ZERO;
      const right = a < hi ? build(`${path}1`, a, hi) : ZERO;
      const hash = keccak256(INNER_TAG, left, right);
      writeNode(store, path, { kind: 'inner', hash });
      return hash;
    };
    return toHex(build('', 0, n));
  }
}

/** Indexes 0…n − 1 of the entries in `buf`, ordered by key hash; throws on two equal key hashes. */
function sortedByKeyHash(buf: Uint8Array, n: number): Uint32Array {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const prefix = new Uint32Array(n);
  for (let i = 0; i < n; i++) prefix[i] = view.getUint32(i * ENTRY);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order.sort((a, b) => {
    const pa = prefix[a] as number;
    const pb = prefix[b] as number;
    if (pa !== pb) return pa < pb ? -1 : 1;
    for (let k = 4; k < 32; k++) {
      const x = buf[a * ENTRY + k] as number;
      const y = buf[b * ENTRY + k] as number;
      if (x !== y) return x - y;
    }
    throw new ChainError('MALFORMED', 'the same state key was given twice to the tree builder');
  });
}
