/**
 * What applying a block or a transaction is given (`ApplyContext`) and what it carries along while
 * it runs (`BlockAcc`, the block's running totals) (pure).
 */
import type { ChainConfig } from '../params';
import type { VerifyOptions } from '../tx/signing';
import type { Address } from '../types';
import { type ConsensusHooks, DEFAULT_HOOKS } from './consensus-hooks';

/** Inputs of block application besides the state and the block. */
export interface ApplyContext {
  config: ChainConfig;
  /** Signature verifier and cache (noble and no cache by default). */
  verify?: VerifyOptions;
  /** Consensus rules for reputation and validator selection. */
  hooks?: Partial<ConsensusHooks>;
}

/**
 * The block being applied and its running totals: what its transactions and evidence minted and
 * burned, the fees and the validators' sales reward it collected, and whom it slashed.
 */
export interface BlockAcc {
  height: number;
  /** The block's time (at mempool admission: the last block's, an estimate). */
  timeMs: number;
  epoch: number;
  proposer: Address;
  minted: bigint;
  burned: bigint;
  fees: bigint;
  reward: bigint;
  slashed: Address[];
}

/** The consensus hooks of `ctx`, each missing one filled from `DEFAULT_HOOKS`. */
export function hooksOf(ctx: ApplyContext): ConsensusHooks {
  return { ...DEFAULT_HOOKS, ...ctx.hooks };
}
