import { describe, expect, it } from 'vitest';
import { toHex } from '../../../main/chain/bytes';
import { genesisHash, genesisToJson, parseGenesis } from '../../../main/chain/genesis';
import { privateKeyToAddress } from '../../../main/chain/keys';
import { getAccount, getSupply, getValidator, listValidators } from '../../../main/chain/state/access';
import { getUnbonding, unbondingTotal } from '../../../main/chain/state/rules/unbonding';
import { TxBuilder } from '../../../main/chain/tx/builder';
import { makeDoubleVoteEvidence, signVote } from '../../../main/chain/vote';
import { ALICE, TestChain, VALIDATORS, testGenesis } from './fixture';

const V = VALIDATORS[0] as Uint8Array;
const who = privateKeyToAddress(V);
const fee = 1000n;
const builder = (k: Uint8Array) => new TxBuilder({ chainId: 'hotpot-test', privateKey: k, fee });

/** Σ balances + Σ stakes + Σ unbonding, which must equal the supply. */
function held(c: TestChain): bigint {
  let sum = 0n;
  for (const k of c.store.entries.keys()) {
    if (k.startsWith('acct:')) sum += getAccount(c.store, k.slice(5) as `0x${string}`).balance;
    if (k.startsWith('ubd:')) sum += unbondingTotal(c.store, k.slice(4) as `0x${string}`);
  }
  return sum + listValidators(c.store).reduce((s, v) => s + v.stake, 0n);
}

/** A double prevote of validator 0 at `height`. */
function doubleVote(height: number) {
  const a = signVote(
    'hotpot-test',
    { type: 'prevote', height, round: 0, blockHash: toHex(new Uint8Array(32).fill(7)) },
    V,
  );
  const b = signVote('hotpot-test', { type: 'prevote', height, round: 0, blockHash: null }, V);
  return makeDoubleVoteEvidence(a, b);
}

describe('unbonding', () => {
  it('a genesis that does not name unbondingBlocks gets 0 and keeps its hash; naming it changes the hash', () => {
    const json = genesisToJson(testGenesis());
    delete (json['params'] as Record<string, unknown>)['unbondingBlocks'];
    const legacy = parseGenesis(json);
    expect(legacy.params.unbondingBlocks).toBe(0);
    expect(
      genesisHash(parseGenesis({ ...json, params: { ...(json['params'] as object), unbondingBlocks: 0 } })),
    ).toBe(genesisHash(legacy));
    expect(
      genesisHash(parseGenesis({ ...json, params: { ...(json['params'] as object), unbondingBlocks: 5 } })),
    ).not.toBe(genesisHash(legacy));
  });

  it('unstaked tokens leave the stake at once and reach the balance exactly unbondingBlocks later', () => {
    const c = new TestChain(testGenesis({ unbondingBlocks: 3 }));
    c.step([builder(ALICE).transfer(0, { to: who, amount: 100_000n })]);
    const balance0 = getAccount(c.store, who).balance;
    const stake0 = getValidator(c.store, who)!.stake;
    c.step([builder(V).unstake(0, { amount: 1_000_000n })]); // height 2
    const start = c.height;
    expect(getValidator(c.store, who)!.stake).toBe(stake0 - 1_000_000n);
    expect(getUnbonding(c.store, who)).toEqual([
      { amount: 1_000_000n, startHeight: start, completeHeight: start + 3 },
    ]);
    expect(held(c)).toBe(getSupply(c.store));
    const balanceAfterFee = () => getAccount(c.store, who).balance;
    c.step([]);
    c.step([]);
    expect(getUnbonding(c.store, who)).toHaveLength(1);
    const before = balanceAfterFee();
    c.step([]); // start + 3: completes at the end of this block
    expect(c.height).toBe(start + 3);
    expect(getUnbonding(c.store, who)).toEqual([]);
    expect(c.store.get(`ubq:${start + 3}`)).toBeUndefined();
    // The balance grew by the tokens (plus whatever fees this validator earned proposing).
    expect(balanceAfterFee() - before).toBeGreaterThanOrEqual(1_000_000n);
    expect(balanceAfterFee()).toBeGreaterThan(balance0);
    expect(held(c)).toBe(getSupply(c.store));
  });

  it('evidence of an offence before the unstake, within the period, slashes the unbonding tokens too', () => {
    const c = new TestChain(testGenesis({ unbondingBlocks: 5 }));
    c.step([builder(ALICE).transfer(0, { to: who, amount: 100_000n })]);
    c.step([]); // the offence happens at height 2
    c.step([builder(V).unstake(0, { amount: 2_000_000n })]); // unbonding starts at 3, after the offence
    const stake = getValidator(c.store, who)!.stake;
    const supply = getSupply(c.store);
    const r = c.step([builder(ALICE).submitEvidence(1, doubleVote(2))]);
    expect(r.receipts[0]!.ok).toBe(true);
    expect(getValidator(c.store, who)!.stake).toBe(stake - stake / 10n);
    expect(getUnbonding(c.store, who)[0]!.amount).toBe(1_800_000n);
    expect(r.burned).toBe(stake / 10n + 200_000n);
    expect(getSupply(c.store)).toBe(supply - r.burned);
    expect(held(c)).toBe(getSupply(c.store));
    // After the period only what is left returns.
    const balance = getAccount(c.store, who).balance;
    while (c.height < 8) c.step([]);
    expect(getUnbonding(c.store, who)).toEqual([]);
    expect(getAccount(c.store, who).balance - balance).toBeGreaterThanOrEqual(1_800_000n);
    expect(getAccount(c.store, who).balance - balance).toBeLessThan(2_000_000n);
    expect(held(c)).toBe(getSupply(c.store));
  });

  it('an offence after the unstake does not reach its tokens, and tokens already returned are out of reach', () => {
    const c = new TestChain(testGenesis({ unbondingBlocks: 2 }));
    c.step([builder(ALICE).transfer(0, { to: who, amount: 100_000n })]);
    c.step([builder(V).unstake(0, { amount: 1_000_000n })]); // starts at 2
    c.step([builder(ALICE).submitEvidence(1, doubleVote(2))]); // offence at 2: not after the start
    expect(getUnbonding(c.store, who)[0]!.amount).toBe(1_000_000n);
    c.step([]); // completes at 4
    expect(getUnbonding(c.store, who)).toEqual([]);
    const balance = getAccount(c.store, who).balance;
    c.step([builder(ALICE).submitEvidence(2, doubleVote(1))]); // an older offence, found too late
    expect(getAccount(c.store, who).balance).toBeGreaterThanOrEqual(balance);
    expect(held(c)).toBe(getSupply(c.store));
  });
});
