import { describe, expect, it } from 'vitest';
import type { Address, Hash, Vote } from '../../../main/chain/types';
import {
  addVote,
  allVotes,
  detectDoubleVote,
  emptyVoteSet,
  evidenceKey,
  hasTwoThirdsFor,
  roundParticipationPower,
  roundVotes,
  validateEvidence,
  votesFor,
} from '../../../main/consensus/evidence';
import { SimCrypto } from '../../../main/consensus/sim/signing';

const crypto = new SimCrypto('hotpot-test');
const keys = [1, 2, 3, 4].map((i) => new Uint8Array(32).fill(i));
const [A, B, C, D] = keys.map((k) => crypto.addressOf(k)) as [Address, Address, Address, Address];
const set4 = [A, B, C, D].map((address) => ({ address, votingPower: 1 }));
const X: Hash = `0x${'a'.repeat(64)}`;
const Y: Hash = `0x${'b'.repeat(64)}`;

function vote(
  i: number,
  type: 'prevote' | 'precommit',
  round: number,
  blockHash: Hash | null,
  height = 7,
): Vote {
  const k = keys[i] as Uint8Array;
  return crypto.signVote({ type, height, round, blockHash, validator: crypto.addressOf(k) }, k);
}

describe('vote set', () => {
  it('tallies power per block hash and keeps one vote per validator per (round, type)', () => {
    let s = emptyVoteSet(7, set4);
    for (const v of [
      vote(0, 'prevote', 0, X),
      vote(1, 'prevote', 0, X),
      vote(2, 'prevote', 0, null),
      vote(1, 'precommit', 0, X),
    ])
      s = addVote(s, v).set;
    const again = addVote(s, vote(0, 'prevote', 0, X));
    expect(again.outcome).toBe('duplicate');
    expect(again.set).toBe(s);
    const rv = roundVotes(s, 0, 'prevote');
    expect(rv.totalPower).toBe(3);
    expect(rv.powerByHash.get(X)).toBe(2);
    expect(rv.powerByHash.get('nil')).toBe(1);
    expect(hasTwoThirdsFor(s, 0, 'prevote', X)).toBe(false);
    expect(roundParticipationPower(s, 0)).toBe(3); // B counted once across prevote and precommit
    expect(addVote(s, vote(3, 'prevote', 0, X, 8)).outcome).toBe('wrong-height');
    expect(addVote(emptyVoteSet(7, set4.slice(0, 3)), vote(3, 'prevote', 0, X)).outcome).toBe(
      'unknown-validator',
    );
  });

  it('keeps a conflicting vote as evidence (value vs value, value vs nil), once per key', () => {
    let s = emptyVoteSet(7, set4);
    s = addVote(s, vote(0, 'prevote', 1, X)).set;
    const r = addVote(s, vote(0, 'prevote', 1, Y));
    expect(r.outcome).toBe('conflict');
    expect(r.evidence && [r.evidence.a.blockHash, r.evidence.b.blockHash]).toEqual([X, Y]);
    const again = addVote(r.set, vote(0, 'prevote', 1, null));
    expect(again.outcome).toBe('conflict');
    expect(again.evidence).toBeUndefined();
    expect(again.set.evidence).toHaveLength(1);
    expect(evidenceKey(again.set.evidence[0] as never)).toBe(`${A}:7:1:prevote`);
    // nil vs value is a double vote too, nil first.
    let t = addVote(emptyVoteSet(7, set4), vote(1, 'precommit', 0, X)).set;
    const nv = addVote(t, vote(1, 'precommit', 0, null));
    expect(nv.evidence && [nv.evidence.a.blockHash, nv.evidence.b.blockHash]).toEqual([null, X]);
    t = nv.set;
    // Counted once in the total, but under each value it voted for.
    expect(roundVotes(t, 0, 'precommit').totalPower).toBe(1);
    expect(votesFor(t, 0, 'precommit', null).map((v) => v.validator)).toEqual([B]);
    expect(votesFor(t, 0, 'precommit', X).map((v) => v.validator)).toEqual([B]);
    expect(allVotes(t)).toHaveLength(2);
  });

  it('lets a polka seen elsewhere be seen here despite a split double vote', () => {
    // D sent nil to us and X to the others; with D's X relayed, X has 3 of 4.
    let s = emptyVoteSet(7, set4);
    for (const v of [vote(3, 'prevote', 0, null), vote(0, 'prevote', 0, X), vote(1, 'prevote', 0, X)])
      s = addVote(s, v).set;
    expect(hasTwoThirdsFor(s, 0, 'prevote', X)).toBe(false);
    s = addVote(s, vote(3, 'prevote', 0, X)).set;
    expect(hasTwoThirdsFor(s, 0, 'prevote', X)).toBe(true);
    expect(roundVotes(s, 0, 'prevote').totalPower).toBe(3);
  });
});

describe('double-vote evidence', () => {
  it('detects only same validator, height, round and type with different values', () => {
    expect(detectDoubleVote(vote(0, 'prevote', 0, X), vote(0, 'prevote', 0, X))).toBeNull();
    expect(detectDoubleVote(vote(0, 'prevote', 0, X), vote(0, 'precommit', 0, Y))).toBeNull();
    expect(detectDoubleVote(vote(0, 'prevote', 0, X), vote(0, 'prevote', 1, Y))).toBeNull();
    expect(detectDoubleVote(vote(0, 'prevote', 0, X), vote(1, 'prevote', 0, Y))).toBeNull();
    const e = detectDoubleVote(vote(0, 'prevote', 0, Y), vote(0, 'prevote', 0, X));
    expect(e && [e.a.blockHash, e.b.blockHash]).toEqual([X, Y]);
  });

  it('validates real signatures and refuses forged or reordered evidence', () => {
    const e = detectDoubleVote(vote(2, 'precommit', 3, X), vote(2, 'precommit', 3, null));
    if (e === null) throw new Error('expected evidence');
    const verify = (v: Vote): boolean => crypto.verifyVote(v);
    expect(() => validateEvidence(e, verify)).not.toThrow();
    expect(() => validateEvidence({ a: e.b, b: e.a }, verify)).toThrow(/canonical order/);
    // C's vote re-signed by D's key but claiming C: the signature recovers D, not C.
    const forged = crypto.signVote(
      { type: 'precommit', height: 7, round: 3, blockHash: null, validator: C },
      keys[3] as Uint8Array,
    );
    expect(crypto.verifyVote(forged)).toBe(false);
    expect(() => validateEvidence({ a: forged, b: e.b }, verify)).toThrow(/not signed by it/);
    // A signature moved onto other fields does not verify either.
    expect(crypto.verifyVote({ ...e.b, round: 4 })).toBe(false);
    expect(() => validateEvidence({ a: e.a, b: e.a }, verify)).toThrow(/not a double vote/);
  });
});
