import { afterEach, describe, expect, it } from 'vitest';
import { privateKeyToAddress } from '../../../main/chain/keys';
import { encodeTx } from '../../../main/chain/tx/codec';
import { TxBuilder } from '../../../main/chain/tx/builder';
import { encodeVote, signVote } from '../../../main/chain/vote';
import { getValidator } from '../../../main/chain/state/access';
import type { Genesis } from '../../../main/chain/genesis';
import { composeLedgerNode } from '../../../main/app/compose-ledger';
import type { NodeService } from '../../../main/node/node-service';
import { MemoryHub } from '../../../main/p2p/memory-network';
import { encodeSyncItem, wrapGossip } from '../../../main/node/messages';
import { NodeError } from '../../../main/node/errors';
import { tempDir } from '../../helpers/tmp';
import { SILENT_LOG, nodeDir, testGenesis, testKeys, waitFor } from './helpers';

const KEYS = testKeys(4, 60);
let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

function net(g: Genesis, opts: { delayMs?: number } = {}) {
  const root = tempDir('hotpot-driver-');
  cleanups.push(root.cleanup);
  const hub = new MemoryHub({ delayMs: opts.delayMs ?? 2 });
  const nodes: NodeService[] = [];
  const make = (name: string, key: Uint8Array | null) => {
    const n = composeLedgerNode(
      { dataDir: nodeDir(root.path, name, g), sync: { checkIntervalMs: 200 } },
      { log: SILENT_LOG, network: hub.node(name, g.chainId), privateKey: key },
    );
    nodes.push(n);
    cleanups.push(() => n.stop());
    return n;
  };
  return { hub, nodes, make, root: root.path };
}

describe('ConsensusDriver with 4 validators over the in-process network', () => {
  it('finalizes the same blocks with identical state roots, carrying transactions', async () => {
    const g = testGenesis(KEYS);
    const { make } = net(g);
    const nodes = KEYS.map((k, i) => make(`v${i}`, k));
    await Promise.all(nodes.map((n) => n.start()));
    const sender = new TxBuilder({
      chainId: g.chainId,
      privateKey: KEYS[0] as Uint8Array,
      fee: g.params.minTxFee,
    });
    const to = privateKeyToAddress(testKeys(1, 500)[0] as Uint8Array);
    const hashes: string[] = [];
    const sender2 = new TxBuilder({
      chainId: g.chainId,
      privateKey: KEYS[1] as Uint8Array,
      fee: g.params.minTxFee,
    });
    // One sender through node 0, another through node 2: gossip carries them to the proposers.
    for (let i = 0; i < 10; i++)
      hashes.push((await nodes[0]!.submit(encodeTx(sender.transfer(i, { to, amount: 1n })))).txHash);
    for (let i = 0; i < 10; i++)
      hashes.push((await nodes[2]!.submit(encodeTx(sender2.transfer(i, { to, amount: 1n })))).txHash);
    const H = 8;
    await waitFor(
      `all nodes at height ${H}`,
      () => nodes.every((n) => n.store.chainMeta().height >= H),
      30_000,
    );
    for (let h = 1; h <= H; h++) {
      const blocks = nodes.map((n) => n.store.blockAt(h));
      expect(new Set(blocks.map((b) => b?.hash)).size).toBe(1);
      expect(new Set(blocks.map((b) => b?.stateRoot)).size).toBe(1);
    }
    await waitFor(
      'all transfers committed',
      () => hashes.every((h) => nodes.every((n) => n.store.txByHash(h)?.ok === true)),
      20_000,
    );
    expect(await nodes[3]!.balance(to)).toBe(20n);
    // Participation raised reputation of the validators that signed.
    const reps = KEYS.map((k) => getValidator(nodes[0]!.store, privateKeyToAddress(k))!.reputationPpm);
    expect(Math.max(...reps)).toBeGreaterThan(g.params.initialReputationPpm);
    // The signer state was written for every validator.
    for (const n of nodes) expect(n.store.signerRecord()?.height).toBeGreaterThanOrEqual(H);
  });

  it('crosses epoch boundaries: the set chosen by score at the end of epoch e decides from epoch e + 2', async () => {
    const g = testGenesis(KEYS, { params: { epochLengthBlocks: 3 } });
    const { make } = net(g);
    const nodes = KEYS.map((k, i) => make(`v${i}`, k));
    await Promise.all(nodes.map((n) => n.start()));
    await waitFor('height 11', () => nodes.every((n) => n.store.chainMeta().height >= 11), 40_000);
    for (let h = 1; h <= 11; h++)
      expect(new Set(nodes.map((n) => n.store.blockAt(h)?.stateRoot)).size).toBe(1);
    // Epochs 0 and 1 (heights 1–6) run on the genesis set (power = stake / minStake = 10 each);
    // from epoch 2 (height 7) the score-based set decides (power = score in ‰, about 600 here).
    const v = nodes[0]!.validators();
    expect(v).toHaveLength(4);
    for (const x of v) {
      expect(x.active).toBe(true);
      expect(x.votingPower).toBeGreaterThan(100);
      expect(x.scorePpm).toBeGreaterThan(500_000);
    }
    expect(nodes[0]!.block({ height: 6 }).validatorSetHash).not.toBe(
      nodes[0]!.block({ height: 7 }).validatorSetHash,
    );
  });

  it('validators started at different times still converge (own votes and proposals are re-sent)', async () => {
    const g = testGenesis(KEYS);
    const { make } = net(g);
    const nodes = KEYS.map((k, i) => make(`v${i}`, k));
    // Two start alone: they cannot decide anything and their first votes reach nobody else.
    await Promise.all(nodes.slice(0, 2).map((n) => n.start()));
    await new Promise((r) => setTimeout(r, 1_500));
    await Promise.all(nodes.slice(2).map((n) => n.start()));
    await waitFor('height 3 everywhere', () => nodes.every((n) => n.store.chainMeta().height >= 3), 30_000);
    expect(new Set(nodes.map((n) => n.store.blockAt(3)?.hash)).size).toBe(1);
  });

  it('commits evidence of a double vote and punishes the validator', async () => {
    const g = testGenesis(KEYS);
    const { make, hub } = net(g);
    const nodes = KEYS.map((k, i) => make(`v${i}`, k));
    await Promise.all(nodes.map((n) => n.start()));
    await waitFor('height 2', () => nodes.every((n) => n.store.chainMeta().height >= 2), 20_000);
    // Validator 3 signs two different prevotes for the height being decided; a rogue peer gossips both.
    const byz = KEYS[3] as Uint8Array;
    const rogue = hub.node('rogue', g.chainId);
    await rogue.start();
    cleanups.push(() => rogue.stop());
    // Blocks come fast, so keep sending a conflicting pair for whatever height is being decided until one lands.
    let seq = 0n;
    const timer = setInterval(() => {
      const h = nodes[0]!.driver.height;
      const v1 = signVote(
        g.chainId,
        { type: 'prevote', height: h, round: 0, blockHash: `0x${'aa'.repeat(32)}` },
        byz,
      );
      const v2 = signVote(
        g.chainId,
        { type: 'prevote', height: h, round: 0, blockHash: `0x${'bb'.repeat(32)}` },
        byz,
      );
      void rogue.publish('vote', wrapGossip(seq++, encodeVote(v1)));
      void rogue.publish('vote', wrapGossip(seq++, encodeVote(v2)));
    }, 150);
    cleanups.push(() => clearInterval(timer));
    const addr = privateKeyToAddress(byz);
    await waitFor(
      'evidence committed',
      () => nodes.every((n) => (getValidator(n.store, addr)?.jailedUntilEpoch ?? 0) > 0),
      30_000,
    );
    const v = getValidator(nodes[0]!.store, addr)!;
    expect(v.stake).toBeLessThan(g.params.minStake * 10n);
    const heights = nodes.map((n) => n.store.chainMeta().height);
    const common = Math.min(...heights);
    expect(new Set(nodes.map((n) => n.store.blockAt(common)?.stateRoot)).size).toBe(1);
  });

  it('a node that starts late syncs from genesis, then follows consensus', async () => {
    const g = testGenesis(KEYS.slice(0, 3));
    const { make } = net(g);
    const validators = KEYS.slice(0, 3).map((k, i) => make(`v${i}`, k));
    await Promise.all(validators.map((n) => n.start()));
    await waitFor('height 12', () => validators.every((n) => n.store.chainMeta().height >= 12), 30_000);
    const late = make('observer', null);
    await late.start();
    await waitFor('observer caught up', () => late.store.chainMeta().height >= 12, 20_000);
    const target = validators[0]!.store.chainMeta().height + 3;
    await waitFor('observer follows new blocks', () => late.store.chainMeta().height >= target, 20_000);
    for (let h = 1; h <= target; h++)
      expect(late.store.blockAt(h)?.hash).toBe(validators[0]!.store.blockAt(h)?.hash);
    expect(late.isValidator()).toBe(false);
  });

  it('sizes sync ranges by bytes: with a budget of one block each range after the first asks for one', async () => {
    const g = testGenesis(KEYS.slice(0, 1));
    const { make, hub, root } = net(g);
    const v = make('v0', KEYS[0]!);
    await v.start();
    await waitFor('height 12', () => v.store.chainMeta().height >= 12, 30_000);
    const asked: number[] = [];
    const network = hub.node('observer', g.chainId);
    const fetchBlocks = network.fetchBlocks.bind(network);
    network.fetchBlocks = (peer, from, count, o) => {
      asked.push(count);
      return fetchBlocks(peer, from, count, o);
    };
    const obs = composeLedgerNode(
      {
        dataDir: nodeDir(root, 'observer', g),
        sync: { checkIntervalMs: 200, batchBlocks: 4, rangeBytes: 1 },
      },
      { log: SILENT_LOG, network, privateKey: null },
    );
    cleanups.push(() => obs.stop());
    await obs.start();
    await waitFor('observer caught up', () => obs.store.chainMeta().height >= 12, 20_000);
    for (let h = 1; h <= 12; h++) expect(obs.store.blockAt(h)?.hash).toBe(v.store.blockAt(h)?.hash);
    expect(asked[0]).toBe(4);
    expect(asked.length).toBeGreaterThanOrEqual(6); // 4 + 4 + 1 + 1 + 1 + 1 at least
    expect(asked.slice(3).every((n) => n === 1)).toBe(true);
  });

  it('a sync batch keeps the blocks before a forged one, reports it, and goes on from there', async () => {
    const g = testGenesis(KEYS.slice(0, 1));
    const { make } = net(g);
    const v = make('v0', KEYS[0] as Uint8Array);
    await v.start();
    await waitFor('height 6', () => v.store.chainMeta().height >= 6, 20_000);
    const items = v.store.blocksFrom(1, 6).map((b) => encodeSyncItem(b.block, b.commit));
    // The observer sits on a hub of its own: it gets blocks only from the calls below.
    const lonely = new MemoryHub({ delayMs: 1 });
    const obsRoot = tempDir('hotpot-driver-obs-');
    cleanups.push(obsRoot.cleanup);
    const obs = composeLedgerNode(
      { dataDir: nodeDir(obsRoot.path, 'obs', g), sync: { checkIntervalMs: 60_000 } },
      { log: SILENT_LOG, network: lonely.node('obs', g.chainId), privateKey: null },
    );
    cleanups.push(() => obs.stop());
    await obs.start();
    const b5 = v.store.blockAt(5)!;
    const forged = [
      ...items.slice(0, 3),
      encodeSyncItem(v.store.blockAt(4)!.block, b5.commit),
      ...items.slice(4),
    ];
    const r = obs.driver.applySyncedBatch(forged);
    expect(r.applied).toBe(3);
    expect(r.error).toBeInstanceOf(NodeError);
    expect(r.error).toMatchObject({ code: 'SYNC_FAILED' });
    expect(obs.store.chainMeta().height).toBe(3);
    const again = obs.driver.applySyncedBatch(items.slice(3));
    expect(again).toEqual({ applied: 3, error: null });
    for (let h = 1; h <= 6; h++) expect(obs.store.blockAt(h)?.hash).toBe(v.store.blockAt(h)?.hash);
    expect(obs.driver.committedHeight).toBe(6);
  });

  it('a validator that was down catches up and votes again (restart from its store)', async () => {
    const g = testGenesis(KEYS);
    const { make, root } = net(g);
    const nodes = KEYS.map((k, i) => make(`v${i}`, k));
    await Promise.all(nodes.map((n) => n.start()));
    await waitFor('height 3', () => nodes.every((n) => n.store.chainMeta().height >= 3), 20_000);
    await nodes[3]!.stop();
    const at = nodes[0]!.store.chainMeta().height;
    await waitFor('3 of 4 keep finalizing', () => nodes[0]!.store.chainMeta().height >= at + 5, 30_000);
    const hub2 = (nodes[0]!.network as unknown as { hub: MemoryHub }).hub;
    const restarted = composeLedgerNode(
      { dataDir: `${root}/v3`, sync: { checkIntervalMs: 200 } },
      { log: SILENT_LOG, network: hub2.node('v3-again', g.chainId), privateKey: KEYS[3] as Uint8Array },
    );
    cleanups.push(() => restarted.stop());
    await restarted.start();
    const target = nodes[0]!.store.chainMeta().height + 2;
    await waitFor('restarted node caught up', () => restarted.store.chainMeta().height >= target, 30_000);
    expect(restarted.store.blockAt(target)?.hash).toBe(nodes[0]!.store.blockAt(target)?.hash);
    const addr = privateKeyToAddress(KEYS[3] as Uint8Array);
    await waitFor(
      'its precommits are in commits again',
      () => {
        const top = nodes[0]!.store.chainMeta().height;
        return (
          top > target &&
          nodes[0]!
            .block({ height: top })
            .commitSigners.map((s) => s.toLowerCase())
            .includes(addr)
        );
      },
      30_000,
    );
  });
});
