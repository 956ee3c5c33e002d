/**
 * Is a transaction valid without looking at state? Chain id, fee, the sender's authority for
 * HQ/compliance transactions, each payload's fields, evidence, and the signature (pure). A block
 * holding a transaction that fails these is invalid.
 */
import { checkDoubleProposalEvidence } from '../proposal-evidence';
import { CID } from 'multiformats/cid';
import { bytesEqual, fromHex, utf8ToBytes } from '../bytes';
import { ChainError } from '../errors';
import { isPeerId } from '../peer-id';
import type { ChainConfig } from '../params';
import type { Hash } from '../types';
import { checkDoubleVoteEvidence } from '../vote';
import { type VerifyOptions, verifyTxSignature } from './signing';
import { type Franchise, type MediaSegment, TEXT_LIMITS, type Tx, type TxPayload } from './types';

const ID_RE = /^[A-Za-z0-9._-]{1,64}$/;
const CURRENCY_RE = /^[A-Z]{3}$/;
const RAW_CODEC = 0x55;
const MAX_SALE_MINOR = (1n << 64n) - 1n;
/** The highest sale sequence number (a safe integer). */
const MAX_SEQ = Number.MAX_SAFE_INTEGER;
const MAX_TOKENS_PER_MINOR_UNIT = (1n << 64n) - 1n;
const SHA2_256 = 0x12;
const HASH_RE = /^0x[0-9a-f]{64}$/;

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
  if (t === 'peer-register' && tx.sender !== config.hqAuthority) {
    throw new ChainError(
      'UNAUTHORIZED',
      `only the HQ authority ${config.hqAuthority} may register peers; ${tx.sender} may not`,
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
  // A UTF-16 unit is 1–3 bytes of UTF-8 (a surrogate pair, 2 units, is 4): most texts need no encoding.
  if (value.length >= 1 && value.length * 3 <= maxBytes) return;
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
      if (!Number.isSafeInteger(p.firstSeq) || p.firstSeq < 1 || p.firstSeq + p.sales.length - 1 > MAX_SEQ)
        malformed(`firstSeq must be a whole number from 1 with room for the batch, got ${p.firstSeq}`);
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
    case 'proposal-evidence':
      checkDoubleProposalEvidence(config.chainId, p.evidence, opts);
      return;
    case 'anchor-audit':
      checkAuditAnchorFields(p);
      return;
    case 'peer-register':
      if (!isPeerId(p.peerId))
        malformed(
          `peerId ${JSON.stringify(p.peerId)} is not a libp2p peer id (base58btc, like "12D3KooW…")`,
          {
            field: 'peerId',
          },
        );
      return;
  }
}

/** Checks an audit-log head to anchor: franchise id, sequence number 1…2^53 - 1, 32-byte lowercase hash. Throws `MALFORMED`. */
export function checkAuditAnchorFields(p: { franchiseId: string; seq: number; hash: string }): void {
  if (!ID_RE.test(p.franchiseId))
    malformed(`franchiseId ${JSON.stringify(p.franchiseId)} is not a franchise id`);
  if (!Number.isSafeInteger(p.seq) || p.seq < 1)
    malformed(`seq must be an integer from 1 to 2^53 - 1 (the audit entry's number), got ${p.seq}`, {
      field: 'seq',
    });
  if (typeof p.hash !== 'string' || !HASH_RE.test(p.hash))
    malformed(
      `hash must be 32 bytes of lowercase 0x-prefixed hex (the audit entry's SHA-256), got ${JSON.stringify(p.hash)}`,
      {
        field: 'hash',
      },
    );
}
