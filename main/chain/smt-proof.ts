/**
 * Proofs against a state root (pure): that a key holds a value, or that it holds none, checked with
 * the root alone. A node that has only a verified block header can so trust one state entry, such as
 * the validator set an epoch will use (`vs:<epoch>`), without the rest of the state.
 *
 * A proof lists the sibling hashes on the key's path from the root down to where the path ends: at
 * the key's own leaf (present), at an empty subtree, or at another key's leaf that shares the path
 * (absent; that leaf's key and value hashes come with the proof). The verifier rebuilds the hashes
 * from there up with the key's bits and compares the result with the root.
 */
import { bytesEqual, keccak256, toHex } from './bytes';
import { Reader, Writer } from './encoding';
import { ChainError } from './errors';
import { INNER_TAG, type NodeStore, bit, hashOf, keyHashOf, leafHash, readNode } from './smt';
import type { Hash } from './types';

/** A proof for one key (see the module comment). */
export interface SmtProof {
  /** Sibling hashes from the root down, one per inner node on the key's path. */
  siblings: Uint8Array[];
  /** Absent keys whose path ends at another key's leaf: that leaf. */
  other: { keyHash: Uint8Array; valueHash: Uint8Array } | null;
}

/** The deepest path a key hash has: 256 bits. */
const MAX_DEPTH = 256;

/** Proves what `key` holds in the tree stored in `store` (its value, or that it has none). */
export function proveKey(store: Pick<NodeStore, 'get'>, key: string): SmtProof {
  const kh = keyHashOf(key);
  const siblings: Uint8Array[] = [];
  let path = '';
  for (;;) {
    const node = readNode(store, path);
    if (node.kind === 'empty') return { siblings, other: null };
    if (node.kind === 'leaf')
      return {
        siblings,
        other: bytesEqual(node.keyHash, kh) ? null : { keyHash: node.keyHash, valueHash: node.valueHash },
      };
    const b = bit(kh, path.length);
    siblings.push(hashOf(readNode(store, path + (b === 0 ? '1' : '0'))));
    path += String(b);
  }
}

/**
 * True iff `proof` shows that, under `root`, `key` holds `value` (or, for null, holds nothing).
 * Never throws.
 */
export function verifySmtProof(root: Hash, key: string, value: Uint8Array | null, proof: SmtProof): boolean {
  const kh = keyHashOf(key);
  const depth = proof.siblings.length;
  if (depth > MAX_DEPTH) return false;
  let h: Uint8Array;
  if (value !== null) {
    if (proof.other !== null) return false;
    h = leafHash(kh, keccak256(value));
  } else if (proof.other === null) {
    h = new Uint8Array(32);
  } else {
    const o = proof.other;
    // Another key's leaf on this key's path: it must share the path's bits and be another key.
    if (bytesEqual(o.keyHash, kh)) return false;
    for (let d = 0; d < depth; d++) if (bit(o.keyHash, d) !== bit(kh, d)) return false;
    h = leafHash(o.keyHash, o.valueHash);
  }
  for (let d = depth - 1; d >= 0; d--) {
    const sibling = proof.siblings[d] as Uint8Array;
    h = bit(kh, d) === 0 ? keccak256(INNER_TAG, h, sibling) : keccak256(INNER_TAG, sibling, h);
  }
  return toHex(h) === root;
}

/** The proof's bytes: the siblings, then the other leaf if any. */
export function encodeSmtProof(p: SmtProof): Uint8Array {
  const hash32 = (w: Writer, b: Uint8Array, field: string): Writer => {
    if (b.length !== 32)
      throw new ChainError('MALFORMED', `a state proof's ${field} is 32 bytes, got ${b.length}`);
    return w.raw(b);
  };
  const w = new Writer().list(p.siblings, MAX_DEPTH, (ww, s) => hash32(ww, s, 'sibling'), 'siblings');
  w.opt(p.other, (ww, o) => hash32(hash32(ww, o.keyHash, 'keyHash'), o.valueHash, 'valueHash'));
  return w.finish();
}

/** Reads a proof written by `encodeSmtProof` (`MALFORMED` when it is not one). */
export function decodeSmtProof(bytes: Uint8Array): SmtProof {
  if (bytes.length > 2 + MAX_DEPTH * 32 + 1 + 64)
    throw new ChainError(
      'MALFORMED',
      `a state proof is at most ${2 + MAX_DEPTH * 32 + 65} bytes, got ${bytes.length}`,
    );
  const r = new Reader(bytes, 'state proof');
  const siblings = r.list(MAX_DEPTH, (rr) => rr.raw(32, 'sibling'), 'siblings');
  const other = r.opt(
    (rr) => ({ keyHash: rr.raw(32, 'keyHash'), valueHash: rr.raw(32, 'valueHash') }),
    'other leaf',
  );
  r.end();
  return { siblings, other };
}
