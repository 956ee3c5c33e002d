import { describe, expect, it } from 'vitest';
import type { Address, ValidatorPower } from '../../../main/chain/types';
import { ProposerRotation, proposerAt } from '../../../main/consensus/proposer';

const addr = (c: string): Address => `0x${c.repeat(40)}`;
const SET: ValidatorPower[] = [
  { address: addr('4'), votingPower: 4 },
  { address: addr('1'), votingPower: 1 },
  { address: addr('3'), votingPower: 3 },
  { address: addr('2'), votingPower: 2 },
];

function counts(rot: ProposerRotation, heights: number): Map<Address, number> {
  const c = new Map<Address, number>();
  for (let h = 1; h <= heights; h++) {
    const p = rot.proposer(h, 0);
    c.set(p, (c.get(p) ?? 0) + 1);
  }
  return c;
}

describe('ProposerRotation', () => {
  it('is exactly proportional to voting power over every window of totalPower heights', () => {
    const rot = new ProposerRotation(SET, 1);
    for (const windows of [1, 7]) {
      const c = counts(rot, 10 * windows);
      for (const v of SET) expect(c.get(v.address)).toBe(v.votingPower * windows);
    }
  });

  it('follows the priority algorithm step by step (worked: powers 1,2,3,4)', () => {
    // step 1: prio [1,2,3,4] → 4 wins → [1,2,3,-6]; step 2: [2,4,6,-2] → 3 → [2,4,-4,-2];
    // step 3: [3,6,-1,2] → 2 → [3,-4,-1,2]; step 4: [4,-2,2,6] → 4 → [4,-2,2,-4]; step 5: [5,0,5,0] → tie 1 vs 3: lower address 1.
    const rot = new ProposerRotation(SET, 1);
    expect([1, 2, 3, 4, 5].map((h) => rot.proposer(h, 0))).toEqual([
      addr('4'),
      addr('3'),
      addr('2'),
      addr('4'),
      addr('1'),
    ]);
  });

  it('is deterministic per (height, round): round r of height h is step (h − start) + r + 1', () => {
    const rot = new ProposerRotation(SET, 10);
    expect(rot.proposer(12, 3)).toBe(rot.proposer(15, 0));
    expect(proposerAt(SET, 10, 12, 3)).toBe(rot.proposer(12, 3));
    // The order of questions does not matter.
    const fresh = new ProposerRotation([...SET].reverse(), 10);
    expect(fresh.proposer(30, 0)).toBe(rot.proposer(30, 0));
    expect(fresh.proposer(11, 1)).toBe(rot.proposer(11, 1));
  });

  it('rotates through equal validators in address order', () => {
    const eq = ['c', 'a', 'b'].map((c) => ({ address: addr(c), votingPower: 7 }));
    const rot = new ProposerRotation(eq, 1);
    expect([1, 2, 3, 4].map((h) => rot.proposer(h, 0))).toEqual([addr('a'), addr('b'), addr('c'), addr('a')]);
  });

  it('refuses bad sets and heights before the set took effect', () => {
    expect(() => new ProposerRotation([], 1)).toThrow(/empty/);
    expect(() => new ProposerRotation([{ address: addr('1'), votingPower: 0 }], 1)).toThrow(/integer ≥ 1/);
    expect(
      () =>
        new ProposerRotation(
          [
            { address: addr('1'), votingPower: 1 },
            { address: addr('1'), votingPower: 2 },
          ],
          1,
        ),
    ).toThrow(/twice/);
    expect(() => new ProposerRotation(SET, 5).proposer(4, 0)).toThrow(/starts at height 5/);
  });
});
