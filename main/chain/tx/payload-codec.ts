/**
 * How each transaction payload, and the franchise record it may carry, is written and read in the
 * canonical encoding (pure). The payload's first byte is its type code (its index in `TX_TYPES`);
 * enum fields are written as their index in the lists below, so those lists must never be reordered.
 */
import { type EncodingLimits, Reader, Writer } from '../encoding';
import { ChainError } from '../errors';
import { readProposalEvidence, writeProposalEvidence } from '../proposal-evidence';
import { readEvidence, writeEvidence } from '../vote';
import {
  type Franchise,
  type FranchiseStatus,
  type KycStatus,
  TEXT_LIMITS,
  TX_TYPES,
  type Tokenomics,
  type TxPayload,
  type TxType,
} from './types';

const FRANCHISE_STATUSES: readonly FranchiseStatus[] = ['active', 'inactive', 'suspended'];
const KYC_STATUSES: readonly KycStatus[] = ['verified', 'revoked'];

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

/** Writes a payload: its type code, then its fields. */
export function writePayload(w: Writer, p: TxPayload, limits: EncodingLimits): void {
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
      w.string(p.franchiseId, TEXT_LIMITS.id, 'franchiseId').uint(p.firstSeq, 'firstSeq');
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
    case 'proposal-evidence':
      writeProposalEvidence(w, p.evidence);
      return;
    case 'anchor-audit':
      w.string(p.franchiseId, TEXT_LIMITS.id, 'franchiseId').uint(p.seq, 'seq').hex(p.hash, 32, 'hash');
      return;
    case 'peer-register':
      w.string(p.peerId, 64, 'peerId').bool(p.active);
      return;
  }
}

/** Reads a payload written by `writePayload`. */
export function readPayload(r: Reader, limits: EncodingLimits): TxPayload {
  const code = r.enumCode(TX_TYPES.length, 'tx type');
  const type = TX_TYPES[code] as TxType;
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
      const firstSeq = r.uint('firstSeq');
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
      return { type, franchiseId, firstSeq, sales };
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
    case 'proposal-evidence':
      return { type, evidence: readProposalEvidence(r) };
    case 'anchor-audit':
      return {
        type,
        franchiseId: r.string(TEXT_LIMITS.id, 'franchiseId'),
        seq: r.uint('seq'),
        hash: r.hex(32, 'hash'),
      };
    case 'peer-register':
      return { type, peerId: r.string(64, 'peerId'), active: r.bool('active') };
  }
}
