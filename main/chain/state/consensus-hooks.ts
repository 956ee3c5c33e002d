/**
 * How the consensus layer plugs its rules into state: reputation changes and validator selection
 * (`ConsensusHooks`), their defaults, and the checks every hook result passes (pure).
 */
import type { ChainConfig } from '../params';
import type { ValidatorPower } from '../types';
import { fail } from './fail';
import type { ValidatorRecord } from './records';

/** What changes a validator's reputation. */
export type ReputationEvent = 'signed' | 'missed' | 'proposed' | 'double-vote';

/**
 * How the consensus layer plugs its rules into state. Both are optional; the defaults are documented
 * on `DEFAULT_HOOKS`. They must be pure and deterministic: every node runs them on every block.
 */
export interface ConsensusHooks {
  /** New reputation (ppm) after `event`; the result is clamped to [0, 1,000,000] and floored. */
  reputation(currentPpm: number, event: ReputationEvent): number;
  /**
   * The validator set for `effectiveEpoch`, computed from the candidates at the end of the epoch
   * before the previous one (the set chosen at the end of epoch e takes effect at e + 2). Must be
   * non-empty with unique addresses and integer voting power ≥ 1.
   */
  selectValidators(
    candidates: readonly ValidatorRecord[],
    effectiveEpoch: number,
    config: ChainConfig,
  ): ValidatorPower[];
}

/**
 * Defaults: +1,000 ppm per precommit in a committed block, −5,000 per missed one, +2,000 per
 * proposal, −500,000 on double-vote evidence. Selection: candidates with stake ≥ minStake that are not
 * jailed in the effective epoch, by stake then address, at most maxValidators, voting power =
 * stake / minStake (capped at 10^9).
 */
export const DEFAULT_HOOKS: ConsensusHooks = {
  reputation(current, event) {
    const delta = { signed: 1_000, missed: -5_000, proposed: 2_000, 'double-vote': -500_000 }[event];
    return current + delta;
  },
  selectValidators(candidates, effectiveEpoch, config) {
    const p = config.params;
    return candidates
      .filter((c) => c.stake >= p.minStake && c.jailedUntilEpoch <= effectiveEpoch)
      .sort((a, b) => (a.stake === b.stake ? (a.address < b.address ? -1 : 1) : a.stake > b.stake ? -1 : 1))
      .slice(0, p.maxValidators)
      .map((c) => {
        const power = c.stake / (p.minStake > 0n ? p.minStake : 1n);
        return {
          address: c.address,
          votingPower: Number(power > 1_000_000_000n ? 1_000_000_000n : power < 1n ? 1n : power),
        };
      });
  },
};

/** A reputation as a hook returned it, clamped to [0, 1,000,000] ppm and floored. */
export function clampRep(v: number): number {
  return Math.max(0, Math.min(1_000_000, Math.floor(v)));
}

/** Validates a validator set: non-empty, unique addresses, integer power ≥ 1. */
export function checkSet(set: readonly ValidatorPower[]): ValidatorPower[] {
  if (set.length === 0) fail('BAD_BLOCK', 'a validator set cannot be empty');
  const seen = new Set<string>();
  for (const v of set) {
    if (seen.has(v.address)) fail('BAD_BLOCK', `validator ${v.address} appears twice in the set`);
    if (!Number.isSafeInteger(v.votingPower) || v.votingPower < 1)
      fail(
        'BAD_BLOCK',
        `validator ${v.address} has voting power ${v.votingPower}; it must be an integer ≥ 1`,
      );
    seen.add(v.address);
  }
  return [...set];
}
