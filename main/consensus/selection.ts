/**
 * Validator scoring and active-set selection (ARCHITECTURE §4, issue 3 §6). Pure and integer-only:
 * every fraction is expressed in parts per million (ppm, 1_000_000 = 1.0) so every node computes the
 * same set bit for bit, whatever its floating-point unit does.
 */
import type { Address, ValidatorPower } from '../chain/types';
import { ConsensusError } from './errors';

/** 1.0 in parts per million. */
export const PPM = 1_000_000;

/** Score weights in ppm; they sum to 1.0 (0.4 reputation, 0.3 stake share, 0.3 geographic diversity). */
export const SCORE_WEIGHTS_PPM = { reputation: 400_000, stake: 300_000, geo: 300_000 } as const;

/** One validator candidate as the chain state knows it. */
export interface Candidate {
  address: Address;
  /** Bonded stake in the token's smallest unit. */
  stake: bigint;
  /** Reputation in [0, 1] as integer parts per million (see `reputation.ts`). */
  reputationPpm: number;
  /** Region label (case-sensitive, e.g. "eu-west"); candidates sharing it lower each other's diversity. */
  region: string;
  /** Jailed candidates are not eligible while `epoch < jailedUntilEpoch`. */
  jailedUntilEpoch?: number;
}

/** Selection parameters (chain genesis parameters). */
export interface SelectionParams {
  /** Candidates whose score is below this are not selected (ppm, 0..1_000_000). */
  minScorePpm: number;
  /** Largest active set (≥ 1). */
  maxValidators: number;
  /** Voting power = max(1, floor(scorePpm / powerUnitPpm)); e.g. 1_000 gives powers 1..1000. */
  powerUnitPpm: number;
}

/** The default parameters: score ≥ 0.2, at most 100 validators, powers 1..1000. */
export const DEFAULT_SELECTION_PARAMS: SelectionParams = {
  minScorePpm: 200_000,
  maxValidators: 100,
  powerUnitPpm: 1_000,
};

/** A candidate's score and its parts, all in ppm. */
export interface ScoredCandidate {
  address: Address;
  reputationPpm: number;
  stakeSharePpm: number;
  geoDiversityPpm: number;
  scorePpm: number;
}

/** A member of the active set: its score and integer voting power. */
export interface SelectedValidator extends ScoredCandidate {
  votingPower: number;
}

/**
 * Scores every eligible candidate (not jailed at `epoch`; stake > 0).
 *
 * - reputation: the candidate's `reputationPpm` (clamped to [0, 1_000_000]).
 * - stake share: `floor(stake × 1e6 / Σ stake of eligible candidates)`.
 * - geographic diversity: with n eligible candidates and k of the *other* n − 1 in the same region,
 *   `floor(1e6 × (n − 1 − k) / (n − 1))` — 1.0 when nobody else is in its region, 0 when everybody
 *   else is; 1.0 when n = 1. Always in [0, 1].
 * - score: `floor((400_000 × rep + 300_000 × stake + 300_000 × geo) / 1e6)`.
 *
 * @example
 * scoreCandidates([{ address: a, stake: 40n, reputationPpm: 1_000_000, region: 'north' }, ...], 0)
 */
export function scoreCandidates(candidates: readonly Candidate[], epoch: number): ScoredCandidate[] {
  const seen = new Set<string>();
  for (const c of candidates) {
    if (seen.has(c.address)) {
      throw new ConsensusError(
        'INVALID_PARAMS',
        `candidate ${c.address} is listed twice; each address may appear once`,
        { address: c.address },
      );
    }
    seen.add(c.address);
  }
  const eligible = candidates.filter(
    (c) => c.stake > 0n && !(c.jailedUntilEpoch !== undefined && epoch < c.jailedUntilEpoch),
  );
  const n = eligible.length;
  let totalStake = 0n;
  const perRegion = new Map<string, number>();
  for (const c of eligible) {
    totalStake += c.stake;
    perRegion.set(c.region, (perRegion.get(c.region) ?? 0) + 1);
  }
  return eligible.map((c) => {
    const reputationPpm = Math.min(PPM, Math.max(0, Math.floor(c.reputationPpm)));
    const stakeSharePpm = Number((c.stake * BigInt(PPM)) / totalStake);
    const sameRegionOthers = (perRegion.get(c.region) ?? 1) - 1;
    const geoDiversityPpm = n <= 1 ? PPM : Math.floor((PPM * (n - 1 - sameRegionOthers)) / (n - 1));
    const scorePpm = Math.floor(
      (SCORE_WEIGHTS_PPM.reputation * reputationPpm +
        SCORE_WEIGHTS_PPM.stake * stakeSharePpm +
        SCORE_WEIGHTS_PPM.geo * geoDiversityPpm) /
        PPM,
    );
    return { address: c.address, reputationPpm, stakeSharePpm, geoDiversityPpm, scorePpm };
  });
}

function checkParams(p: SelectionParams): void {
  const ok =
    Number.isInteger(p.minScorePpm) &&
    p.minScorePpm >= 0 &&
    p.minScorePpm <= PPM &&
    Number.isInteger(p.maxValidators) &&
    p.maxValidators >= 1 &&
    Number.isInteger(p.powerUnitPpm) &&
    p.powerUnitPpm >= 1;
  if (!ok) {
    throw new ConsensusError(
      'INVALID_PARAMS',
      'selection parameters need integer minScorePpm in [0, 1000000], maxValidators ≥ 1 and powerUnitPpm ≥ 1',
      { ...p },
    );
  }
}

/**
 * The active set: eligible candidates with `scorePpm ≥ minScorePpm`, best score first (ties broken
 * by ascending address), at most `maxValidators`, each with voting power
 * `max(1, floor(scorePpm / powerUnitPpm))`. Pure: the same candidates give the same set everywhere.
 */
export function selectValidators(
  candidates: readonly Candidate[],
  epoch: number,
  params: SelectionParams = DEFAULT_SELECTION_PARAMS,
): SelectedValidator[] {
  checkParams(params);
  return scoreCandidates(candidates, epoch)
    .filter((s) => s.scorePpm >= params.minScorePpm)
    .sort((a, b) => b.scorePpm - a.scorePpm || (a.address < b.address ? -1 : a.address > b.address ? 1 : 0))
    .slice(0, params.maxValidators)
    .map((s) => ({ ...s, votingPower: Math.max(1, Math.floor(s.scorePpm / params.powerUnitPpm)) }));
}

/** The selected set as `ValidatorPower[]`, the shape consensus and the chain carry. */
export function toValidatorPowers(selected: readonly SelectedValidator[]): ValidatorPower[] {
  return selected.map((s) => ({ address: s.address, votingPower: s.votingPower }));
}

/**
 * Epoch of a block height. Heights start at 1; epoch e covers heights
 * `e × epochLengthBlocks + 1 … (e + 1) × epochLengthBlocks`.
 */
export function epochOfHeight(height: number, epochLengthBlocks: number): number {
  if (!Number.isInteger(epochLengthBlocks) || epochLengthBlocks < 1) {
    throw new ConsensusError(
      'INVALID_PARAMS',
      `epochLengthBlocks must be an integer ≥ 1, got ${epochLengthBlocks}`,
      { epochLengthBlocks },
    );
  }
  if (!Number.isInteger(height) || height < 1) {
    throw new ConsensusError('INVALID_PARAMS', `height must be an integer ≥ 1, got ${height}`, { height });
  }
  return Math.floor((height - 1) / epochLengthBlocks);
}

/** Last height of epoch `epoch`: the block after which that epoch's candidate list is read. */
export function lastHeightOfEpoch(epoch: number, epochLengthBlocks: number): number {
  return (epoch + 1) * epochLengthBlocks;
}

/**
 * Which state decides the active set at `height`: the set computed from the state at the end of
 * epoch e takes effect at the first height of epoch e + 2 — one full epoch later, never inside the
 * block that changed it. Epochs 0 and 1 run on the genesis set.
 *
 * @returns `{ kind: 'genesis' }`, or `{ kind: 'epoch-end', epoch, height }` where `height` is the
 *   last block of that epoch (its post-state holds the candidate list).
 */
export function activeSetSource(
  height: number,
  epochLengthBlocks: number,
): { kind: 'genesis' } | { kind: 'epoch-end'; epoch: number; height: number } {
  const e = epochOfHeight(height, epochLengthBlocks);
  if (e < 2) return { kind: 'genesis' };
  return { kind: 'epoch-end', epoch: e - 2, height: lastHeightOfEpoch(e - 2, epochLengthBlocks) };
}

/**
 * The validator set in force at `height`: a pure function of the genesis set, the candidate list
 * at the end of each epoch, and the parameters. `candidatesAfterHeight(h)` returns the candidates
 * in the state after block h (only ever asked for the last block of an epoch at least one full
 * epoch before `height`). The set is scored with the epoch it takes effect in, so jail terms that
 * end by then are respected.
 *
 * @example
 * validatorSetAt(250, genesisSet, (h) => candidatesFromState(stateAt(h)), { epochLengthBlocks: 100, selection })
 * // epoch 2 → the set chosen from the state after block 100
 */
export function validatorSetAt(
  height: number,
  genesisSet: readonly ValidatorPower[],
  candidatesAfterHeight: (height: number) => readonly Candidate[],
  params: { epochLengthBlocks: number; selection: SelectionParams },
): ValidatorPower[] {
  const src = activeSetSource(height, params.epochLengthBlocks);
  if (src.kind === 'genesis') return genesisSet.map((v) => ({ ...v }));
  const selected = selectValidators(candidatesAfterHeight(src.height), src.epoch + 2, params.selection);
  if (selected.length === 0) {
    throw new ConsensusError(
      'INVALID_VALIDATOR_SET',
      `no candidate reaches the minimum score ${params.selection.minScorePpm} ppm for epoch ${src.epoch + 2}; lower minScorePpm or add stake`,
      { epoch: src.epoch + 2 },
    );
  }
  return toValidatorPowers(selected);
}
