/**
 * Validator reputation (ARCHITECTURE §4): rises with precommits included in committed blocks and
 * with proposals made, falls with missed ones, falls hard on double-vote evidence. Pure,
 * integer-only; reputation lives in [0, 1] as parts per million. The stake slashed and the jail term
 * for evidence are chain parameters (`slashFractionBps`, `jailEpochs`), applied by
 * `chain/state/rules/evidence.ts` with the cut `consensusHooks` makes from `evidenceCutPpm`.
 */
import { ConsensusError } from './errors';
import { PPM } from './selection';

/** Constants of the reputation rules, in ppm of the full scale (1_000_000 = reputation 1.0). */
export interface ReputationParams {
  /** Reputation of a validator that has just joined: 0.5. */
  initialPpm: number;
  /** Gain per precommit of the validator found in a committed block's `lastCommit`. */
  signedGainPpm: number;
  /** Gain per committed block the validator proposed. */
  proposedGainPpm: number;
  /** Loss per committed block whose `lastCommit` lacks the validator's precommit. */
  missedLossPpm: number;
  /** Loss per round in which the validator was proposer and no block of its was committed. */
  missedProposalLossPpm: number;
  /** On evidence, reputation is multiplied by (1 − evidenceCutPpm / 1e6). */
  evidenceCutPpm: number;
}

/**
 * Defaults. A missed precommit costs five signed ones, so a validator that misses more than one
 * block in six drifts down; one double vote halves reputation (on top of slashing and jail), which
 * about a thousand perfect blocks earn back.
 */
export const DEFAULT_REPUTATION_PARAMS: ReputationParams = {
  initialPpm: 500_000,
  signedGainPpm: 1_000,
  proposedGainPpm: 2_000,
  missedLossPpm: 5_000,
  missedProposalLossPpm: 10_000,
  evidenceCutPpm: 500_000,
};

/** Throws `INVALID_PARAMS` unless every constant is a non-negative integer and fractions are ≤ 1. */
export function checkReputationParams(p: ReputationParams): void {
  const ints = [
    p.initialPpm,
    p.signedGainPpm,
    p.proposedGainPpm,
    p.missedLossPpm,
    p.missedProposalLossPpm,
    p.evidenceCutPpm,
  ];
  if (ints.some((x) => !Number.isSafeInteger(x) || x < 0) || p.initialPpm > PPM || p.evidenceCutPpm > PPM) {
    throw new ConsensusError(
      'INVALID_PARAMS',
      'reputation parameters must be non-negative integers, with initialPpm and evidenceCutPpm ≤ 1000000',
      { ...p },
    );
  }
}

/** Clamps to [0, 1_000_000]. */
export function clampPpm(x: number): number {
  return Math.min(PPM, Math.max(0, Math.floor(x)));
}

/** What one committed block says about one validator. */
export interface Participation {
  /** Its precommit for the previous block is in this block's `lastCommit`. */
  signed: boolean;
  /** It was in the set that should have signed the previous block but did not. */
  missed: boolean;
  /** It proposed this block. */
  proposed: boolean;
  /** Rounds of this height in which it was proposer and its proposal was not the one committed. */
  missedProposals: number;
}

/**
 * Reputation after one committed block.
 *
 * @example
 * applyParticipation(500_000, { signed: true, missed: false, proposed: true, missedProposals: 0 }) // 503_000
 */
export function applyParticipation(
  reputationPpm: number,
  p: Participation,
  params: ReputationParams = DEFAULT_REPUTATION_PARAMS,
): number {
  let r = reputationPpm;
  if (p.signed) r += params.signedGainPpm;
  if (p.missed) r -= params.missedLossPpm;
  if (p.proposed) r += params.proposedGainPpm;
  r -= p.missedProposals * params.missedProposalLossPpm;
  return clampPpm(r);
}
