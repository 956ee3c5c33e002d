/**
 * The application the simulated validators agree on, as the simulation sees it (`SimApp`). The real
 * ledger implements it in `ledger-app.ts`.
 */
import type { Address, Hash, ValidatorPower } from '../../chain/types';
import type { DoubleProposalEvidence } from '../../chain/proposal-evidence';
import type { DoubleVoteEvidence } from '../evidence';
import type { CommitInfo } from '../machine';

/** What a proposer puts in a block besides what the app chooses. */
export interface MakeBlockArgs {
  height: number;
  round: number;
  proposer: Address;
  timeMs: number;
  /** The +2/3 precommits of the previous block (null at height 1). */
  lastCommit: CommitInfo | null;
  /** Pending double-vote evidence to include. */
  evidence: readonly DoubleVoteEvidence[];
  /** Pending double-proposal evidence to include. */
  proposalEvidence?: readonly DoubleProposalEvidence[];
  /** Opaque transactions (the sim makes short strings). */
  txs: readonly string[];
}

/**
 * The application interface the simulation drives. `S` is the state after a height, `B` a block.
 * Implementations must be deterministic: equal states and blocks give equal results everywhere.
 */
export interface SimApp<S, B> {
  /** State before height 1. */
  genesis(): S;
  /** Height of the last block applied to `state` (0 for genesis). */
  heightOf(state: S): number;
  /** The validator set that decides `height` given the state after `height − 1`. */
  validatorSet(state: S, height: number): ValidatorPower[];
  makeBlock(state: S, args: MakeBlockArgs): B;
  blockHash(block: B): Hash;
  /** Height of a block (before validation). */
  blockHeight(block: B): number;
  /** null when `block` may follow `state`; else a reason. */
  validateBlock(state: S, block: B): string | null;
  /** The state after `block` (call only with a block that validated). */
  applyBlock(state: S, block: B): S;
  stateRoot(state: S): Hash;
  /** Evidence the block commits. */
  blockEvidence(block: B): readonly DoubleVoteEvidence[];
  /** True if evidence with this key is already committed in `state`. */
  evidenceCommitted(state: S, key: string): boolean;
  /** True if this double proposal is already punished in `state`. */
  proposalEvidenceCommitted(state: S, e: DoubleProposalEvidence): boolean;
}
