import { describe, expect, it } from 'vitest';
import type { Address, Hash, Vote } from '../../../main/chain/types';
import { detectDoubleVote, evidenceKey } from '../../../main/consensus/evidence';
import { CounterApp, type CounterBlock, type CounterState } from '../../../main/consensus/sim/app';
import { SimCrypto } from '../../../main/consensus/sim/signing';

const crypto = new SimCrypto('hotpot-app-test');
const keys = [5, 6, 7, 8].map((i) => new Uint8Array(32).fill(i));
const addrs = keys.map((k) => crypto.addressOf(k)) as Address[];
const validators = addrs.map((address) => ({ address, votingPower: 1 }));
const app = new CounterApp(crypto, {
  validators,
  stake: 1_000n,
  evidenceMaxAgeHeights: 10,
  maxTxsPerBlock: 4,
});

function precommit(i: number, height: number, blockHash: Hash | null, round = 0): Vote {
  return crypto.signVote(
    { type: 'precommit', height, round, blockHash, validator: addrs[i] as Address },
    keys[i] as Uint8Array,
  );
}

function block1(): { state: CounterState; b1: CounterBlock; h1: Hash; after: CounterState } {
  const state = app.genesis();
  const b1 = app.makeBlock(state, {
    height: 1,
    round: 0,
    proposer: addrs[0] as Address,
    timeMs: 10,
    lastCommit: null,
    evidence: [],
    txs: ['a', 'b'],
  });
  expect(app.validateBlock(state, b1)).toBeNull();
  const h1 = app.blockHash(b1);
  return { state, b1, h1, after: app.applyBlock(state, b1) };
}

describe('CounterApp (the simulation’s deterministic application)', () => {
  it('applies blocks deterministically and commits to the whole state in its root', () => {
    const { after, h1 } = block1();
    const again = block1();
    expect(again.after.root).toBe(after.root);
    expect(after.height).toBe(1);
    expect(after.lastBlockHash).toBe(h1);
    expect(after.txCount).toBe(2);
  });

  it('requires the previous block’s +2/3 precommits, correctly signed', () => {
    const { after, h1 } = block1();
    const mk = (precommits: Vote[]): CounterBlock =>
      app.makeBlock(after, {
        height: 2,
        round: 0,
        proposer: addrs[1] as Address,
        timeMs: 20,
        lastCommit: { height: 1, round: 0, blockHash: h1, precommits },
        evidence: [],
        txs: [],
      });
    expect(app.validateBlock(after, mk([0, 1, 2].map((i) => precommit(i, 1, h1))))).toBeNull();
    expect(app.validateBlock(after, mk([0, 1].map((i) => precommit(i, 1, h1))))).toMatch(/no more than 2\/3/);
    expect(
      app.validateBlock(after, mk([precommit(0, 1, h1), precommit(0, 1, h1), precommit(1, 1, h1)])),
    ).toMatch(/repeated/);
    const forged = { ...precommit(3, 1, h1), validator: addrs[2] as Address };
    expect(app.validateBlock(after, mk([precommit(0, 1, h1), precommit(1, 1, h1), forged]))).toMatch(
      /signature/,
    );
    expect(app.validateBlock(after, mk([0, 1, 2].map((i) => precommit(i, 1, null))))).toMatch(
      /does not match/,
    );
  });

  it('commits valid double-vote evidence once, slashing and cutting reputation; refuses bad evidence', () => {
    const { after, h1 } = block1();
    const e = detectDoubleVote(precommit(3, 1, null, 2), precommit(3, 1, h1, 2));
    if (e === null) throw new Error('expected evidence');
    const lastCommit = {
      height: 1,
      round: 0,
      blockHash: h1,
      precommits: [0, 1, 2].map((i) => precommit(i, 1, h1)),
    };
    const b2 = app.makeBlock(after, {
      height: 2,
      round: 0,
      proposer: addrs[1] as Address,
      timeMs: 20,
      lastCommit,
      evidence: [e, e],
      txs: [],
    });
    expect(b2.evidence).toHaveLength(1); // de-duplicated by the proposer
    expect(app.validateBlock(after, b2)).toBeNull();
    const s2 = app.applyBlock(after, b2);
    expect(app.evidenceCommitted(s2, evidenceKey(e))).toBe(true);
    expect(s2.stake.get(addrs[3] as Address)).toBe(950n);
    expect(s2.reputationPpm.get(addrs[3] as Address)).toBeLessThan(300_000);
    expect(s2.reputationPpm.get(addrs[0] as Address)).toBe(501_000); // signed the last commit
    // The same evidence again, evidence for a future height, and a forged half are all refused.
    const dup: CounterBlock = {
      ...app.makeBlock(s2, {
        height: 3,
        round: 0,
        proposer: addrs[2] as Address,
        timeMs: 30,
        lastCommit: null,
        evidence: [],
        txs: [],
      }),
      evidence: [e],
    };
    expect(app.validateBlock(s2, dup)).toMatch(/already committed|last commit|lacks/);
    const forgedB = { ...e.b, signature: precommit(2, 1, h1, 2).signature };
    const bad: CounterBlock = { ...b2, evidence: [{ a: e.a, b: forgedB }] };
    expect(app.validateBlock(after, bad)).toMatch(/not signed by it/);
    const future = detectDoubleVote(precommit(3, 5, null), precommit(3, 5, h1));
    expect(app.validateBlock(after, { ...b2, evidence: [future as never] })).toMatch(
      /outside the allowed window/,
    );
  });
});
