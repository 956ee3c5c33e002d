import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { consensusHooks } from '../../../main/consensus/hooks';
import {
  applyParticipation,
  checkReputationParams,
  DEFAULT_REPUTATION_PARAMS as P,
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

  it('falls hard on evidence: a double vote halves reputation, or cuts it all with a full cut', () => {
    expect(consensusHooks().reputation(800_000, 'double-vote')).toBe(400_000);
    expect(consensusHooks({ ...P, evidenceCutPpm: 1_000_000 }).reputation(800_000, 'double-vote')).toBe(0);
    expect(() => checkReputationParams({ ...P, evidenceCutPpm: 2_000_000 })).toThrow(/≤ 1000000/);
  });
});
