/**
 * Validator reputation (ARCHITECTURE §4): rises with precommits included in committed blocks and
 * with proposals made, falls with missed ones, falls hard on double-vote evidence (stake slashed,
 * validator jailed). Pure, integer-only; reputation lives in [0, 1] as parts per million.
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
  /** On evidence, this share of the bonded stake is burned. */
  slashFractionPpm: number;
  /** On evidence, the validator is jailed for this many epochs after the current one. */
  jailEpochs: number;
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
  slashFractionPpm: 50_000,
  jailEpochs: 2,
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
    p.slashFractionPpm,
    p.jailEpochs,
  ];
  if (
    ints.some((x) => !Number.isSafeInteger(x) || x < 0) ||
    p.initialPpm > PPM ||
    p.evidenceCutPpm > PPM ||
    p.slashFractionPpm > PPM
  ) {
    throw new ConsensusError(
      'INVALID_PARAMS',
      'reputation parameters must be non-negative integers, with initialPpm, evidenceCutPpm and slashFractionPpm ≤ 1000000',
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

/** The penalty for committed double-vote evidence. */
export interface EvidencePenalty {
  reputationPpm: number;
  /** Stake to burn: floor(stake × slashFractionPpm / 1e6). */
  slashed: bigint;
  stakeAfter: bigint;
  /** Not eligible for selection while epoch < this (see `selection.ts`). */
  jailedUntilEpoch: number;
}

/**
 * The penalty when double-vote evidence against a validator is committed in epoch `currentEpoch`.
 * Jail terms do not shorten an existing longer one.
 */
export function applyEvidence(
  v: { reputationPpm: number; stake: bigint; jailedUntilEpoch?: number },
  currentEpoch: number,
  params: ReputationParams = DEFAULT_REPUTATION_PARAMS,
): EvidencePenalty {
  const reputationPpm = clampPpm(Math.floor((v.reputationPpm * (PPM - params.evidenceCutPpm)) / PPM));
  const slashed = (v.stake * BigInt(params.slashFractionPpm)) / BigInt(PPM);
  const jailedUntilEpoch = Math.max(v.jailedUntilEpoch ?? 0, currentEpoch + 1 + params.jailEpochs);
  return { reputationPpm, slashed, stakeAfter: v.stake - slashed, jailedUntilEpoch };
}

/**
 * Participation of every member of `validators` for one committed block: who signed its
 * `lastCommit` (the precommits for the previous block, by the previous block's set) and who proposed it.
 */
export function participationOf(
  previousSet: readonly string[],
  lastCommitSigners: readonly string[],
  proposer: string,
  missedProposers: readonly string[] = [],
): Map<string, Participation> {
  const signers = new Set(lastCommitSigners);
  const out = new Map<string, Participation>();
  const get = (a: string): Participation => {
    let p = out.get(a);
    if (p === undefined) {
      p = { signed: false, missed: false, proposed: false, missedProposals: 0 };
      out.set(a, p);
    }
    return p;
  };
  for (const a of previousSet) {
    const p = get(a);
    if (signers.has(a)) p.signed = true;
    else p.missed = true;
  }
  get(proposer).proposed = true;
  for (const a of missedProposers) get(a).missedProposals += 1;
  return out;
}
