// Snapshot sync end to end: real NodeServices and libp2p on 127.0.0.1, real SQLite in temp dirs. A
// validator builds a chain of a few thousand transfers over several short epochs and keeps snapshots;
// a new observer joins from one (its light client verifying every header and commit from genesis),
// follows the chain from there and back-fills the history below. Hostile peers that serve a chunk
// with one flipped byte, or a manifest whose root the commits do not sign, are refused and reported,
// and the node completes from the honest peer.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privateKeyToAddress } from '../../../main/chain/keys';
import { decodeManifest, encodeManifest } from '../../../main/chain/snapshot';
import { encodeTx } from '../../../main/chain/tx/codec';
import { TxBuilder } from '../../../main/chain/tx/builder';
import type { Address, Hash } from '../../../main/chain/types';
import { composeLedgerNode, type SnapshotSyncOptions } from '../../../main/app/compose-ledger';
import { NodeError } from '../../../main/node/errors';
import { LedgerHistory } from '../../../main/node/ledger-history';
import type { NodeService } from '../../../main/node/node-service';
import { LibP2pNetwork } from '../../../main/p2p/libp2p-network';
import { SILENT_LOG, type SnapshotQuery } from '../../../main/p2p/types';
import { nodeDir, testGenesis, testKeys } from '../../unit/node/helpers';
import { waitFor } from '../../unit/p2p/wait';

const EPOCH = 8;
const SENDERS = 40;
const ROUNDS = 60; // 2,400 transfers
const [validatorKey] = testKeys(1, 900) as [Uint8Array];
const senderKeys = testKeys(SENDERS, 1000);
const g = testGenesis([validatorKey], {
  funded: senderKeys.map((k) => privateKeyToAddress(k)),
  params: { epochLengthBlocks: EPOCH, maxBlockTxs: 200 },
});

const root = mkdtempSync(join(tmpdir(), 'hotpot-snapsync-'));
const stops: Array<() => Promise<void>> = [];
let validator: NodeService;
let validatorAddr: string;
let firstTx: Hash;
let lastTx: Hash;

const DEBUG_LOG = {
  debug() {},
  info: (o: object, m: string) => process.stderr.write(`info ${m} ${JSON.stringify(o)}\n`),
  warn: (o: object, m: string) => process.stderr.write(`warn ${m} ${JSON.stringify(o)}\n`),
  error: (o: object, m: string) => process.stderr.write(`error ${m} ${JSON.stringify(o)}\n`),
};

const JOIN: SnapshotSyncOptions = {
  join: true,
  minBlocksAhead: 2 * EPOCH,
  waitForPeersMs: 20_000,
  // Both static peers (a hostile one and the validator) connect before the choice.
  gatherMs: 4_000,
  intervalBlocks: 0,
  keep: 1,
};

function node(name: string, staticPeers: string[], snapshot: SnapshotSyncOptions, key: Uint8Array | null) {
  const n = composeLedgerNode(
    {
      dataDir: nodeDir(root, name, g),
      network: { listen: ['/ip4/127.0.0.1/tcp/0'], staticPeers, mdns: false },
      verifyWorkers: 0,
      statusIntervalMs: 500,
      snapshot,
    },
    { log: process.env.SNAP_DEBUG && name.startsWith('joiner') ? DEBUG_LOG : SILENT_LOG, privateKey: key },
  );
  stops.push(() => n.stop());
  return n;
}

/** A hostile peer: a bare network that answers as the validator does, with `tamper` applied. */
async function hostile(
  name: string,
  tamper: (q: SnapshotQuery, frames: Uint8Array[]) => Uint8Array[],
): Promise<{ net: LibP2pNetwork; addr: string }> {
  const net = new LibP2pNetwork(
    { chainId: g.chainId, dataDir: join(root, name), listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false },
    { log: SILENT_LOG },
  );
  const keeper = validator.snapshots!;
  // It claims to be ahead of everyone, so a joining node asks it first.
  net.setStatusProvider(() => {
    const m = validator.store.chainMeta();
    return { height: m.height + 1_000, headHash: m.lastBlockHash };
  });
  net.setSnapshotProvider(async (q) => {
    const frames = await keeper.answer(q);
    return frames
      ? tamper(
          q,
          frames.map((f) => f.slice()),
        )
      : null;
  });
  await net.start();
  stops.push(() => net.stop());
  return { net, addr: net.listenAddresses()[0] as string };
}

beforeAll(async () => {
  validator = node(
    'validator',
    [],
    { ...JOIN, join: false, intervalBlocks: 3 * EPOCH, keep: 2 },
    validatorKey,
  );
  await validator.start();
  await validator.ready();
  validatorAddr = validator.addresses().addresses[0] as string;
  const builders = senderKeys.map(
    (k) => new TxBuilder({ chainId: g.chainId, privateKey: k, fee: g.params.minTxFee }),
  );
  const addrs = builders.map((b) => b.address);
  let last: Hash | undefined;
  for (let round = 0; round < ROUNDS; round++) {
    for (const [s, b] of builders.entries()) {
      const tx = encodeTx(
        b.transfer(round, { to: addrs[(s + 1) % SENDERS] as Address, amount: 1n }),
        g.params,
      );
      last = (await validator.submit(tx)).txHash as Hash;
      firstTx ??= last;
    }
    // Keep the mempool small: one round in flight at a time.
    if (last) await validator.waitForTx(last, 60_000);
  }
  lastTx = last as Hash;
  // A snapshot past at least two epoch boundaries with the transfers in its state.
  await waitFor(
    'a snapshot after the transfers',
    () => {
      const newest = validator.snapshots!.heights()[0] ?? 0;
      return newest >= validator.store.txByHash(last as Hash)!.height;
    },
    120_000,
  );
  // From here on the validator offers a fixed set of snapshots (its chain runs at hundreds of empty
  // blocks a second; a newer snapshot would outrank the hostile peers' copies of the same one).
  await validator.snapshots!.stop();
}, 300_000);

afterAll(async () => {
  for (const s of stops.reverse()) await s().catch(() => {});
  rmSync(root, { recursive: true, force: true });
});

/** The validator's block hash at `height`. */
const hashAt = (n: NodeService, height: number): string | undefined => n.store.blockAt(height)?.hash;

describe('snapshot sync', () => {
  it('joins from a verified snapshot, follows later blocks and back-fills the history', async () => {
    const joiner = node('joiner', [validatorAddr], JOIN, null);
    await joiner.start();
    await joiner.ready();
    const joined = joiner.joined();
    expect(joined).not.toBeNull();
    const h = joined!.height;
    expect(h).toBeGreaterThanOrEqual(2 * EPOCH);
    expect(joined!.headersVerified).toBe(h);
    expect(joined!.refused).toEqual([]);
    // The restored state is the validator's at h: same root in the same block.
    expect(joined!.stateRoot).toBe(validator.store.blockAt(h)!.stateRoot);
    expect(joiner.store.blockAt(h)!.hash).toBe(hashAt(validator, h));
    // Balances of the senders equal the validator's at the head both reach.
    await waitFor(
      'the joiner to follow 2 epochs past its snapshot',
      () => joiner.store.chainMeta().height >= h + 2 * EPOCH,
      60_000,
    );
    const top = joiner.store.chainMeta().height;
    for (let x = h + 1; x <= top; x++) expect(hashAt(joiner, x)).toBe(hashAt(validator, x));
    expect(validator.store.blockAt(top)!.stateRoot).toBe(joiner.store.blockAt(top)!.stateRoot);
    // History below h comes back by hash links, without state.
    await waitFor('back-fill to reach block 1', () => joiner.store.history.historyFrom() === 1, 120_000);
    for (let x = 1; x <= h; x++) expect(hashAt(joiner, x)).toBe(hashAt(validator, x));
    // Every transfer is in the snapshot's state; those below it come back without receipts.
    expect(h).toBeGreaterThanOrEqual(validator.store.txByHash(lastTx)!.height);
    expect(validator.tx(firstTx).status).toBe('ok');
    expect(joiner.tx(firstTx).status).toBe('unknown');
  });

  it('verifies from a trusted block at an epoch end instead of from genesis', async () => {
    const trustHeight = 2 * EPOCH;
    const trust = { height: trustHeight, hash: hashAt(validator, trustHeight) as Hash };
    const joiner = node('joiner-trusted', [validatorAddr], { ...JOIN, trust }, null);
    await joiner.start();
    await joiner.ready();
    const joined = joiner.joined();
    expect(joined).not.toBeNull();
    expect(joined!.headersVerified).toBe(joined!.height - trustHeight + 1);
    expect(joiner.store.chainMeta().stateRoot).toBe(validator.store.blockAt(joined!.height)!.stateRoot);
  });

  it('does not join from a trusted block the chain does not have', async () => {
    const trust = { height: 2 * EPOCH, hash: `0x${'cd'.repeat(32)}` as Hash };
    const joiner = node('joiner-mistrust', [validatorAddr], { ...JOIN, trust, gatherMs: 0 }, null);
    await joiner.start();
    await joiner.ready();
    // Every header chain it was offered starts elsewhere: it syncs from genesis instead, blocks replayed.
    expect(joiner.joined()).toBeNull();
    await waitFor('range sync from genesis', () => joiner.store.chainMeta().height >= EPOCH, 60_000);
    expect(joiner.store.blockAt(EPOCH)!.hash).toBe(hashAt(validator, EPOCH));
    expect(joiner.store.history.historyFrom()).toBe(1);
  });

  it('a restore the disk refuses is rolled back, and the node syncs its blocks from genesis instead', async () => {
    const real = LedgerHistory.prototype.beginRestore;
    LedgerHistory.prototype.beginRestore = function (this: LedgerHistory) {
      const r = real.call(this);
      return {
        ...r,
        complete: () => {
          throw new NodeError('STORE_FAILED', 'disk full (injected)');
        },
      };
    };
    try {
      const joiner = node('joiner-diskfull', [validatorAddr], { ...JOIN, gatherMs: 0 }, null);
      await joiner.start();
      await joiner.ready();
      expect(joiner.joined()).toBeNull();
      await waitFor('range sync from genesis', () => joiner.store.chainMeta().height >= 2 * EPOCH, 60_000);
      for (let x = 1; x <= 2 * EPOCH; x++) expect(hashAt(joiner, x)).toBe(hashAt(validator, x));
      expect(joiner.store.history.historyFrom()).toBe(1);
    } finally {
      LedgerHistory.prototype.beginRestore = real;
    }
  });

  it('refuses a peer whose chunk has one flipped byte and completes from another', async () => {
    const evil = await hostile('flipper', (q, frames) => {
      if (q.op === 'chunk' && q.index === 0 && frames[0]) frames[0][frames[0].length >> 1]! ^= 0x01;
      return frames;
    });
    const joiner = node('joiner-flip', [evil.addr, validatorAddr], JOIN, null);
    await joiner.start();
    await joiner.ready();
    const joined = joiner.joined();
    expect(joined).not.toBeNull();
    expect(joined!.refused.map((r) => r.peer)).toContain(evil.net.peerId);
    expect(joined!.refused[0]!.reason).toMatch(/chunk 0.*hash/);
    expect(joined!.peer).toBe(validator.addresses().peerId);
    expect(joiner.store.chainMeta().stateRoot).toBe(validator.store.blockAt(joined!.height)!.stateRoot);
    // Reported: its score (gossipsub's, which adds ours at its next refresh) goes negative.
    await waitFor(
      'the flipper to lose score',
      () => (joiner.network.peers().find((p) => p.id === evil.net.peerId)?.score ?? 0) < 0,
    );
  });

  it('refuses a peer whose manifest root the commits do not sign', async () => {
    const evil = await hostile('forger', (q, frames) => {
      if (q.op !== 'manifests') return frames;
      return frames.map((f) => {
        const m = decodeManifest(f);
        return encodeManifest({ ...m, stateRoot: `0x${'ab'.repeat(32)}` as Hash });
      });
    });
    const joiner = node('joiner-forged', [evil.addr, validatorAddr], JOIN, null);
    await joiner.start();
    await joiner.ready();
    const joined = joiner.joined();
    expect(joined).not.toBeNull();
    expect(joined!.refused.map((r) => r.peer)).toContain(evil.net.peerId);
    expect(joined!.refused[0]!.reason).toMatch(/commits sign/);
    expect(joiner.store.chainMeta().stateRoot).toBe(validator.store.blockAt(joined!.height)!.stateRoot);
  });
});
