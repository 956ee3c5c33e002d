import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyEvidence,
  applyParticipation,
  checkReputationParams,
  DEFAULT_REPUTATION_PARAMS as P,
  participationOf,
} from '../../../main/consensus/reputation';

describe('reputation', () => {
  it('rises with signed precommits and proposals, falls with misses (documented constants)', () => {
    expect(
      applyParticipation(500_000, { signed: true, missed: false, proposed: false, missedProposals: 0 }),
    ).toBe(501_000);
    expect(
      applyParticipation(500_000, { signed: true, missed: false, proposed: true, missedProposals: 0 }),
    ).toBe(503_000);
    expect(
      applyParticipation(500_000, { signed: false, missed: true, proposed: false, missedProposals: 0 }),
    ).toBe(495_000);
    expect(
      applyParticipation(500_000, { signed: false, missed: true, proposed: false, missedProposals: 2 }),
    ).toBe(475_000);
  });

  it('stays within [0, 1] whatever happens (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.array(
          fc.record({
            signed: fc.boolean(),
            missed: fc.boolean(),
            proposed: fc.boolean(),
            missedProposals: fc.nat(50),
          }),
          { maxLength: 300 },
        ),
        (start, events) => {
          let r = start;
          for (const e of events) {
            r = applyParticipation(r, e);
            expect(r).toBeGreaterThanOrEqual(0);
            expect(r).toBeLessThanOrEqual(1_000_000);
          }
        },
      ),
      { numRuns: 200, seed: 3 },
    );
  });

  it('falls hard on evidence: reputation halved, 5 % of stake slashed, jailed for the next epochs', () => {
    const p = applyEvidence({ reputationPpm: 800_000, stake: 1_000_000n }, 10);
    expect(p).toEqual({
      reputationPpm: 400_000,
      slashed: 50_000n,
      stakeAfter: 950_000n,
      jailedUntilEpoch: 13,
    });
    // A second offence does not shorten a longer jail term.
    expect(
      applyEvidence({ reputationPpm: 400_000, stake: 950_000n, jailedUntilEpoch: 20 }, 11).jailedUntilEpoch,
    ).toBe(20);
    // Parameters: full slash and full reputation cut.
    const harsh = { ...P, evidenceCutPpm: 1_000_000, slashFractionPpm: 1_000_000, jailEpochs: 0 };
    expect(applyEvidence({ reputationPpm: 800_000, stake: 7n }, 2, harsh)).toEqual({
      reputationPpm: 0,
      slashed: 7n,
      stakeAfter: 0n,
      jailedUntilEpoch: 3,
    });
    expect(() => checkReputationParams({ ...P, slashFractionPpm: 2_000_000 })).toThrow(/≤ 1000000/);
  });

  it('derives participation from a block: who signed its last commit, who missed, who proposed', () => {
    const m = participationOf(['a', 'b', 'c'], ['a', 'c'], 'b', ['c']);
    expect(m.get('a')).toEqual({ signed: true, missed: false, proposed: false, missedProposals: 0 });
    expect(m.get('b')).toEqual({ signed: false, missed: true, proposed: true, missedProposals: 0 });
    expect(m.get('c')).toEqual({ signed: true, missed: false, proposed: false, missedProposals: 1 });
  });
});
