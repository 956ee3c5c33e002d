import { afterEach, describe, expect, it } from 'vitest';
import { toHex } from '../../../main/chain/bytes';
import { privateKeyToAddress } from '../../../main/chain/keys';
import { getAccount, getSupply, getValidator } from '../../../main/chain/state/access';
import { getUnbonding } from '../../../main/chain/state/rules/unbonding';
import { encodeTx } from '../../../main/chain/tx/codec';
import { TxBuilder } from '../../../main/chain/tx/builder';
import { makeDoubleVoteEvidence, signVote } from '../../../main/chain/vote';
import { encodeVote } from '../../../main/chain/vote';
import type { ChainParams } from '../../../main/chain/params';
import { wrapGossip } from '../../../main/node/messages';
import type { NodeService } from '../../../main/node/node-service';
import { MemoryHub } from '../../../main/p2p/memory-network';
import { tempDir } from '../../helpers/tmp';
import { startMemoryValidators, testGenesis, testKeys, waitFor } from './helpers';

const KEYS = testKeys(4, 90);
let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

/** Four validators over the in-process network, each with its own SQLite store, at height 2 or more. */
async function startNodes(params: Partial<ChainParams>) {
  const g = testGenesis(KEYS, { params });
  const root = tempDir('hotpot-unbonding-');
  cleanups.push(root.cleanup);
  const hub = new MemoryHub({ delayMs: 2 });
  const nodes = await startMemoryValidators(KEYS, g, root.path, hub, cleanups);
  return { g, hub, nodes };
}

describe('unbonding through real drivers', () => {
  it('a double vote from before an unstake slashes the unbonding tokens on every node; the rest returns after the period', async () => {
    // 60 blocks of unbonding: room for the evidence to land even on a loaded machine, yet over quickly.
    const UNBONDING_BLOCKS = 60;
    const { g, nodes } = await startNodes({ unbondingBlocks: UNBONDING_BLOCKS });

    // Validator 3 signed two prevotes at height 1; nobody has sent them yet.
    const byz = KEYS[3] as Uint8Array;
    const addr = privateKeyToAddress(byz);
    const vote = (fill: number) =>
      signVote(
        g.chainId,
        { type: 'prevote', height: 1, round: 0, blockHash: toHex(new Uint8Array(32).fill(fill)) },
        byz,
      );
    const evidence = makeDoubleVoteEvidence(vote(0xaa), vote(0xbb));
    const fee = g.params.minTxFee;
    const staked = g.params.minStake * 10n;
    const unstaked = g.params.minStake * 4n;

    // It unstakes 4 of its 10 × minStake…
    const n3 = nodes[3]!;
    const unstake = new TxBuilder({ chainId: g.chainId, privateKey: byz, fee }).unstake(
      await n3.nonce(addr),
      { amount: unstaked },
    );
    const u = await n3.waitForTx((await n3.submit(encodeTx(unstake))).txHash);
    expect(u.ok).toBe(true);
    const entry = getUnbonding(n3.store, addr)[0]!;
    expect(entry).toEqual({
      amount: unstaked,
      startHeight: u.height,
      completeHeight: u.height + UNBONDING_BLOCKS,
    });

    // …then validator 0 sends the evidence of the earlier double vote.
    const n0 = nodes[0]!;
    const v0 = privateKeyToAddress(KEYS[0] as Uint8Array);
    const tx = new TxBuilder({ chainId: g.chainId, privateKey: KEYS[0] as Uint8Array, fee }).submitEvidence(
      await n0.nonce(v0),
      evidence,
    );
    const e = await n0.waitForTx((await n0.submit(encodeTx(tx))).txHash);
    expect(e.ok).toBe(true);
    expect(e.height).toBeLessThan(entry.completeHeight);
    await waitFor(
      'evidence everywhere',
      () => nodes.every((n) => n.store.chainMeta().height >= e.height),
      20_000,
    );

    // A tenth of the stake and a tenth of the unbonding tokens are gone, on every node.
    const cut = (x: bigint) => x - (x * BigInt(g.params.slashFractionBps)) / 10_000n;
    const left = cut(unstaked);
    expect(left).toBe((g.params.minStake * 36n) / 10n);
    const balances = new Map<NodeService, bigint>();
    for (const n of nodes) {
      const v = getValidator(n.store, addr)!;
      expect(v.stake).toBe(cut(staked - unstaked));
      expect(v.jailedUntilEpoch).toBeGreaterThan(0);
      expect(getUnbonding(n.store, addr)).toEqual([{ ...entry, amount: left }]);
      expect(n.validators().find((x) => x.address.toLowerCase() === addr)?.unbonding).toBe(left.toString());
      balances.set(n, getAccount(n.store, addr).balance);
    }
    // The same evidence again is refused.
    const again = new TxBuilder({
      chainId: g.chainId,
      privateKey: KEYS[0] as Uint8Array,
      fee,
    }).submitEvidence(await n0.nonce(v0), evidence);
    await expect(n0.submit(encodeTx(again))).rejects.toMatchObject({ code: 'DUPLICATE_EVIDENCE' });

    // After the period what is left returns to the balance, at the same height everywhere.
    await waitFor(
      'unbonding complete',
      () => nodes.every((n) => n.store.chainMeta().height >= entry.completeHeight),
      60_000,
    );
    for (const n of nodes) {
      expect(getUnbonding(n.store, addr)).toEqual([]);
      expect(n.store.get(`ubq:${entry.completeHeight}`)).toBeUndefined();
      // No transactions after the evidence: nothing but the returned tokens changed the balance.
      expect(getAccount(n.store, addr).balance - balances.get(n)!).toBe(left);
      expect(n.validators().find((x) => x.address.toLowerCase() === addr)?.unbonding).toBe('0');
    }
    const common = Math.min(...nodes.map((n) => n.store.chainMeta().height));
    expect(new Set(nodes.map((n) => n.store.blockAt(common)?.stateRoot)).size).toBe(1);
    expect(new Set(nodes.map((n) => getSupply(n.store))).size).toBe(1);
  }, 120_000);
  it('a validator that unstaked everything but still votes in the set is slashed in its unbonding tokens for a live double vote', async () => {
    // Long epochs: the genesis set, chosen before the unstake, stays for the whole test.
    const { g, hub, nodes } = await startNodes({ unbondingBlocks: 5_000, epochLengthBlocks: 1_000 });
    const byz = KEYS[3] as Uint8Array;
    const addr = privateKeyToAddress(byz);
    const fee = g.params.minTxFee;
    const staked = g.params.minStake * 10n;
    const n3 = nodes[3]!;
    const unstake = new TxBuilder({ chainId: g.chainId, privateKey: byz, fee }).unstake(
      await n3.nonce(addr),
      { amount: staked },
    );
    const u = await n3.waitForTx((await n3.submit(encodeTx(unstake))).txHash);
    expect(u.ok).toBe(true);
    expect(getValidator(n3.store, addr)!.stake).toBe(0n);

    // With no stake left it still holds its genesis voting power, and double-votes with it.
    const rogue = hub.node('rogue', g.chainId);
    await rogue.start();
    cleanups.push(() => rogue.stop());
    let seq = 0n;
    const offences: number[] = [];
    const timer = setInterval(() => {
      const h = nodes[0]!.driver.height;
      offences.push(h);
      for (const fill of ['aa', 'bb']) {
        const v = signVote(
          g.chainId,
          { type: 'prevote', height: h, round: 0, blockHash: `0x${fill.repeat(32)}` },
          byz,
        );
        void rogue.publish('vote', wrapGossip(seq++, encodeVote(v)));
      }
    }, 100);
    cleanups.push(() => clearInterval(timer));
    await waitFor(
      'double vote punished everywhere',
      () => nodes.every((n) => (getValidator(n.store, addr)?.jailedUntilEpoch ?? 0) > 0),
      30_000,
    );
    clearInterval(timer);
    // Every offence came after the unstake; the tokens still backed the power it signed with.
    expect(Math.min(...offences)).toBeGreaterThan(u.height);
    const left = staked - (staked * BigInt(g.params.slashFractionBps)) / 10_000n;
    for (const n of nodes) {
      expect(getValidator(n.store, addr)!.stake).toBe(0n);
      expect(getUnbonding(n.store, addr).map((e) => e.amount)).toEqual([left]);
    }
  }, 60_000);
});
