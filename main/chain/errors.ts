import { AppError } from '../common/errors';

/**
 * Every way the ledger refuses something. Receipts of failed transactions carry one of these codes,
 * and so does every error thrown by decoding, verification, block application and genesis checks.
 */
export type ChainErrorCode =
  /** A transaction's encoding is larger than `maxTxBytes`. */
  | 'TX_TOO_LARGE'
  /** A block's encoding is larger than `maxBlockBytes`. */
  | 'BLOCK_TOO_LARGE'
  /** A list (txs, sales, segments, signatures, evidence) has more items than allowed. */
  | 'TOO_MANY_ITEMS'
  /** Bytes or fields that do not form a valid value (truncated, wrong kind, bad field). */
  | 'MALFORMED'
  /** A value with more than one encoding was given in a non-canonical form. */
  | 'NON_CANONICAL'
  /** An encoding version this node does not know. */
  | 'UNSUPPORTED_VERSION'
  /** A text address that is not 20 bytes of hex. */
  | 'BAD_ADDRESS'
  /** A mixed-case address whose EIP-55 checksum does not match. */
  | 'BAD_CHECKSUM'
  /** A private or public key that is not a valid secp256k1 key. */
  | 'BAD_KEY'
  /** A signature that does not verify, is malformed, or is high-S. */
  | 'BAD_SIGNATURE'
  /** A keccak-256 implementation offered to `useKeccak256` that does not give noble's answers. */
  | 'BAD_KECCAK'
  /** A transaction, vote or block made for another chain id. */
  | 'WRONG_CHAIN'
  /** A nonce other than the sender's next nonce (replay or gap). */
  | 'BAD_NONCE'
  /** A fee below the genesis minimum. */
  | 'FEE_TOO_LOW'
  /** The sender may not do this (not the HQ authority, the compliance authority or the store owner). */
  | 'UNAUTHORIZED'
  /** The balance does not cover the fee plus the amount. */
  | 'INSUFFICIENT_FUNDS'
  /** The stake does not cover the amount to unstake. */
  | 'INSUFFICIENT_STAKE'
  /** No franchise with that id. */
  | 'UNKNOWN_FRANCHISE'
  /** A franchise with that id is already registered. */
  | 'FRANCHISE_EXISTS'
  /** The franchise is not active (inactive or suspended). */
  | 'FRANCHISE_INACTIVE'
  /** The sale's currency is not the franchise's currency. */
  | 'CURRENCY_MISMATCH'
  /** A sales batch repeats sale numbers the franchise already recorded. */
  | 'DUPLICATE_ORDER'
  /** A sales batch does not start right after the franchise's last recorded sale. */
  | 'SALES_GAP'
  /** The media segment hash was anchored before. */
  | 'DUPLICATE_ANCHOR'
  /** An audit-log head whose sequence number is not above the franchise's last anchored one. */
  | 'STALE_AUDIT_ANCHOR'
  /** Evidence that does not prove a double vote. */
  | 'BAD_EVIDENCE'
  /** Evidence for that double vote was already applied. */
  | 'DUPLICATE_EVIDENCE'
  /** An address that is not a validator where one is required. */
  | 'UNKNOWN_VALIDATOR'
  /** The validator is jailed and may not do this until its jail ends. */
  | 'VALIDATOR_JAILED'
  /** A block that does not follow its parent or does not match its own header. */
  | 'BAD_BLOCK'
  /** A commit without more than 2/3 of the voting power, or with a bad signature. */
  | 'BAD_COMMIT'
  /** A genesis document that is not valid. */
  | 'BAD_GENESIS'
  /** The state store is missing data it must have (corrupt or wrong store). */
  | 'STATE_CORRUPT'
  /** A header that does not follow the last verified one (height, previous hash, or the trusted hash). */
  | 'LIGHT_BAD_LINK'
  /** A header whose commit is not by more than 2/3 of its epoch's validator set, or not for it. */
  | 'LIGHT_BAD_COMMIT'
  /** A header of an epoch whose validator set is not known (no proof of it came before). */
  | 'LIGHT_UNKNOWN_SET'
  /** A validator set whose proof does not match the verified state root it claims. */
  | 'LIGHT_BAD_PROOF'
  /** A state snapshot chunk that is not the one its manifest names, or holds keys out of order. */
  | 'SNAPSHOT_BAD_CHUNK'
  /** A restored state snapshot whose entries do not make the state root its manifest names. */
  | 'SNAPSHOT_BAD_ROOT';

/**
 * The chain module's error. `data` holds the fields that explain it (expected/actual, index, …).
 *
 * @example
 * throw new ChainError('BAD_NONCE', 'nonce 3 was already used by 0xab…; the next nonce is 4', { expected: 4, got: 3 });
 */
export class ChainError extends AppError<ChainErrorCode> {
  override readonly name = 'ChainError';
}
