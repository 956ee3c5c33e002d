import { describe, expect, it } from 'vitest';
import type { Address } from '../../../main/chain/types';
import {
  activeSetSource,
  epochOfHeight,
  scoreCandidates,
  selectValidators,
  validatorSetAt,
  type Candidate,
} from '../../../main/consensus/selection';

const A: Address = `0x${'a'.repeat(40)}`;
const B: Address = `0x${'b'.repeat(40)}`;
const C: Address = `0x${'c'.repeat(40)}`;
const D: Address = `0x${'d'.repeat(40)}`;

// Worked example (numbers in parts per million):
//   A: rep 1.0, stake 40/100, north   B: rep 0.5, stake 30/100, north
//   C: rep 0.8, stake 20/100, south   D: rep 0.0, stake 10/100, east
// geo = (n − 1 − others in my region)/(n − 1): A, B share north → 2/3; C, D alone → 1.
// score = 0.4 rep + 0.3 stake + 0.3 geo:
//   A = 0.4·1 + 0.3·0.4 + 0.3·0.666666 = 0.7199998 → 719_999
//   B = 0.4·0.5 + 0.3·0.3 + 0.3·0.666666 = 0.4899998 → 489_999
//   C = 0.4·0.8 + 0.3·0.2 + 0.3·1 = 0.68 → 680_000
//   D = 0 + 0.3·0.1 + 0.3·1 = 0.33 → 330_000
const CANDIDATES: Candidate[] = [
  { address: A, stake: 40n, reputationPpm: 1_000_000, region: 'north' },
  { address: B, stake: 30n, reputationPpm: 500_000, region: 'north' },
  { address: C, stake: 20n, reputationPpm: 800_000, region: 'south' },
  { address: D, stake: 10n, reputationPpm: 0, region: 'east' },
];

describe('scoreCandidates', () => {
  it('computes the worked example exactly', () => {
    const s = Object.fromEntries(scoreCandidates(CANDIDATES, 0).map((x) => [x.address, x]));
    expect(s[A]).toEqual({
      address: A,
      reputationPpm: 1_000_000,
      stakeSharePpm: 400_000,
      geoDiversityPpm: 666_666,
      scorePpm: 719_999,
    });
    expect(s[B]?.scorePpm).toBe(489_999);
    expect(s[C]).toMatchObject({ stakeSharePpm: 200_000, geoDiversityPpm: 1_000_000, scorePpm: 680_000 });
    expect(s[D]?.scorePpm).toBe(330_000);
  });

  it('gives diversity 0 when every other candidate shares the region and 1 for a lone candidate', () => {
    const same = CANDIDATES.map((c) => ({ ...c, region: 'x' }));
    for (const s of scoreCandidates(same, 0)) expect(s.geoDiversityPpm).toBe(0);
    expect(scoreCandidates([CANDIDATES[0] as Candidate], 0)[0]?.geoDiversityPpm).toBe(1_000_000);
  });

  it('leaves out jailed candidates and candidates without stake, and rejects duplicates', () => {
    const jailed = [
      { ...CANDIDATES[0], jailedUntilEpoch: 5 } as Candidate,
      ...CANDIDATES.slice(1),
      { address: `0x${'e'.repeat(40)}` as Address, stake: 0n, reputationPpm: 1, region: 'z' },
    ];
    expect(scoreCandidates(jailed, 4).map((s) => s.address)).toEqual([B, C, D]);
    expect(scoreCandidates(jailed, 5).map((s) => s.address)).toEqual([A, B, C, D]);
    expect(() => scoreCandidates([CANDIDATES[0] as Candidate, CANDIDATES[0] as Candidate], 0)).toThrow(
      /listed twice/,
    );
  });
});

describe('selectValidators', () => {
  it('keeps candidates above the minimum, best first, with power following the score', () => {
    const set = selectValidators(CANDIDATES, 0, {
      minScorePpm: 350_000,
      maxValidators: 10,
      powerUnitPpm: 1_000,
    });
    expect(set.map((s) => [s.address, s.votingPower])).toEqual([
      [A, 719],
      [C, 680],
      [B, 489],
    ]);
  });

  it('caps the set size and breaks score ties by address', () => {
    const tied: Candidate[] = [D, B, C, A].map((address, i) => ({
      address,
      stake: 10n,
      reputationPpm: 500_000,
      region: `r${i}`,
    }));
    const set = selectValidators(tied, 0, { minScorePpm: 0, maxValidators: 3, powerUnitPpm: 1_000 });
    expect(set.map((s) => s.address)).toEqual([A, B, C]);
    expect(new Set(set.map((s) => s.votingPower)).size).toBe(1);
  });

  it('gives power at least 1 and refuses bad parameters', () => {
    const low = selectValidators([{ address: A, stake: 1n, reputationPpm: 0, region: 'r' }], 0, {
      minScorePpm: 0,
      maxValidators: 1,
      powerUnitPpm: 10_000_000,
    });
    expect(low[0]?.votingPower).toBe(1);
    expect(() =>
      selectValidators(CANDIDATES, 0, { minScorePpm: 0, maxValidators: 0, powerUnitPpm: 1 }),
    ).toThrow(/maxValidators/);
  });
});

describe('epochs', () => {
  it('numbers epochs from height 1', () => {
    expect(epochOfHeight(1, 100)).toBe(0);
    expect(epochOfHeight(100, 100)).toBe(0);
    expect(epochOfHeight(101, 100)).toBe(1);
    expect(() => epochOfHeight(0, 100)).toThrow(/height/);
  });

  it('uses the set computed at the end of epoch e from the start of epoch e + 2', () => {
    expect(activeSetSource(150, 100)).toEqual({ kind: 'genesis' });
    expect(activeSetSource(200, 100)).toEqual({ kind: 'genesis' });
    expect(activeSetSource(201, 100)).toEqual({ kind: 'epoch-end', epoch: 0, height: 100 });
    expect(activeSetSource(300, 100)).toEqual({ kind: 'epoch-end', epoch: 0, height: 100 });
    expect(activeSetSource(301, 100)).toEqual({ kind: 'epoch-end', epoch: 1, height: 200 });
  });

  it('is a pure function of the candidate lists: a change in epoch 1 shows only from epoch 3', () => {
    const genesis = [{ address: D, votingPower: 1 }];
    // Candidates as the state holds them after each height: C joins at height 150 (epoch 1).
    const asked: number[] = [];
    const after = (h: number): Candidate[] => {
      asked.push(h);
      return h >= 150 ? CANDIDATES : CANDIDATES.slice(0, 2);
    };
    const params = {
      epochLengthBlocks: 100,
      selection: { minScorePpm: 0, maxValidators: 10, powerUnitPpm: 1_000 },
    };
    expect(validatorSetAt(150, genesis, after, params)).toEqual(genesis);
    expect(validatorSetAt(250, genesis, after, params).map((v) => v.address)).toEqual([A, B]);
    expect(validatorSetAt(300, genesis, after, params).map((v) => v.address)).toEqual([A, B]);
    expect(validatorSetAt(301, genesis, after, params).map((v) => v.address)).toEqual([A, C, B, D]);
    expect(asked).toEqual([100, 100, 200]);
  });
});
