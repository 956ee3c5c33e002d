/**
 * Who decides a height and who proposes at (height, round): the epoch's validator set from the
 * committed state, and its proposer rotation (kept for this epoch and the one before).
 */
import { ChainError } from '../chain/errors';
import { type ChainParams, epochOf } from '../chain/params';
import { getValidatorSet } from '../chain/state/access';
import type { Address, ValidatorPower } from '../chain/types';
import { ProposerRotation } from '../consensus/proposer';
import type { LedgerStore } from './ledger-store';

/** What the sets are read from. */
export interface ValidatorSetsDeps {
  store: LedgerStore;
  params: ChainParams;
}

/** The validator sets and proposer rotations of the epochs being decided. */
export class ValidatorSets {
  private readonly rotations = new Map<number, ProposerRotation>();
  private readonly knownSets = new Map<number, ValidatorPower[]>();

  constructor(private readonly deps: ValidatorSetsDeps) {}

  /** The validator set deciding `height` (from the committed state); `STATE_CORRUPT` when none is stored. */
  at(height: number): ValidatorPower[] {
    const epoch = epochOf(height, this.deps.params);
    const set = getValidatorSet(this.deps.store, epoch);
    if (!set)
      throw new ChainError(
        'STATE_CORRUPT',
        `no validator set is stored for epoch ${epoch} (height ${height})`,
      );
    return set;
  }

  /**
   * The validator set deciding `height` if the committed state already holds it, else null. Sets are
   * written one epoch ahead, so this answers for the current epoch and the next one; a height further
   * ahead gives null (gossip admission ignores such messages rather than trusting their signers).
   */
  known(height: number): ValidatorPower[] | null {
    const epoch = epochOf(height, this.deps.params);
    const cached = this.knownSets.get(epoch);
    if (cached) return cached;
    // A stored set never changes (it is written once, two epochs ahead), so it can be kept; an
    // absent one is read again next time.
    const set = getValidatorSet(this.deps.store, epoch);
    if (set) {
      this.knownSets.set(epoch, set);
      for (const e of this.knownSets.keys()) if (e < epoch - 2) this.knownSets.delete(e);
    }
    return set;
  }

  /** The proposer of `height` at `round`. */
  proposer(height: number, round: number): Address {
    return this.rotation(height).proposer(height, round);
  }

  private rotation(height: number): ProposerRotation {
    const params = this.deps.params;
    const epoch = epochOf(height, params);
    let r = this.rotations.get(epoch);
    if (!r) {
      r = new ProposerRotation(this.at(height), epoch * params.epochLengthBlocks + 1);
      this.rotations.set(epoch, r);
      for (const e of this.rotations.keys()) if (e < epoch - 1) this.rotations.delete(e);
    }
    return r;
  }
}
