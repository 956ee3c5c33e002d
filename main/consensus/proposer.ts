/**
 * Weighted round-robin proposer rotation: Tendermint's proposer-priority algorithm
 * (CometBFT `types/validator_set.go`, `IncrementProposerPriority`). Pure and deterministic.
 *
 * Each step adds every validator's voting power to its priority, picks the highest priority
 * (ties: the lower address) and subtracts the total power from the winner. Over any window of
 * `totalPower` consecutive steps starting from all-zero priorities each validator is chosen exactly
 * `votingPower` times, so proposals are proportional to voting power.
 *
 * The rotation restarts from zero priorities whenever the set changes (at epoch boundaries,
 * `selection.ts`), so it only depends on the set and the heights since it took effect. With
 * all-zero start the priorities always sum to zero and stay within ±totalPower, so CometBFT's
 * centring and rescaling steps are no-ops and are left out.
 */
import type { Address, ValidatorPower } from '../chain/types';
import { ConsensusError } from './errors';

/** Checks a validator set: non-empty, unique addresses, integer powers ≥ 1, total ≤ 2^50. */
export function checkValidatorSet(validators: readonly ValidatorPower[]): void {
  if (validators.length === 0)
    throw new ConsensusError(
      'INVALID_VALIDATOR_SET',
      'the validator set is empty; consensus needs at least one validator',
    );
  const seen = new Set<string>();
  let total = 0;
  for (const v of validators) {
    if (!Number.isSafeInteger(v.votingPower) || v.votingPower < 1) {
      throw new ConsensusError(
        'INVALID_VALIDATOR_SET',
        `validator ${v.address} has voting power ${v.votingPower}; it must be an integer ≥ 1`,
        { address: v.address },
      );
    }
    if (seen.has(v.address))
      throw new ConsensusError('INVALID_VALIDATOR_SET', `validator ${v.address} appears twice in the set`, {
        address: v.address,
      });
    seen.add(v.address);
    total += v.votingPower;
  }
  if (total > 2 ** 50)
    throw new ConsensusError('INVALID_VALIDATOR_SET', `total voting power ${total} exceeds 2^50`, { total });
}

/** Canonical order of a set: by address, so every node iterates it the same way. */
function sortedByAddress(validators: readonly ValidatorPower[]): ValidatorPower[] {
  return [...validators].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}

/**
 * Memoised rotation for one validator set that took effect at `startHeight`.
 *
 * @example
 * const rot = new ProposerRotation(set, 1);
 * rot.proposer(7, 0); // proposer of height 7, round 0
 * rot.proposer(7, 2); // after two failed rounds
 */
export class ProposerRotation {
  readonly validators: readonly ValidatorPower[];
  readonly startHeight: number;
  readonly totalPower: number;
  private readonly priorities: number[];
  /** chosen[k] = index of the validator picked by step k + 1. */
  private readonly chosen: number[] = [];

  constructor(validators: readonly ValidatorPower[], startHeight: number) {
    checkValidatorSet(validators);
    this.validators = sortedByAddress(validators);
    this.startHeight = startHeight;
    this.totalPower = this.validators.reduce((s, v) => s + v.votingPower, 0);
    this.priorities = this.validators.map(() => 0);
  }

  /** Proposer of (height, round): the winner of step `(height − startHeight) + round + 1`. */
  proposer(height: number, round: number): Address {
    if (!Number.isInteger(height) || height < this.startHeight || !Number.isInteger(round) || round < 0) {
      throw new ConsensusError(
        'INVALID_INPUT',
        `no proposer for height ${height} round ${round}: this set starts at height ${this.startHeight} and rounds start at 0`,
        { height, round },
      );
    }
    const k = height - this.startHeight + round;
    while (this.chosen.length <= k) this.chosen.push(this.step());
    return (this.validators[this.chosen[k] as number] as ValidatorPower).address;
  }

  private step(): number {
    const p = this.priorities;
    let best = 0;
    for (let i = 0; i < p.length; i++) {
      p[i] = (p[i] as number) + (this.validators[i] as ValidatorPower).votingPower;
      // Strictly greater keeps the lower address on ties (the array is sorted by address).
      if ((p[i] as number) > (p[best] as number)) best = i;
    }
    p[best] = (p[best] as number) - this.totalPower;
    return best;
  }
}

/**
 * The proposer of (height, round) for a set that took effect at `startHeight`, computed from
 * scratch (O((height − startHeight + round) × n)). Use `ProposerRotation` when asking repeatedly.
 */
export function proposerAt(
  validators: readonly ValidatorPower[],
  startHeight: number,
  height: number,
  round: number,
): Address {
  return new ProposerRotation(validators, startHeight).proposer(height, round);
}
