/**
 * Chain parameters fixed at genesis (pure types and defaults). Ledger code receives them as a
 * `ChainConfig` (chain id, the two authorities and these parameters) built from the genesis document.
 */
import { DEFAULT_LIMITS, type EncodingLimits } from './encoding';
import type { Address } from './types';

/** Consensus timeouts: a step's timeout in round r is `baseMs + r × deltaMs`. */
export interface TimeoutParams {
  proposeBaseMs: number;
  proposeDeltaMs: number;
  prevoteBaseMs: number;
  prevoteDeltaMs: number;
  precommitBaseMs: number;
  precommitDeltaMs: number;
  /** Pause after a commit before the next height starts. */
  commitMs: number;
}

/** Everything genesis fixes besides accounts and validators. */
export interface ChainParams extends EncodingLimits {
  /** Minimum fee of every transaction, in token base units; fees go to the block's proposer. */
  minTxFee: bigint;
  /** Blocks per epoch; the validator set changes only at epoch boundaries. */
  epochLengthBlocks: number;
  /** Largest active validator set. */
  maxValidators: number;
  /** Minimum selection score in parts per million (0…1,000,000 ≙ 0…1). */
  minScorePpm: number;
  /** Smallest stake a validator candidate must keep, in token base units. */
  minStake: bigint;
  /** Epochs a validator stays jailed after double-vote evidence. */
  jailEpochs: number;
  /** Share of stake burned on double-vote evidence, in basis points (0…10,000). */
  slashFractionBps: number;
  /**
   * Blocks unstaked tokens stay slashable before they return to the balance. 0 returns them at once
   * (what a genesis document that does not name it gets: it was written before unbonding existed).
   * Counted in blocks, not epochs, so it can be tuned apart from the epoch length; it should exceed
   * 2 × `epochLengthBlocks`, the longest unstaked tokens still back a validator's power.
   */
  unbondingBlocks: number;
  /** Reputation of a new validator, in ppm (0…1,000,000). */
  initialReputationPpm: number;
  /** Consensus step timeouts. */
  timeouts: TimeoutParams;
}

/** The ledger's view of a genesis: what every block and transaction check needs. */
export interface ChainConfig {
  chainId: string;
  /** The headquarters authority: the only sender of franchise register/update. */
  hqAuthority: Address;
  /** The compliance authority: the only sender of KYC attestations. */
  complianceAuthority: Address;
  params: ChainParams;
}

/** Defaults for a new chain (the dev genesis uses them). */
export const DEFAULT_PARAMS: ChainParams = {
  ...DEFAULT_LIMITS,
  minTxFee: 1_000n,
  epochLengthBlocks: 100,
  maxValidators: 100,
  minScorePpm: 100_000,
  minStake: 1_000_000n,
  jailEpochs: 10,
  slashFractionBps: 1_000,
  // Three epochs: unstaked tokens keep giving their validator power until the set chosen two epochs
  // ahead takes over (up to 2 epochs), and the third leaves evidence of an offence in that last
  // stretch a whole epoch to reach a block before the tokens return.
  unbondingBlocks: 300,
  initialReputationPpm: 500_000,
  timeouts: {
    proposeBaseMs: 1_000,
    proposeDeltaMs: 500,
    prevoteBaseMs: 500,
    prevoteDeltaMs: 250,
    precommitBaseMs: 500,
    precommitDeltaMs: 250,
    commitMs: 0,
  },
};

/** The epoch a height belongs to (height 1 is the first block of epoch 0). */
export function epochOf(height: number, params: Pick<ChainParams, 'epochLengthBlocks'>): number {
  return height <= 0 ? 0 : Math.floor((height - 1) / params.epochLengthBlocks);
}
