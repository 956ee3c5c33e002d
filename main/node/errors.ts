import { AppError } from '../common/errors';

/** Every way the node driver (`main/node/`) refuses something or fails. */
export type NodeErrorCode =
  /** The transaction is already in the mempool (or was just committed). */
  | 'DUPLICATE_TX'
  /** The sender has a pending transaction with this nonce already. */
  | 'NONCE_TAKEN'
  /** The nonce is beyond the sender's next one (a transaction in between is missing). */
  | 'NONCE_GAP'
  /** The mempool is full and the transaction does not pay more than what is in it. */
  | 'MEMPOOL_FULL'
  /** The sender has too many pending transactions. */
  | 'SENDER_LIMIT'
  /** The ledger database holds no chain, or a different one than the genesis file. */
  | 'NOT_INITIALIZED'
  /** The data dir holds a genesis or key file that cannot be used. */
  | 'BAD_DATA_DIR'
  /** The validator key file is missing, damaged or locked with another password. */
  | 'VALIDATOR_KEY'
  /** No password is available to unlock the validator key. */
  | 'NO_PASSWORD'
  /** No block at that height or with that hash. */
  | 'BLOCK_NOT_FOUND'
  /** No transaction with that hash. */
  | 'TX_NOT_FOUND'
  /** The address never appeared on the chain. */
  | 'ACCOUNT_NOT_FOUND'
  /** The ledger database could not be written or read. */
  | 'STORE_FAILED'
  /** The signer state forbids signing (it would contradict an earlier signature). */
  | 'SIGNER_REFUSED'
  /** The node is not running (call start first) or is stopping. */
  | 'NOT_RUNNING'
  /** A transaction was not committed in time. */
  | 'TIMEOUT'
  /** A peer sent blocks that do not verify. */
  | 'SYNC_FAILED'
  /** Media anchoring cannot work with this configuration (no franchise, not its owner). */
  | 'ANCHOR_UNAVAILABLE'
  /** No franchise with that id is registered on the chain. */
  | 'FRANCHISE_NOT_FOUND'
  /** A franchise with that id is registered already (update it instead). */
  | 'FRANCHISE_CONFLICT'
  /** Registering or updating franchises needs the HQ authority's key, and this node does not hold it. */
  | 'NOT_HQ_AUTHORITY'
  /** The chain refused a franchise transaction, or committed it as failed (`data.chainCode` says why). */
  | 'FRANCHISE_TX_FAILED'
  /** Bad command-line usage or arguments. */
  | 'BAD_ARGUMENT';

/**
 * The node driver's error. Chain-rule rejections are thrown as the chain's own `ChainError` (its code
 * says which rule); this one covers what the mempool, store, key handling and service add.
 *
 * @example throw new NodeError('NONCE_GAP', 'nonce 7 of 0xab… is ahead: the next nonce is 5 (send 5 and 6 first)', { expected: 5, got: 7 });
 */
export class NodeError extends AppError<NodeErrorCode> {
  override readonly name = 'NodeError';
}
