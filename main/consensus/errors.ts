import { AppError } from '../common/errors';

/** What went wrong in consensus code. */
export type ConsensusErrorCode =
  /** A parameter (weights, epoch length, set size, timeouts, reputation constants) is out of range. */
  | 'INVALID_PARAMS'
  /** An input to the round state machine does not fit its state (wrong height, unknown validator). */
  | 'INVALID_INPUT'
  /** The validator set is empty or has a non-positive / non-integer voting power. */
  | 'INVALID_VALIDATOR_SET'
  /** The signer refused: it already signed a different value for this (height, round, step) or a later one. */
  | 'DOUBLE_SIGN_REFUSED'
  /** A signature does not verify or does not belong to the claimed validator. */
  | 'BAD_SIGNATURE'
  /** Two votes do not form valid double-vote evidence. */
  | 'INVALID_EVIDENCE';

/**
 * Errors of `main/consensus`. Branch on `code`.
 *
 * @example
 * throw new ConsensusError('INVALID_PARAMS', 'epochLengthBlocks must be an integer ≥ 1, got 0', { epochLengthBlocks: 0 });
 */
export class ConsensusError extends AppError<ConsensusErrorCode> {
  override readonly name = 'ConsensusError';
}
