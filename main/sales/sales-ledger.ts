/**
 * What the sales need from the ledger node, declared here so this layer does not import the node
 * (`ChainAnchoring` implements it): the store's franchise, and carrying `record-sales` transactions
 * to the chain with a nonce that nothing else of this node's key takes at the same time.
 */
import type { Franchise, Sale } from '../chain/tx/types';

/** A `record-sales` transaction, signed and encoded: what the batcher keeps before it is sent. */
export interface SignedSalesTx {
  nonce: number;
  /** 0x hash of `bytes`. */
  txHash: string;
  bytes: Uint8Array;
}

/** What became of a transaction in a committed (final) block. */
export interface CommittedOutcome {
  ok: boolean;
  height: number;
  /** The chain's error code when it failed (e.g. `CURRENCY_MISMATCH`, `SALES_GAP`). */
  error: string | null;
}

export interface SalesLedger {
  /**
   * The franchise this store sells under, as the chain has it now (on the development chain the node
   * registers its own store first). Throws a typed error when the node cannot record sales at all.
   */
  storeFranchise(): Promise<Franchise>;
  /**
   * Signs a `record-sales` transaction of `batch` (its sales numbered from `firstSeq` in the
   * franchise's sequence) with the key's next nonce, hands it to `persist` (which must make it
   * durable, or reject to send nothing), then sends it. One at a time with the key's other transactions.
   */
  submitSales(
    batch: { firstSeq: number; sales: Sale[] },
    persist: (tx: SignedSalesTx) => Promise<void>,
  ): Promise<SignedSalesTx>;
  /** The number of the franchise's last sale a final block recorded (0 when none, or no franchise yet). */
  recordedThrough(): number;
  /** Sends an already signed transaction again (after a restart the mempool has forgotten it); refusals are ignored. */
  resubmit(bytes: Uint8Array): Promise<void>;
  /** The outcome of a transaction in a final block, or null while it is in none. */
  outcome(txHash: string): CommittedOutcome | null;
  /** The nonce the chain expects next from the store's key: a transaction with a lower one can never land. */
  committedNonce(): number;
  /** The store's royalty payments: its final transfers to the HQ authority, oldest first. */
  paymentsToHq(): RoyaltyPayment[];
}

/** A transfer of tokens from the store to HQ, in a final block. */
export interface RoyaltyPayment {
  txHash: string;
  timeMs: number;
  /** Token base units. */
  amount: bigint;
}
