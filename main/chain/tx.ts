/**
 * Transactions: types, canonical encoding, signing, stateless checks and a builder (pure).
 *
 * A transaction is `chainId, nonce, fee, sender, publicKey, payload, signature`. The sender's raw
 * 64-byte public key (x ‖ y) travels in the transaction and must hash to `sender` (keccak, last 20
 * bytes: no point decompression, which measured slower than an OpenSSL verify; the point is checked
 * to be on the curve and handed to the verifier compressed); the signature
 * is the 64-byte compact `r ‖ s` (low-S) over `keccak256("hotpot:tx:v1" ‖ encoding without the
 * signature)`. Carrying the key lets a node verify with plain ECDSA (OpenSSL through an injected
 * `SignatureVerifier`) instead of public-key recovery, which is the slow part; and omitting the
 * recovery byte keeps one valid encoding per transaction, since a verifier that does not recover
 * cannot check it (two verifiers must never disagree about a block).
 *
 * The transaction hash is keccak-256 of the whole encoding (signature included).
 */
import { CID } from 'multiformats/cid';
import { bytesEqual, fromHex, keccak256, toHex, utf8ToBytes } from './bytes';
import { KIND, type EncodingLimits, DEFAULT_LIMITS, Reader, Writer, decodeWith, writer } from './encoding';
import { ChainError } from './errors';
import {
  DOMAIN,
  compressRawPublicKey,
  getRawPublicKey,
  isCanonicalSignature,
  nobleVerifier,
  rawPublicKeyToAddress,
  signCompact,
  type SignatureCheck,
} from './keys';
import type { ChainConfig } from './params';
import type { Address, Hash, Hex } from './types';
import {
  type DoubleVoteEvidence,
  checkDoubleVoteEvidence,
  readEvidence,
  writeChainId,
  writeEvidence,
} from './vote';

/** Status of a franchise store. Only an active one may record sales or anchor media. */
export type FranchiseStatus = 'active' | 'inactive' | 'suspended';
const FRANCHISE_STATUSES: readonly FranchiseStatus[] = ['active', 'inactive', 'suspended'];

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
const KYC_STATUSES: readonly KycStatus[] = ['verified', 'revoked'];

/** Every transaction payload, by `type`. */
export type TxPayload =
  | { type: 'transfer'; to: Address; amount: bigint }
  | { type: 'stake'; amount: bigint; region: string }
  | { type: 'unstake'; amount: bigint }
  | { type: 'franchise-register'; franchise: Franchise }
  | { type: 'franchise-update'; franchise: Franchise }
  | { type: 'record-sales'; franchiseId: string; sales: Sale[] }
  | { type: 'anchor-media'; franchiseId: string; cameraId: string; segments: MediaSegment[] }
  | {
      type: 'kyc-attest';
      subject: Address;
      level: number;
      status: KycStatus;
      documentHash: Hash;
      expiresAtMs: number;
    }
  | { type: 'evidence'; evidence: DoubleVoteEvidence };

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
] as const satisfies readonly TxPayload['type'][];
/** A payload type name. */
export type TxType = (typeof TX_TYPES)[number];

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
const ID_RE = /^[A-Za-z0-9._-]{1,64}$/;
const CURRENCY_RE = /^[A-Z]{3}$/;
const RAW_CODEC = 0x55;
const MAX_SALE_MINOR = (1n << 64n) - 1n;
const MAX_TOKENS_PER_MINOR_UNIT = (1n << 64n) - 1n;
const SHA2_256 = 0x12;

function writeTokenomics(w: Writer, t: Tokenomics): void {
  w.string(t.currency, 3, 'currency')
    .amount(t.tokensPerMinorUnit, 'tokensPerMinorUnit')
    .uint(t.royaltyBps, 'royaltyBps')
    .uint(t.validatorRewardBps, 'validatorRewardBps');
}

function readTokenomics(r: Reader): Tokenomics {
  return {
    currency: r.string(3, 'currency'),
    tokensPerMinorUnit: r.amount('tokensPerMinorUnit'),
    royaltyBps: r.uint('royaltyBps'),
    validatorRewardBps: r.uint('validatorRewardBps'),
  };
}

/** Writes a franchise record (used by transactions and by state). */
export function writeFranchise(w: Writer, f: Franchise): void {
  w.string(f.id, TEXT_LIMITS.id, 'franchise id')
    .hex(f.owner, 20, 'owner')
    .u8(enumCode(FRANCHISE_STATUSES, f.status, 'status'));
  w.string(f.city, TEXT_LIMITS.name, 'city').string(f.region, TEXT_LIMITS.name, 'region');
  writeTokenomics(w, f.tokenomics);
}

/** Reads a franchise record. */
export function readFranchise(r: Reader): Franchise {
  const id = r.string(TEXT_LIMITS.id, 'franchise id');
  const owner = r.hex(20, 'owner');
  const status = FRANCHISE_STATUSES[r.enumCode(FRANCHISE_STATUSES.length, 'status')] as FranchiseStatus;
  const city = r.string(TEXT_LIMITS.name, 'city');
  const region = r.string(TEXT_LIMITS.name, 'region');
  return { id, owner, status, city, region, tokenomics: readTokenomics(r) };
}

function enumCode<T>(values: readonly T[], v: T, field: string): number {
  const i = values.indexOf(v);
  if (i < 0)
    throw new ChainError('MALFORMED', `${field} must be one of ${values.join(', ')}, got ${String(v)}`, {
      field,
    });
  return i;
}

function writePayload(w: Writer, p: TxPayload, limits: EncodingLimits): void {
  w.u8(enumCode(TX_TYPES, p.type, 'tx type'));
  switch (p.type) {
    case 'transfer':
      w.hex(p.to, 20, 'to').amount(p.amount);
      return;
    case 'stake':
      w.amount(p.amount).string(p.region, TEXT_LIMITS.name, 'region');
      return;
    case 'unstake':
      w.amount(p.amount);
      return;
    case 'franchise-register':
    case 'franchise-update':
      writeFranchise(w, p.franchise);
      return;
    case 'record-sales':
      w.string(p.franchiseId, TEXT_LIMITS.id, 'franchiseId');
      w.list(
        p.sales,
        limits.maxItems,
        (ww, s) => {
          ww.string(s.terminalId, TEXT_LIMITS.id, 'terminalId')
            .string(s.orderId, TEXT_LIMITS.orderId, 'orderId')
            .amount(s.amountMinor, 'amountMinor');
          ww.string(s.currency, 3, 'currency')
            .uint(s.timeMs, 'timeMs')
            .opt(s.customer, (w3, c) => w3.hex(c, 20, 'customer'));
        },
        'sales',
      );
      return;
    case 'anchor-media':
      w.string(p.franchiseId, TEXT_LIMITS.id, 'franchiseId').string(p.cameraId, TEXT_LIMITS.id, 'cameraId');
      w.list(
        p.segments,
        limits.maxItems,
        (ww, s) => ww.hex(s.sha256, 32, 'sha256').string(s.cid, TEXT_LIMITS.cid, 'cid'),
        'segments',
      );
      return;
    case 'kyc-attest':
      w.hex(p.subject, 20, 'subject')
        .u8(p.level)
        .u8(enumCode(KYC_STATUSES, p.status, 'kyc status'))
        .hex(p.documentHash, 32, 'documentHash')
        .uint(p.expiresAtMs, 'expiresAtMs');
      return;
    case 'evidence':
      writeEvidence(w, p.evidence);
      return;
  }
}

function readPayload(r: Reader, limits: EncodingLimits): TxPayload {
  const type = TX_TYPES[r.enumCode(TX_TYPES.length, 'tx type')] as TxType;
  switch (type) {
    case 'transfer':
      return { type, to: r.hex(20, 'to'), amount: r.amount() };
    case 'stake':
      return { type, amount: r.amount(), region: r.string(TEXT_LIMITS.name, 'region') };
    case 'unstake':
      return { type, amount: r.amount() };
    case 'franchise-register':
    case 'franchise-update':
      return { type, franchise: readFranchise(r) };
    case 'record-sales': {
      const franchiseId = r.string(TEXT_LIMITS.id, 'franchiseId');
      const sales = r.list(
        limits.maxItems,
        (rr) => ({
          terminalId: rr.string(TEXT_LIMITS.id, 'terminalId'),
          orderId: rr.string(TEXT_LIMITS.orderId, 'orderId'),
          amountMinor: rr.amount('amountMinor'),
          currency: rr.string(3, 'currency'),
          timeMs: rr.uint('timeMs'),
          customer: rr.opt((r3) => r3.hex(20, 'customer'), 'customer marker'),
        }),
        'sales',
      );
      return { type, franchiseId, sales };
    }
    case 'anchor-media': {
      const franchiseId = r.string(TEXT_LIMITS.id, 'franchiseId');
      const cameraId = r.string(TEXT_LIMITS.id, 'cameraId');
      const segments = r.list(
        limits.maxItems,
        (rr) => ({ sha256: rr.hex(32, 'sha256'), cid: rr.string(TEXT_LIMITS.cid, 'cid') }),
        'segments',
      );
      return { type, franchiseId, cameraId, segments };
    }
    case 'kyc-attest':
      return {
        type,
        subject: r.hex(20, 'subject'),
        level: r.u8('level'),
        status: KYC_STATUSES[r.enumCode(KYC_STATUSES.length, 'kyc status')] as KycStatus,
        documentHash: r.hex(32, 'documentHash'),
        expiresAtMs: r.uint('expiresAtMs'),
      };
    case 'evidence':
      return { type, evidence: readEvidence(r) };
  }
}

function writeUnsigned(tx: UnsignedTx, limits: EncodingLimits): Writer {
  const w = writer(KIND.tx);
  writeChainId(w, tx.chainId);
  w.uint(tx.nonce, 'nonce')
    .amount(tx.fee, 'fee')
    .hex(tx.sender, 20, 'sender')
    .hex(tx.publicKey, 64, 'publicKey');
  writePayload(w, tx.payload, limits);
  return w;
}

/** Canonical encoding of a signed transaction. Throws `TX_TOO_LARGE` past `limits.maxTxBytes`. */
export function encodeTx(tx: Tx, limits: EncodingLimits = DEFAULT_LIMITS): Uint8Array {
  const bytes = writeUnsigned(tx, limits).hex(tx.signature, 64, 'signature').finish();
  if (bytes.length > limits.maxTxBytes) {
    throw new ChainError(
      'TX_TOO_LARGE',
      `the transaction is ${bytes.length} bytes; at most ${limits.maxTxBytes} are allowed (split the batch)`,
      { bytes: bytes.length, max: limits.maxTxBytes },
    );
  }
  return bytes;
}

/**
 * Decodes a transaction. The size limit is checked first, then the encoding is read strictly
 * (`MALFORMED`, `NON_CANONICAL`, `TOO_MANY_ITEMS`, `UNSUPPORTED_VERSION`). Does not verify the signature.
 */
export function decodeTx(bytes: Uint8Array, limits: EncodingLimits = DEFAULT_LIMITS): Tx {
  if (bytes.length > limits.maxTxBytes) {
    throw new ChainError(
      'TX_TOO_LARGE',
      `the transaction is ${bytes.length} bytes; at most ${limits.maxTxBytes} are allowed`,
      { bytes: bytes.length, max: limits.maxTxBytes },
    );
  }
  return decodeWith(bytes, KIND.tx, 'transaction', (r) => {
    const chainId = r.string(64, 'chainId');
    const nonce = r.uint('nonce');
    const fee = r.amount('fee');
    const sender = r.hex(20, 'sender');
    const publicKey = r.hex(64, 'publicKey');
    const payload = readPayload(r, limits);
    const signature = r.hex(64, 'signature');
    return { chainId, nonce, fee, sender, publicKey, payload, signature };
  });
}

/** The hash that is signed: keccak256("hotpot:tx:v1" ‖ encoding without the signature). */
export function txSigningHash(tx: UnsignedTx, limits: EncodingLimits = DEFAULT_LIMITS): Uint8Array {
  return keccak256(utf8ToBytes(DOMAIN.tx), writeUnsigned(tx, limits).finish());
}

/** The transaction hash (its id): keccak-256 of the whole encoding. */
export function txHash(tx: Tx, limits: EncodingLimits = DEFAULT_LIMITS): Hash {
  return toHex(keccak256(encodeTx(tx, limits)));
}

/** The hash of an already-encoded transaction. */
export function txHashOfBytes(bytes: Uint8Array): Hash {
  return toHex(keccak256(bytes));
}

/**
 * Signs a transaction; `sender` and `publicKey` come from the key.
 *
 * @example const tx = signTx({ chainId, nonce: 0, fee: 1000n, payload: { type: 'transfer', to, amount: 5n } }, key);
 */
export function signTx(
  fields: Omit<UnsignedTx, 'sender' | 'publicKey'>,
  privateKey: Uint8Array,
  limits: EncodingLimits = DEFAULT_LIMITS,
): Tx {
  const pub = getRawPublicKey(privateKey);
  const unsigned: UnsignedTx = { ...fields, sender: rawPublicKeyToAddress(pub), publicKey: toHex(pub) };
  const signature = toHex(signCompact(txSigningHash(unsigned, limits), privateKey));
  return { ...unsigned, signature };
}

/** How signatures are checked: the verifier (noble by default) and an optional cache of verified tx hashes. */
export interface VerifyOptions extends SignatureCheck {
  limits?: EncodingLimits;
}

/**
 * Verifies a transaction's signature: canonical r ‖ s, the public key hashes to the sender, and the
 * signature verifies under it. With a cache, a tx hash verified before is accepted without work.
 * `bytes` may pass the encoding when the caller already has it. Throws `BAD_SIGNATURE`.
 */
export function verifyTxSignature(
  tx: Tx,
  opts: VerifyOptions = {},
  bytes?: Uint8Array,
  /** `txHashOfBytes(bytes)` when the caller already has it. */
  knownHash?: Hash,
): void {
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const enc = bytes ?? encodeTx(tx, limits);
  const key = opts.cache ? `t:${bytes && knownHash ? knownHash : txHashOfBytes(enc)}` : '';
  if (opts.cache?.has(key)) return;
  const sig = fromHex(tx.signature, 64, 'signature');
  if (!isCanonicalSignature(sig))
    throw new ChainError(
      'BAD_SIGNATURE',
      'the transaction signature is not canonical (need 1 ≤ r < n and low s)',
    );
  const pub = fromHex(tx.publicKey, 64, 'publicKey');
  let compressed: Uint8Array;
  try {
    compressed = compressRawPublicKey(pub);
  } catch {
    throw new ChainError('BAD_SIGNATURE', 'the transaction public key is not a point on secp256k1');
  }
  const owner = rawPublicKeyToAddress(pub);
  if (owner !== tx.sender)
    throw new ChainError(
      'BAD_SIGNATURE',
      `the transaction public key belongs to ${owner}, not to the sender ${tx.sender}`,
      { sender: tx.sender, keyOwner: owner },
    );
  const hash = keccak256(utf8ToBytes(DOMAIN.tx), enc.subarray(0, enc.length - 64));
  const verifier = opts.verifier ?? nobleVerifier;
  if (!verifier.verify(sig, hash, compressed))
    throw new ChainError(
      'BAD_SIGNATURE',
      `the transaction signature does not verify for sender ${tx.sender}`,
      { sender: tx.sender },
    );
  opts.cache?.add(key);
}

/**
 * Checks everything about a transaction that does not depend on state: chain id, fee, the sender's
 * authority for HQ/compliance transactions, payload fields, evidence, and the signature.
 * Throws the first problem as a `ChainError` (`WRONG_CHAIN`, `FEE_TOO_LOW`, `UNAUTHORIZED`,
 * `MALFORMED`, `BAD_EVIDENCE`, `BAD_SIGNATURE`, …). A block containing a tx that fails this is invalid.
 */
export function checkTxStateless(
  tx: Tx,
  config: ChainConfig,
  opts: VerifyOptions = {},
  bytes?: Uint8Array,
  /** `txHashOfBytes(bytes)` when the caller already has it. */
  hash?: Hash,
): void {
  if (tx.chainId !== config.chainId) {
    throw new ChainError(
      'WRONG_CHAIN',
      `the transaction is for chain ${JSON.stringify(tx.chainId)}, this is ${JSON.stringify(config.chainId)}`,
      { expected: config.chainId, got: tx.chainId },
    );
  }
  if (tx.fee < config.params.minTxFee) {
    throw new ChainError('FEE_TOO_LOW', `the fee ${tx.fee} is below the minimum ${config.params.minTxFee}`, {
      min: config.params.minTxFee.toString(),
      got: tx.fee.toString(),
    });
  }
  checkAuthority(tx, config);
  checkPayloadFields(tx.payload, config, opts);
  verifyTxSignature(tx, { ...opts, limits: opts.limits ?? config.params }, bytes, hash);
}

function checkAuthority(tx: Tx, config: ChainConfig): void {
  const t = tx.payload.type;
  if ((t === 'franchise-register' || t === 'franchise-update') && tx.sender !== config.hqAuthority) {
    throw new ChainError(
      'UNAUTHORIZED',
      `only the HQ authority ${config.hqAuthority} may ${t === 'franchise-register' ? 'register' : 'update'} franchises; ${tx.sender} may not`,
      { sender: tx.sender },
    );
  }
  if (t === 'kyc-attest' && tx.sender !== config.complianceAuthority) {
    throw new ChainError(
      'UNAUTHORIZED',
      `only the compliance authority ${config.complianceAuthority} may attest KYC; ${tx.sender} may not`,
      { sender: tx.sender },
    );
  }
}

function malformed(msg: string, data: Record<string, unknown> = {}): never {
  throw new ChainError('MALFORMED', msg, data);
}

function positive(amount: bigint, field: string): void {
  if (amount <= 0n) malformed(`${field} must be greater than zero`, { field });
}

function checkText(value: string, field: string, maxBytes: number): void {
  const n = utf8ToBytes(value).length;
  if (n < 1 || n > maxBytes) malformed(`${field} must be 1–${maxBytes} bytes, got ${n}`, { field });
}

/** Checks a franchise's fields (id, text, tokenomics shares). Throws `MALFORMED`. */
export function checkFranchiseFields(f: Franchise): void {
  if (!ID_RE.test(f.id))
    malformed(`franchise id must be 1–64 of A-Z a-z 0-9 . _ -, got ${JSON.stringify(f.id)}`);
  checkText(f.city, 'city', TEXT_LIMITS.name);
  checkText(f.region, 'region', TEXT_LIMITS.name);
  const t = f.tokenomics;
  // Bounded so that minting (amount × rate, summed over a block) can never overflow 2^256.
  if (t.tokensPerMinorUnit > MAX_TOKENS_PER_MINOR_UNIT)
    malformed('tokensPerMinorUnit must be at most 2^64 - 1');
  if (!CURRENCY_RE.test(t.currency))
    malformed(`currency must be an ISO 4217 code like USD, got ${JSON.stringify(t.currency)}`);
  if (
    t.royaltyBps > 10_000 ||
    t.validatorRewardBps > 10_000 ||
    t.royaltyBps + t.validatorRewardBps > 10_000
  ) {
    malformed(
      `royaltyBps + validatorRewardBps must be at most 10000 (100%), got ${t.royaltyBps} + ${t.validatorRewardBps}`,
    );
  }
}

/** Checks a CIDv1 string: canonical base32, raw codec, sha2-256 multihash equal to `sha256`. */
export function checkSegmentCid(segment: MediaSegment): void {
  let cid: CID;
  try {
    cid = CID.parse(segment.cid);
  } catch {
    return malformed(`cid ${JSON.stringify(segment.cid)} is not a CID`);
  }
  if (cid.version !== 1 || cid.code !== RAW_CODEC || cid.multihash.code !== SHA2_256) {
    malformed(`cid ${segment.cid} must be CIDv1 with the raw codec and a sha2-256 multihash`);
  }
  if (cid.toString() !== segment.cid)
    malformed(`cid ${segment.cid} is not in canonical base32 form (${cid.toString()})`);
  if (!bytesEqual(cid.multihash.digest, fromHex(segment.sha256, 32, 'sha256')))
    malformed(`cid ${segment.cid} does not carry the segment's sha256 ${segment.sha256}`);
}

function checkPayloadFields(p: TxPayload, config: ChainConfig, opts: VerifyOptions): void {
  switch (p.type) {
    case 'transfer':
    case 'unstake':
      positive(p.amount, 'amount');
      return;
    case 'stake':
      positive(p.amount, 'amount');
      checkText(p.region, 'region', TEXT_LIMITS.name);
      return;
    case 'franchise-register':
    case 'franchise-update':
      checkFranchiseFields(p.franchise);
      return;
    case 'record-sales': {
      if (!ID_RE.test(p.franchiseId))
        malformed(`franchiseId ${JSON.stringify(p.franchiseId)} is not a franchise id`);
      if (p.sales.length === 0) malformed('a sales batch needs at least one sale');
      const seen = new Set<string>();
      p.sales.forEach((s, i) => {
        checkText(s.terminalId, `sales[${i}].terminalId`, TEXT_LIMITS.id);
        checkText(s.orderId, `sales[${i}].orderId`, TEXT_LIMITS.orderId);
        positive(s.amountMinor, `sales[${i}].amountMinor`);
        if (s.amountMinor > MAX_SALE_MINOR) malformed(`sales[${i}].amountMinor must be at most 2^64 - 1`);
        if (!CURRENCY_RE.test(s.currency))
          malformed(`sales[${i}].currency must be an ISO 4217 code, got ${JSON.stringify(s.currency)}`);
        const k = `${s.terminalId}\u0000${s.orderId}`;
        if (seen.has(k))
          malformed(`sales[${i}] repeats terminal ${s.terminalId} order ${s.orderId} within the batch`);
        seen.add(k);
      });
      return;
    }
    case 'anchor-media': {
      if (!ID_RE.test(p.franchiseId))
        malformed(`franchiseId ${JSON.stringify(p.franchiseId)} is not a franchise id`);
      checkText(p.cameraId, 'cameraId', TEXT_LIMITS.id);
      if (p.segments.length === 0) malformed('an anchor batch needs at least one segment');
      const seen = new Set<string>();
      for (const s of p.segments) {
        checkSegmentCid(s);
        if (seen.has(s.sha256)) malformed(`segment ${s.sha256} appears twice in the batch`);
        seen.add(s.sha256);
      }
      return;
    }
    case 'kyc-attest':
      if (p.level > 3) malformed(`KYC level must be 0–3, got ${p.level}`);
      return;
    case 'evidence':
      checkDoubleVoteEvidence(config.chainId, p.evidence.a, p.evidence.b, opts);
      return;
  }
}

/**
 * Makes and signs each kind of transaction for one key. Used by the CLI, the wallet, tests and benches.
 *
 * @example
 * const b = new TxBuilder({ chainId: 'hotpot-dev', privateKey, fee: 1000n });
 * const tx = b.transfer(0, { to: '0x…', amount: 10n });
 */
export class TxBuilder {
  /** The sender address of every tx this builder makes. */
  readonly address: Address;

  constructor(
    private readonly opts: { chainId: string; privateKey: Uint8Array; fee: bigint; limits?: EncodingLimits },
  ) {
    this.address = rawPublicKeyToAddress(getRawPublicKey(opts.privateKey));
  }

  /** Signs any payload at `nonce`. */
  sign(nonce: number, payload: TxPayload): Tx {
    return signTx(
      { chainId: this.opts.chainId, nonce, fee: this.opts.fee, payload },
      this.opts.privateKey,
      this.opts.limits,
    );
  }

  transfer(nonce: number, p: { to: Address; amount: bigint }): Tx {
    return this.sign(nonce, { type: 'transfer', ...p });
  }

  stake(nonce: number, p: { amount: bigint; region: string }): Tx {
    return this.sign(nonce, { type: 'stake', ...p });
  }

  unstake(nonce: number, p: { amount: bigint }): Tx {
    return this.sign(nonce, { type: 'unstake', ...p });
  }

  registerFranchise(nonce: number, franchise: Franchise): Tx {
    return this.sign(nonce, { type: 'franchise-register', franchise });
  }

  updateFranchise(nonce: number, franchise: Franchise): Tx {
    return this.sign(nonce, { type: 'franchise-update', franchise });
  }

  recordSales(nonce: number, p: { franchiseId: string; sales: Sale[] }): Tx {
    return this.sign(nonce, { type: 'record-sales', ...p });
  }

  anchorMedia(nonce: number, p: { franchiseId: string; cameraId: string; segments: MediaSegment[] }): Tx {
    return this.sign(nonce, { type: 'anchor-media', ...p });
  }

  attestKyc(
    nonce: number,
    p: { subject: Address; level: number; status: KycStatus; documentHash: Hash; expiresAtMs: number },
  ): Tx {
    return this.sign(nonce, { type: 'kyc-attest', ...p });
  }

  submitEvidence(nonce: number, evidence: DoubleVoteEvidence): Tx {
    return this.sign(nonce, { type: 'evidence', evidence });
  }
}
