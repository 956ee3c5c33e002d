import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../main/chain/bytes';
import { genesisHash, genesisToJson, makeDevGenesis, parseGenesis } from '../../../main/chain/genesis';
import { DEFAULT_PARAMS } from '../../../main/chain/params';
import { privateKeyToAddress } from '../../../main/chain/keys';
import { getAccount, getSupply, getValidator, listValidators } from '../../../main/chain/state/access';
import { getUnbonding, powerCountedAt, unbondingTotal } from '../../../main/chain/state/rules/unbonding';
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

  it('new genesis files unbond over three epochs: longer than unstaked tokens keep backing a validator', () => {
    expect(DEFAULT_PARAMS.unbondingBlocks).toBe(3 * DEFAULT_PARAMS.epochLengthBlocks);
    const dev = makeDevGenesis({ privateKey: V, genesisTimeMs: 1 });
    expect(dev.params.unbondingBlocks).toBe(3 * dev.params.epochLengthBlocks);
    const short = makeDevGenesis({ privateKey: V, genesisTimeMs: 1, params: { epochLengthBlocks: 10 } });
    expect(short.params.unbondingBlocks).toBe(30);
    // The latest offence the tokens of an unstake at height u still backed is at the end of the epoch
    // after the next one; evidence for it has a whole epoch before they return.
    const L = DEFAULT_PARAMS.epochLengthBlocks;
    const u = L + 1;
    expect(powerCountedAt(3 * L, DEFAULT_PARAMS)).toBeLessThan(u);
    expect(u + DEFAULT_PARAMS.unbondingBlocks - 3 * L).toBe(L + 1);
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

  it('an unstake before the offence is slashed while its tokens still counted in the signing set', () => {
    // Epochs are 4 blocks: the set of epoch 2 (heights 9–12) was chosen at the end of height 4.
    const c = new TestChain(testGenesis({ unbondingBlocks: 20 }));
    expect(powerCountedAt(10, c.ctx.config.params)).toBe(4);
    c.step([builder(ALICE).transfer(0, { to: who, amount: 100_000n })]);
    while (c.height < 3) c.step([]);
    c.step([builder(V).unstake(0, { amount: 1_000_000n })]); // height 4: before the set was chosen
    c.step([builder(V).unstake(1, { amount: 2_000_000n })]); // height 5: counted in the set of epoch 2
    while (c.height < 11) c.step([]);
    const stake = getValidator(c.store, who)!.stake;
    // The offence at 10 comes after both unstakes, but the 2,000,000 still gave V its power there.
    const r = c.step([builder(ALICE).submitEvidence(1, doubleVote(10))]);
    expect(r.receipts[0]!.ok).toBe(true);
    expect(getUnbonding(c.store, who).map((e) => [e.startHeight, e.amount])).toEqual([
      [4, 1_000_000n],
      [5, 1_800_000n],
    ]);
    // Everything that backed the set of epoch 2 (10,000,000 − 1,000,000) lost a tenth.
    expect(r.burned).toBe(stake / 10n + 200_000n);
    expect(r.burned).toBe(900_000n);
    expect(held(c)).toBe(getSupply(c.store));
  });

  it('in epochs 0 and 1 (the genesis set) every unbonding entry is slashable', () => {
    const c = new TestChain(testGenesis({ unbondingBlocks: 5 }));
    c.step([builder(ALICE).transfer(0, { to: who, amount: 100_000n })]);
    c.step([builder(V).unstake(0, { amount: 1_000_000n })]); // starts at 2
    c.step([builder(ALICE).submitEvidence(1, doubleVote(2))]); // offence at 2, in the same block
    expect(getUnbonding(c.store, who)[0]!.amount).toBe(900_000n);
    expect(held(c)).toBe(getSupply(c.store));
  });

  it('tokens already returned are out of reach', () => {
    const c = new TestChain(testGenesis({ unbondingBlocks: 2 }));
    c.step([builder(ALICE).transfer(0, { to: who, amount: 100_000n })]);
    c.step([builder(V).unstake(0, { amount: 1_000_000n })]); // starts at 2
    c.step([]);
    c.step([]); // completes at 4
    expect(getUnbonding(c.store, who)).toEqual([]);
    const balance = getAccount(c.store, who).balance;
    const stake = getValidator(c.store, who)!.stake;
    const r = c.step([builder(ALICE).submitEvidence(1, doubleVote(1))]); // an older offence, found too late
    expect(r.burned).toBe(stake / 10n);
    expect(getAccount(c.store, who).balance).toBeGreaterThanOrEqual(balance);
    expect(held(c)).toBe(getSupply(c.store));
  });

  it('evidence burns a tenth of exactly the stake that gave the offender its power (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ height: fc.integer({ min: 2, max: 15 }), tenK: fc.integer({ min: 1, max: 200 }) }),
          {
            maxLength: 4,
          },
        ),
        fc.integer({ min: 1, max: 15 }),
        (unstakes, offence) => {
          // Nothing returns inside the run, so every unstaked token is either slashable or not by the rule alone.
          const c = new TestChain(testGenesis({ unbondingBlocks: 100 }));
          c.step([builder(ALICE).transfer(0, { to: who, amount: 1_000_000n })]);
          const stakeAfter = [getValidator(c.store, who)!.stake, getValidator(c.store, who)!.stake];
          let nonce = 0;
          for (let h = 2; h <= 15; h++) {
            const txs = unstakes
              .filter((u) => u.height === h)
              .map((u) => builder(V).unstake(nonce++, { amount: BigInt(u.tenK) * 10_000n }));
            c.step(txs);
            stakeAfter.push(getValidator(c.store, who)!.stake);
          }
          const supply = getSupply(c.store);
          const r = c.step([builder(ALICE).submitEvidence(1, doubleVote(offence))]);
          expect(r.receipts[0]!.ok).toBe(true);
          // ARCHITECTURE §4: the set of epoch e is chosen at the end of epoch e − 2 (4-block epochs
          // here); epochs 0 and 1 run on the genesis set.
          const epoch = Math.floor((offence - 1) / 4);
          const chosenAt = epoch < 2 ? 0 : (epoch - 1) * 4;
          expect(r.burned).toBe(stakeAfter[chosenAt]! / 10n);
          expect(getSupply(c.store)).toBe(supply - r.burned);
          expect(held(c)).toBe(getSupply(c.store));
        },
      ),
      { numRuns: 25 },
    );
  });
});
