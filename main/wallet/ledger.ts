/**
 * What the wallet needs from the ledger and from the chain's transaction builder. Pure interfaces:
 * the node driver implements {@link WalletLedger} over its query service and mempool; the chain
 * module's signing and encoding (`main/chain/tx/`) backs {@link TransferTxCodec}.
 */
import type { Address, Hex } from '../chain/types';

/** One entry of an account's history, as the ledger's query service reports it. */
export interface LedgerTx {
  txHash: Hex;
  /** Block height; null while pending in the mempool. */
  height: number | null;
  /** Block time (ms since the epoch); null while pending. */
  timeMs: number | null;
  /** Transaction type as the chain names it (`transfer`, `record-sales`, `stake`, …). */
  type: string;
  from: Address;
  /** Receiver, when the type has one. */
  to: Address | null;
  /** Tokens moved to or from the account, in base units. */
  amount: bigint;
  fee: bigint;
  status: 'pending' | 'confirmed' | 'failed';
  /** Why a failed transaction failed (the chain's error code). */
  error?: string;
}

/** A page of history, newest first. */
export interface LedgerHistoryPage {
  items: LedgerTx[];
  /** Pass as `before` to get the next (older) page; null at the end. */
  nextCursor: string | null;
}

/** Chain facts a transfer needs. */
export interface LedgerParams {
  chainId: string;
  /** Minimum fee of a transaction, in base units. */
  minTxFee: bigint;
}

/**
 * The ledger as the wallet sees it. All-async: it may sit behind a worker or another process.
 *
 * @example const bal = await ledger.balance('0x…'); const { txHash } = await ledger.submit(bytes);
 */
export interface WalletLedger {
  params(): Promise<LedgerParams>;
  /** Spendable balance in base units (committed state). */
  balance(address: Address): Promise<bigint>;
  /** The next nonce to use for `address`, counting transactions already in the mempool. */
  nonce(address: Address): Promise<number>;
  /** History of `address`, newest first. */
  history(address: Address, opts: { limit: number; before?: string }): Promise<LedgerHistoryPage>;
  /** Submits an encoded, signed transaction to the mempool (and the network). Throws the chain's error when rejected. */
  submit(txBytes: Uint8Array): Promise<{ txHash: Hex }>;
}

/** A transfer to sign. */
export interface TransferParams {
  chainId: string;
  from: Address;
  to: Address;
  amount: bigint;
  fee: bigint;
  nonce: number;
}

/**
 * Builds, signs and encodes a transfer with the chain's transaction builder. The wallet passes the
 * sender's private key in; it never leaves the main process.
 */
export interface TransferTxCodec {
  signTransfer(params: TransferParams, privateKey: Uint8Array): { bytes: Uint8Array; txHash: Hex };
}
