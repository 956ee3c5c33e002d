import { describe, expect, it } from 'vitest';
import { getChainMeta } from '../../../main/chain/state/access';
import { MemoryStateStore, StateOverlay } from '../../../main/chain/state/store';
import {
  type SnapshotManifest,
  SnapshotRestorer,
  chunkHash,
  chunkState,
  decodeManifest,
  encodeManifest,
} from '../../../main/chain/snapshot';
import { TxBuilder } from '../../../main/chain/tx/builder';
import { privateKeyToAddress } from '../../../main/chain/keys';
import { ALICE, BOB, TestChain } from './fixture';

/** A chain of 12 blocks with transfers, and a snapshot of its state in small chunks. */
function snapshotOf(maxChunkBytes = 300) {
  const c = new TestChain();
  const alice = new TxBuilder({ chainId: 'hotpot-test', privateKey: ALICE, fee: 1000n });
  for (let i = 0; i < 12; i++)
    c.step([alice.transfer(i, { to: privateKeyToAddress(BOB), amount: 10n + BigInt(i) })]);
  const sorted = [...c.store.entries].sort(([a], [b]) => (a < b ? -1 : 1));
  const chunks = [...chunkState(sorted, maxChunkBytes)];
  const meta = getChainMeta(c.store);
  const kept = sorted.filter(([k]) => k !== 'meta' && !k.startsWith('smt:'));
  const manifest: SnapshotManifest = {
    version: 1,
    chainId: 'hotpot-test',
    height: meta.height,
    blockHash: meta.lastBlockHash,
    stateRoot: meta.stateRoot,
    entryCount: kept.length,
    totalBytes: chunks.reduce((s, b) => s + b.length, 0),
    chunkHashes: chunks.map(chunkHash),
  };
  return { c, chunks, manifest, kept };
}

function restore(manifest: SnapshotManifest, chunks: Uint8Array[]) {
  const sink = new StateOverlay(new MemoryStateStore());
  const r = new SnapshotRestorer(manifest, sink);
  chunks.forEach((b, i) => r.addChunk(i, b));
  return { root: r.finish(), sink };
}

describe('state snapshots', () => {
  it('restore a real chain’s state, entry for entry, with its root', () => {
    const { chunks, manifest, kept } = snapshotOf();
    expect(chunks.length).toBeGreaterThan(3);
    expect(decodeManifest(encodeManifest(manifest))).toEqual(manifest);
    const { root, sink } = restore(manifest, chunks);
    expect(root).toBe(manifest.stateRoot);
    for (const [k, v] of kept) expect(sink.get(k)).toEqual(v);
  });

  it('refuse a chunk with one flipped byte, out of order, missing, or a manifest with another root', () => {
    const { chunks, manifest } = snapshotOf();
    for (let i = 0; i < chunks.length; i++) {
      const bad = chunks.map((b, j) => (j === i ? b.map((x, n) => (n === b.length - 1 ? x ^ 1 : x)) : b));
      expect(() => restore(manifest, bad)).toThrow(expect.objectContaining({ code: 'SNAPSHOT_BAD_CHUNK' }));
    }
    const swapped = [chunks[1]!, chunks[0]!, ...chunks.slice(2)];
    expect(() => restore(manifest, swapped)).toThrow(expect.objectContaining({ code: 'SNAPSHOT_BAD_CHUNK' }));
    expect(() => restore(manifest, chunks.slice(0, -1))).toThrow(
      expect.objectContaining({ code: 'SNAPSHOT_BAD_CHUNK' }),
    );
    const otherRoot = { ...manifest, stateRoot: `0x${'ab'.repeat(32)}` as const };
    expect(() => restore(otherRoot, chunks)).toThrow(expect.objectContaining({ code: 'SNAPSHOT_BAD_ROOT' }));
  });

  it('a lying server cannot make consistent chunk hashes pass: the rebuilt root refuses them', () => {
    const { chunks, manifest } = snapshotOf();
    // The server changes a value and names the changed chunk's hash in its manifest.
    const i = 1;
    const b = chunks[i]!;
    const changed = b.map((x, n) => (n === b.length - 1 ? x ^ 1 : x));
    const lying = {
      ...manifest,
      chunkHashes: manifest.chunkHashes.map((h, j) => (j === i ? chunkHash(changed) : h)),
    };
    const bad = chunks.map((c, j) => (j === i ? changed : c));
    expect(() => restore(lying, bad)).toThrow(expect.objectContaining({ code: 'SNAPSHOT_BAD_ROOT' }));
  });

  it('refuses entries out of order when chunking, and keys a snapshot does not carry when restoring', () => {
    expect(() => [
      ...chunkState(
        [
          ['vs:1', new Uint8Array(1)],
          ['acct:0x1', new Uint8Array(1)],
        ],
        100,
      ),
    ]).toThrow(expect.objectContaining({ code: 'SNAPSHOT_BAD_CHUNK' }));
    const [chunk] = [...chunkState([['acct:0x1', new Uint8Array(1)]], 100)];
    const fake = chunk!.slice();
    // Turn "acct:" into "xcct:": not a state key.
    fake[fake.indexOf(0x61)] = 0x78;
    const m: SnapshotManifest = {
      version: 1,
      chainId: 'c',
      height: 1,
      blockHash: `0x${'00'.repeat(32)}`,
      stateRoot: `0x${'00'.repeat(32)}`,
      entryCount: 1,
      totalBytes: 1,
      chunkHashes: [chunkHash(fake)],
    };
    expect(() => restore(m, [fake])).toThrow(expect.objectContaining({ code: 'SNAPSHOT_BAD_CHUNK' }));
  });
});
