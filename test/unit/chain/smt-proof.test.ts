import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex, utf8ToBytes } from '../../../main/chain/bytes';
import { type NodeKey, treeRoot, updateTree } from '../../../main/chain/smt';
import {
  type SmtProof,
  decodeSmtProof,
  encodeSmtProof,
  proveKey,
  verifySmtProof,
} from '../../../main/chain/smt-proof';

/** A tree in memory over `entries`, with its root. */
function tree(entries: Map<string, string>) {
  const nodes = new Map<NodeKey, Uint8Array>();
  const store = {
    get: (k: NodeKey) => nodes.get(k),
    set: (k: NodeKey, v: Uint8Array | null) => (v === null ? nodes.delete(k) : nodes.set(k, v)),
  };
  updateTree(
    store,
    [...entries].map(([k, v]) => [k, utf8ToBytes(v)] as [string, Uint8Array]),
  );
  return { store, root: treeRoot(store) };
}

const entries = fc
  .dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.string({ maxLength: 8 }), {
    minKeys: 0,
    maxKeys: 40,
  })
  .map((d) => new Map(Object.entries(d).map(([k, v]) => [`acct:${k}`, v])));

describe('state proofs', () => {
  it('prove the value of every present key and the absence of others, through their encoding', () => {
    fc.assert(
      fc.property(entries, fc.string({ minLength: 1, maxLength: 12 }), (m, probe) => {
        const { store, root } = tree(m);
        for (const [k, v] of m) {
          const p = decodeSmtProof(encodeSmtProof(proveKey(store, k)));
          expect(verifySmtProof(root, k, utf8ToBytes(v), p)).toBe(true);
          // The same proof does not show another value, or absence.
          expect(verifySmtProof(root, k, utf8ToBytes(`${v}!`), p)).toBe(false);
          expect(verifySmtProof(root, k, null, p)).toBe(false);
        }
        const absent = `acct:absent-${probe}`;
        if (!m.has(absent)) {
          const p = proveKey(store, absent);
          expect(verifySmtProof(root, absent, null, p)).toBe(true);
          expect(verifySmtProof(root, absent, utf8ToBytes('x'), p)).toBe(false);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('fail when any sibling, the other leaf or the root is changed', () => {
    const m = new Map(Array.from({ length: 50 }, (_, i) => [`acct:k${i}`, `v${i}`]));
    const { store, root } = tree(m);
    const p = proveKey(store, 'acct:k7');
    expect(p.siblings.length).toBeGreaterThan(2);
    for (let i = 0; i < p.siblings.length; i++) {
      const bad: SmtProof = { ...p, siblings: p.siblings.map((s, j) => (j === i ? s.map((b) => b ^ 1) : s)) };
      expect(verifySmtProof(root, 'acct:k7', utf8ToBytes('v7'), bad)).toBe(false);
    }
    const shorter: SmtProof = { ...p, siblings: p.siblings.slice(1) };
    expect(verifySmtProof(root, 'acct:k7', utf8ToBytes('v7'), shorter)).toBe(false);
    expect(verifySmtProof(toHex(new Uint8Array(32).fill(1)), 'acct:k7', utf8ToBytes('v7'), p)).toBe(false);
    // An absence proof ending at another key's leaf cannot be turned into one for that other key.
    let found = false;
    for (let i = 0; i < 200 && !found; i++) {
      const q = proveKey(store, `acct:none${i}`);
      if (q.other === null) continue;
      found = true;
      expect(verifySmtProof(root, `acct:none${i}`, null, q)).toBe(true);
      const forged: SmtProof = {
        ...q,
        other: { ...q.other, valueHash: q.other.valueHash.map((b) => b ^ 1) },
      };
      expect(verifySmtProof(root, `acct:none${i}`, null, forged)).toBe(false);
    }
    expect(found).toBe(true);
  });

  it('refuse malformed bytes with MALFORMED', () => {
    const m = new Map([
      ['acct:a', '1'],
      ['acct:b', '2'],
    ]);
    const bytes = encodeSmtProof(proveKey(tree(m).store, 'acct:a'));
    expect(() => decodeSmtProof(bytes.subarray(0, bytes.length - 1))).toThrow(
      expect.objectContaining({ code: 'MALFORMED' }),
    );
    expect(() => decodeSmtProof(new Uint8Array([...bytes, 0]))).toThrow();
    expect(() => decodeSmtProof(new Uint8Array(9000))).toThrow(
      expect.objectContaining({ code: 'MALFORMED' }),
    );
  });
});
