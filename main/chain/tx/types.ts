/**
 * What a transaction is: its payload types, the unsigned and signed forms, and the text limits of
 * its fields (pure). The encoding is in `codec.ts`, signing in `signing.ts`, the checks that need no
 * state in `stateless-checks.ts`, and a builder per key in `builder.ts`.
 *
 * A transaction is `chainId, nonce, fee, sender, publicKey, payload, signature`.
 */
import type { Address, Hash, Hex } from '../types';
import type { DoubleProposalEvidence } from '../proposal-evidence';
import type { DoubleVoteEvidence } from '../vote';

/** Status of a franchise store. Only an active one may record sales or anchor media or its audit log. */
export type FranchiseStatus = 'active' | 'inactive' | 'suspended';

/** How a franchise's sales mint tokens. */
export interface Tokenomics {
  /** ISO 4217 code of the currency the store sells in (sales in another currency are refused). */
  currency: string;
  /** Token base units minted per minor currency unit of a sale (e.g. per cent). */
  tokensPerMinorUnit: bigint;
  /** Share of the minted tokens paid to the HQ authority, basis points. */
  royaltyBps: number;
  /** Share of the minted tokens paid to the block's proposer (the validators' reward), basis points. */
  validatorRewardBps: number;
}

/** A franchise store as registered by HQ. */
export interface Franchise {
  /** Stable id, 1–64 of `[A-Za-z0-9._-]`. */
  id: string;
  /** The store's address: the only sender of its sales and media anchors. */
  owner: Address;
  status: FranchiseStatus;
  city: string;
  region: string;
  tokenomics: Tokenomics;
}

/** One POS sale. The customer's part of the minted tokens is paid only when `customer` is given. */
export interface Sale {
  terminalId: string;
  orderId: string;
  /** Amount in minor currency units (cents), > 0. */
  amountMinor: bigint;
  currency: string;
  /** Time of the sale, ms since the Unix epoch (as the POS reports it). */
  timeMs: number;
  customer: Address | null;
}

/** One closed recording segment. `cid` is the CIDv1 (raw codec, sha2-256) of the same bytes as `sha256`. */
export interface MediaSegment {
  sha256: Hash;
  cid: string;
}

/** KYC attestation status. */
export type KycStatus = 'verified' | 'revoked';

/** Every transaction payload, by `type`. */
export type TxPayload =
  | { type: 'transfer'; to: Address; amount: bigint }
  | { type: 'stake'; amount: bigint; region: string }
  | { type: 'unstake'; amount: bigint }
  | { type: 'franchise-register'; franchise: Franchise }
  | { type: 'franchise-update'; franchise: Franchise }
  | {
      type: 'record-sales';
      franchiseId: string;
      /**
       * The store's sequence number of `sales[0]`; `sales[i]` is number `firstSeq + i`. A franchise's
       * sales are recorded in one unbroken sequence from 1: each batch starts right after the last.
       */
      firstSeq: number;
      sales: Sale[];
    }
  | { type: 'anchor-media'; franchiseId: string; cameraId: string; segments: MediaSegment[] }
  | {
      type: 'kyc-attest';
      subject: Address;
      level: number;
      status: KycStatus;
      documentHash: Hash;
      expiresAtMs: number;
    }
  | { type: 'evidence'; evidence: DoubleVoteEvidence }
  | { type: 'anchor-audit'; franchiseId: string; seq: number; hash: Hash }
  | { type: 'proposal-evidence'; evidence: DoubleProposalEvidence }
  | {
      type: 'peer-register';
      /** A libp2p peer id (`PEER_ID_RE`) of a franchise node. */
      peerId: string;
      /** True: the peer may connect to the chain's nodes; false: not any more (unless genesis lists it). */
      active: boolean;
    };

/** The payload type names, in their encoding order (the index is the type code). */
export const TX_TYPES = [
  'transfer',
  'stake',
  'unstake',
  'franchise-register',
  'franchise-update',
  'record-sales',
  'anchor-media',
  'kyc-attest',
  'evidence',
  // Appended, never inserted: the index is the type code, and earlier codes stay what they were.
  'anchor-audit',
  'proposal-evidence',
  'peer-register',
] as const satisfies readonly TxPayload['type'][];
/** A payload type name. */
export type TxType = (typeof TX_TYPES)[number];
/** The payload of type `T`, e.g. `PayloadOf<'transfer'>` is `{ type: 'transfer'; to; amount }`. */
export type PayloadOf<T extends TxType> = Extract<TxPayload, { type: T }>;

/** A transaction before signing. */
export interface UnsignedTx {
  chainId: string;
  /** The sender's next nonce (0 for a new account). */
  nonce: number;
  /** Fee in token base units, at least the genesis `minTxFee`. */
  fee: bigint;
  sender: Address;
  /** Raw 64-byte secp256k1 public key (x ‖ y, uncompressed without 0x04) of `sender`. */
  publicKey: Hex;
  payload: TxPayload;
}

/** A signed transaction. */
export interface Tx extends UnsignedTx {
  /** 64-byte compact signature r ‖ s (low-S). */
  signature: Hex;
}

/** Length limits of text fields, in UTF-8 bytes. */
export const TEXT_LIMITS = { id: 64, name: 64, orderId: 128, cid: 128 } as const;
