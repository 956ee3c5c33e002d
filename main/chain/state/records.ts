/**
 * The records state holds (accounts, validators, KYC attestations, anchors, audit anchors, validator sets, the
 * chain position) and their canonical encodings (pure). A stored record that does not decode throws
 * `STATE_CORRUPT`.
 */
import { KIND, Reader, Writer, decodeWith, writer } from '../encoding';
import { ChainError } from '../errors';
import type { KycStatus } from '../tx/types';
import type { Address, Hash, ValidatorPower } from '../types';

/** An account. */
export interface Account {
  balance: bigint;
  /** The next nonce this account must use. */
  nonce: number;
}

/** A validator candidate's record. */
export interface ValidatorRecord {
  address: Address;
  stake: bigint;
  /** Reputation in ppm, 0…1,000,000 (≙ 0…1). */
  reputationPpm: number;
  region: string;
  /** Jailed while the current epoch is below this. */
  jailedUntilEpoch: number;
}

/** A KYC attestation by the compliance authority. */
export interface KycRecord {
  level: number;
  status: KycStatus;
  documentHash: Hash;
  expiresAtMs: number;
  attestedAtHeight: number;
}

/** An anchored media segment. */
export interface AnchorRecord {
  franchiseId: string;
  cameraId: string;
  cid: string;
  height: number;
}

/** A franchise's latest anchored audit-log head, and the block that anchored it. */
export interface AuditAnchorRecord {
  /** The audit entry's sequence number. */
  seq: number;
  /** The entry's hash (SHA-256), 0x hex. */
  hash: Hash;
  height: number;
  /** The anchoring block's time. */
  timeMs: number;
}

/** How far a franchise's sales are recorded: every sale numbered 1 to `through`, once. */
export interface SalesMarkRecord {
  /** The sequence number of the franchise's last recorded sale. */
  through: number;
  /** The block that recorded it. */
  height: number;
}

/** Chain position, outside the state root. */
export interface ChainMeta {
  height: number;
  lastBlockHash: Hash;
  lastTimeMs: number;
  stateRoot: Hash;
  genesisHash: Hash;
}

/** Encodes a stored record of `kind`, its fields written by `body`. */
export function enc(kind: number, body: (w: Writer) => void): Uint8Array {
  const w = writer(kind);
  body(w);
  return w.finish();
}

/** Decodes a stored record of `kind`; throws `STATE_CORRUPT` (naming `what`) if it does not decode. */
export function dec<T>(bytes: Uint8Array, kind: number, what: string, body: (r: Reader) => T): T {
  try {
    return decodeWith(bytes, kind, what, body);
  } catch (cause) {
    throw new ChainError(
      'STATE_CORRUPT',
      `stored ${what} cannot be decoded; the state store is damaged (restore it from the chain)`,
      {},
      { cause },
    );
  }
}

/** Encodes an account record. */
export const encodeAccount = (a: Account): Uint8Array =>
  enc(KIND.account, (w) => w.amount(a.balance).uint(a.nonce));
/** Decodes an account record. */
export const decodeAccount = (b: Uint8Array): Account =>
  dec(b, KIND.account, 'account', (r) => ({ balance: r.amount(), nonce: r.uint() }));

/** Encodes a validator record. */
export const encodeValidator = (v: ValidatorRecord): Uint8Array =>
  enc(KIND.validator, (w) =>
    w.hex(v.address, 20).amount(v.stake).uint(v.reputationPpm).string(v.region, 64).uint(v.jailedUntilEpoch),
  );
/** Decodes a validator record. */
export const decodeValidator = (b: Uint8Array): ValidatorRecord =>
  dec(b, KIND.validator, 'validator', (r) => ({
    address: r.hex(20),
    stake: r.amount(),
    reputationPpm: r.uint(),
    region: r.string(64),
    jailedUntilEpoch: r.uint(),
  }));

const KYC_STATUS: readonly KycStatus[] = ['verified', 'revoked'];
/** Encodes a KYC attestation. */
export const encodeKyc = (k: KycRecord): Uint8Array =>
  enc(KIND.kyc, (w) =>
    w
      .u8(k.level)
      .u8(KYC_STATUS.indexOf(k.status))
      .hex(k.documentHash, 32)
      .uint(k.expiresAtMs)
      .uint(k.attestedAtHeight),
  );
/** Decodes a KYC attestation. */
export const decodeKyc = (b: Uint8Array): KycRecord =>
  dec(b, KIND.kyc, 'kyc', (r) => ({
    level: r.u8(),
    status: KYC_STATUS[r.enumCode(2, 'status')] as KycStatus,
    documentHash: r.hex(32),
    expiresAtMs: r.uint(),
    attestedAtHeight: r.uint(),
  }));

/** Encodes an anchor record. */
export const encodeAnchor = (a: AnchorRecord): Uint8Array =>
  enc(KIND.anchor, (w) =>
    w.string(a.franchiseId, 64).string(a.cameraId, 64).string(a.cid, 128).uint(a.height),
  );
/** Decodes an anchor record. */
export const decodeAnchor = (b: Uint8Array): AnchorRecord =>
  dec(b, KIND.anchor, 'anchor', (r) => ({
    franchiseId: r.string(64),
    cameraId: r.string(64),
    cid: r.string(128),
    height: r.uint(),
  }));

/** Encodes a franchise's latest audit anchor. */
export const encodeAuditAnchor = (a: AuditAnchorRecord): Uint8Array =>
  enc(KIND.auditAnchor, (w) => w.uint(a.seq).hex(a.hash, 32).uint(a.height).uint(a.timeMs));
/** Encodes how far a franchise's sales are recorded. */
export const encodeSalesMark = (m: SalesMarkRecord): Uint8Array =>
  enc(KIND.salesMark, (w) => w.uint(m.through).uint(m.height));
/** Decodes how far a franchise's sales are recorded. */
export const decodeSalesMark = (b: Uint8Array): SalesMarkRecord =>
  dec(b, KIND.salesMark, 'sales mark', (r) => ({ through: r.uint(), height: r.uint() }));

/** Decodes a franchise's latest audit anchor. */
export const decodeAuditAnchor = (b: Uint8Array): AuditAnchorRecord =>
  dec(b, KIND.auditAnchor, 'audit anchor', (r) => ({
    seq: r.uint(),
    hash: r.hex(32),
    height: r.uint(),
    timeMs: r.uint(),
  }));

/** Tokens an unstake took out of a validator's stake, slashable until `completeHeight`. */
export interface UnbondingEntry {
  amount: bigint;
  /** The height of the block that held the unstake. */
  startHeight: number;
  /** The height at whose end the tokens return to the balance. */
  completeHeight: number;
}

/** Encodes a validator's unbonding entries (`ubd:<address>`). */
export const encodeUnbonding = (entries: readonly UnbondingEntry[]): Uint8Array =>
  enc(KIND.unbonding, (w) =>
    w.list(entries, Number.MAX_SAFE_INTEGER, (ww, e) =>
      ww.amount(e.amount).uint(e.startHeight).uint(e.completeHeight),
    ),
  );
/** Decodes a validator's unbonding entries. */
export const decodeUnbonding = (b: Uint8Array): UnbondingEntry[] =>
  dec(b, KIND.unbonding, 'unbonding entries', (r) =>
    r.list(Number.MAX_SAFE_INTEGER, (rr) => ({
      amount: rr.amount(),
      startHeight: rr.uint(),
      completeHeight: rr.uint(),
    })),
  );

/** Encodes the addresses whose unbonding completes at one height (`ubq:<height>`), sorted. */
export const encodeUnbondingDue = (addrs: readonly Address[]): Uint8Array =>
  enc(KIND.unbondingDue, (w) => w.list(addrs, Number.MAX_SAFE_INTEGER, (ww, a) => ww.hex(a, 20)));
/** Decodes the addresses whose unbonding completes at one height. */
export const decodeUnbondingDue = (b: Uint8Array): Address[] =>
  dec(b, KIND.unbondingDue, 'unbonding due', (r) => r.list(Number.MAX_SAFE_INTEGER, (rr) => rr.hex(20)));

/** Encodes a validator set (as stored per epoch). */
export const encodeValidatorSet = (set: readonly ValidatorPower[]): Uint8Array =>
  enc(KIND.epochSet, (w) =>
    w.list(set, Number.MAX_SAFE_INTEGER, (ww, v) => ww.hex(v.address, 20).uint(v.votingPower)),
  );
/** Decodes a stored validator set. */
export const decodeValidatorSet = (b: Uint8Array): ValidatorPower[] =>
  dec(b, KIND.epochSet, 'validator set', (r) =>
    r.list(Number.MAX_SAFE_INTEGER, (rr) => ({ address: rr.hex(20), votingPower: rr.uint() })),
  );

/** Encodes the chain position. */
export const encodeMeta = (m: ChainMeta): Uint8Array =>
  enc(KIND.chainMeta, (w) =>
    w.uint(m.height).hex(m.lastBlockHash, 32).uint(m.lastTimeMs).hex(m.stateRoot, 32).hex(m.genesisHash, 32),
  );
/** Decodes the chain position. */
export const decodeMeta = (b: Uint8Array): ChainMeta =>
  dec(b, KIND.chainMeta, 'chain meta', (r) => ({
    height: r.uint(),
    lastBlockHash: r.hex(32),
    lastTimeMs: r.uint(),
    stateRoot: r.hex(32),
    genesisHash: r.hex(32),
  }));

/** Encodes a record that holds only a height (orders and evidence seen). */
export const encodeHeight = (kind: number, height: number): Uint8Array => enc(kind, (w) => w.uint(height));
/** Encodes a record that holds only an amount (the supply). */
export const encodeAmount = (kind: number, v: bigint): Uint8Array => enc(kind, (w) => w.amount(v));
