// The one-pass tree builder a snapshot restore uses must write exactly the nodes `updateTree` writes
// for the same entries (later blocks update that tree in place), and so the same root.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChainError } from '../../../main/chain/errors';
import { EMPTY_ROOT, type NodeKey, type NodeStore, updateTree } from '../../../main/chain/smt';
import { TreeBuilder } from '../../../main/chain/smt-builder';

function mapStore(): NodeStore & { nodes: Map<NodeKey, string> } {
  const nodes = new Map<NodeKey, string>();
  return {
    nodes,
    get: () => undefined, // the builder never reads; updateTree below starts from an empty tree
    set: (k, v) => (v === null ? nodes.delete(k) : nodes.set(k, Buffer.from(v).toString('hex'))),
  };
}

function incremental(entries: [string, Uint8Array][], batch: number): Map<NodeKey, string> {
  const nodes = new Map<NodeKey, Uint8Array>();
  const store: NodeStore = {
    get: (k) => nodes.get(k),
    set: (k, v) => (v === null ? nodes.delete(k) : nodes.set(k, v)),
  };
  for (let i = 0; i < entries.length; i += batch) updateTree(store, entries.slice(i, i + batch));
  return new Map([...nodes].map(([k, v]) => [k, Buffer.from(v).toString('hex')]));
}

function built(entries: [string, Uint8Array][]): { root: string; nodes: Map<NodeKey, string> } {
  const b = new TreeBuilder();
  for (const [k, v] of entries) b.add(k, v);
  const store = mapStore();
  const root = b.finish(store);
  expect(b.size).toBe(entries.length);
  return { root, nodes: store.nodes };
}

const entriesArb = fc
  .uniqueArray(fc.tuple(fc.string({ minLength: 1, maxLength: 12 }), fc.uint8Array({ maxLength: 16 })), {
    selector: ([k]) => k,
    maxLength: 80,
  })
  .map((es) => es.map(([k, v]): [string, Uint8Array] => [`acct:${k}`, v]));

describe('TreeBuilder', () => {
  it('writes the same nodes and root as updateTree, whatever the order and batching', () => {
    fc.assert(
      fc.property(entriesArb, fc.integer({ min: 1, max: 20 }), (entries, batch) => {
        const want = incremental(entries, batch);
        const got = built([...entries].reverse());
        expect(got.nodes).toEqual(want);
        expect(got.root).toBe(entries.length === 0 ? EMPTY_ROOT : `0x${want.get('smt:')!.slice(-64)}`);
      }),
      { numRuns: 200 },
    );
  });

  it('matches at 20,000 entries, over the 64 KiB it starts with', () => {
    const entries = Array.from({ length: 20_000 }, (_, i): [string, Uint8Array] => [
      `acct:${i}`,
      Uint8Array.of(i & 255, i >> 8),
    ]);
    expect(built(entries).nodes).toEqual(incremental(entries, 5_000));
  });

  it('gives the empty root for no entries and refuses a key added twice', () => {
    expect(new TreeBuilder().finish(mapStore())).toBe(EMPTY_ROOT);
    const b = new TreeBuilder();
    b.add('acct:a', Uint8Array.of(1));
    b.add('acct:b', Uint8Array.of(2));
    b.add('acct:a', Uint8Array.of(3));
    expect(() => b.finish(mapStore())).toThrow(ChainError);
  });
});
