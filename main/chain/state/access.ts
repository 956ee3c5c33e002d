/**
 * Typed reads and writes of state: accounts, validators and their index, franchises, KYC, anchors,
 * audit anchors, supply, validator sets per epoch, the chain position, and order ids (pure). Every rule reaches
 * state through these, so a key's encoding is written in one place.
 */
import { KIND } from '../encoding';
import { ChainError } from '../errors';
import { peerKey } from '../peer-id';
import { readFranchise, writeFranchise } from '../tx/payload-codec';
import type { Franchise } from '../tx/types';
import type { Address, Hash, ValidatorPower } from '../types';
import { fail } from './fail';
import {
  type Account,
  type AnchorRecord,
  type AuditAnchorRecord,
  type SalesMarkRecord,
  type ChainMeta,
  type KycRecord,
  type ValidatorRecord,
  dec,
  decodeAccount,
  decodeAnchor,
  decodeAuditAnchor,
  decodeSalesMark,
  decodeKyc,
  decodeMeta,
  decodeValidator,
  decodeValidatorSet,
  enc,
  encodeAccount,
  encodeAmount,
  encodeAuditAnchor,
  encodeSalesMark,
  encodeValidator,
} from './records';
import type { StateReader, StateStore } from './store';

/** The account of `address` (zero balance and nonce if never seen). */
export function getAccount(s: StateReader, address: Address): Account {
  const raw = s.get(`acct:${address}`);
  return raw ? decodeAccount(raw) : { balance: 0n, nonce: 0 };
}

/** The validator record of `address`, or null. */
export function getValidator(s: StateReader, address: Address): ValidatorRecord | null {
  const raw = s.get(`val:${address}`);
  return raw ? decodeValidator(raw) : null;
}

/** Every validator candidate's record, sorted by address. */
export function listValidators(s: StateReader): ValidatorRecord[] {
  return readValidatorIndex(s)
    .map((a) => getValidator(s, a))
    .filter((v): v is ValidatorRecord => v !== null);
}

/** The franchise with `id`, or null. */
export function getFranchise(s: StateReader, id: string): Franchise | null {
  const raw = s.get(`fr:${id}`);
  return raw ? dec(raw, KIND.franchise, 'franchise', readFranchise) : null;
}

/** The KYC attestation of `address`, or null. */
export function getKyc(s: StateReader, address: Address): KycRecord | null {
  const raw = s.get(`kyc:${address}`);
  return raw ? decodeKyc(raw) : null;
}

/** The anchor of a segment's sha256, or null. */
export function getAnchor(s: StateReader, sha256: Hash): AnchorRecord | null {
  const raw = s.get(`anc:${sha256}`);
  return raw ? decodeAnchor(raw) : null;
}

/** The latest audit-log head anchored by franchise `franchiseId`, or null if it never anchored one. */
export function getAuditAnchor(s: StateReader, franchiseId: string): AuditAnchorRecord | null {
  const raw = s.get(`aud:${franchiseId}`);
  return raw ? decodeAuditAnchor(raw) : null;
}

/** Writes franchise `franchiseId`'s latest audit anchor (replacing the one before). */
export function putAuditAnchor(s: StateStore, franchiseId: string, a: AuditAnchorRecord): void {
  s.set(`aud:${franchiseId}`, encodeAuditAnchor(a));
}

/** How far franchise `franchiseId`'s sales are recorded, or null if none is. */
export function getSalesMark(s: StateReader, franchiseId: string): SalesMarkRecord | null {
  const raw = s.get(`sls:${franchiseId}`);
  return raw ? decodeSalesMark(raw) : null;
}

/** Writes how far franchise `franchiseId`'s sales are recorded (replacing the mark before). */
export function putSalesMark(s: StateStore, franchiseId: string, m: SalesMarkRecord): void {
  s.set(`sls:${franchiseId}`, encodeSalesMark(m));
}

/** Total supply (Σ balances + Σ stakes + Σ unbonding). */
export function getSupply(s: StateReader): bigint {
  const raw = s.get('supply');
  return raw ? dec(raw, KIND.supply, 'supply', (r) => r.amount()) : 0n;
}

/** The validator set that decides blocks of `epoch`, or null if none is stored. */
export function getValidatorSet(s: StateReader, epoch: number): ValidatorPower[] | null {
  const raw = s.get(`vs:${epoch}`);
  return raw ? decodeValidatorSet(raw) : null;
}

/** The chain position (height 0 right after genesis). Throws `STATE_CORRUPT` if genesis was never applied. */
export function getChainMeta(s: StateReader): ChainMeta {
  const raw = s.get('meta');
  if (!raw) throw new ChainError('STATE_CORRUPT', 'the state has no chain position: apply the genesis first');
  return decodeMeta(raw);
}

/** Writes the account of `address`. */
export function putAccount(s: StateStore, address: Address, a: Account): void {
  s.set(`acct:${address}`, encodeAccount(a));
}

/** Addresses of every validator record, sorted (the `vals` entry). */
function readValidatorIndex(s: StateReader): Address[] {
  const raw = s.get('vals');
  return raw
    ? dec(raw, KIND.validatorIndex, 'validator index', (r) =>
        r.list(Number.MAX_SAFE_INTEGER, (rr) => rr.hex(20)),
      )
    : [];
}

/** Writes a validator record, adding its address to the sorted index when it is new. */
export function putValidator(s: StateStore, v: ValidatorRecord): void {
  if (!s.get(`val:${v.address}`)) {
    const addrs = [...readValidatorIndex(s), v.address].sort();
    s.set(
      'vals',
      enc(KIND.validatorIndex, (w) => w.list(addrs, Number.MAX_SAFE_INTEGER, (ww, a) => ww.hex(a, 20))),
    );
  }
  s.set(`val:${v.address}`, encodeValidator(v));
}

/** Writes a franchise record (register and update both write the whole record). */
export function putFranchise(s: StateStore, f: Franchise): void {
  s.set(
    `fr:${f.id}`,
    enc(KIND.franchise, (w) => writeFranchise(w, f)),
  );
}

/** Writes the total supply. */
export function putSupply(s: StateStore, v: bigint): void {
  s.set('supply', encodeAmount(KIND.supply, v));
}

/** Adds `amount` to the balance of `address` (nothing is written for zero). */
export function credit(s: StateStore, address: Address, amount: bigint): void {
  if (amount === 0n) return;
  const a = getAccount(s, address);
  putAccount(s, address, { ...a, balance: a.balance + amount });
}

/**
 * Takes `amount` from `sender`'s balance, after its fee was taken; `INSUFFICIENT_FUNDS` if the
 * balance is short. Returns the account as it was.
 */
export function debit(s: StateStore, sender: Address, amount: bigint): Account {
  const a = getAccount(s, sender);
  if (a.balance < amount)
    fail('INSUFFICIENT_FUNDS', `${sender} has ${a.balance} after the fee and cannot spend ${amount}`, {
      balance: a.balance.toString(),
      amount: amount.toString(),
    });
  putAccount(s, sender, { ...a, balance: a.balance - amount });
  return a;
}

/** True when HQ registered `peerId` (`peer-register`) and has not retired it. */
export function isPeerRegistered(s: StateReader, peerId: string): boolean {
  return s.get(peerKey(peerId)) !== undefined;
}

/** Registers `peerId` (`active`) or removes its registration. */
export function setPeerRegistered(s: StateStore, peerId: string, active: boolean): void {
  s.set(peerKey(peerId), active ? Uint8Array.of(1) : null);
}
