/**
 * Password-based key derivation requests (scrypt, PBKDF2-HMAC-SHA256) and their limits. Pure: the
 * computation itself runs in `kdf.worker.ts` (never on the main thread), through a {@link KdfRunner}.
 */
import { pbkdf2 } from '@noble/hashes/pbkdf2.js';
import { scrypt } from '@noble/hashes/scrypt.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { WalletError } from './errors';

/** scrypt parameters as stored in a keystore. */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** The shipped scrypt cost: N = 2^17, r = 8, p = 1 (128 MiB; measured 0.3–0.7 s on the dev machine, see test/bench/wallet.ts). */
export const DEFAULT_SCRYPT: Readonly<ScryptParams> = Object.freeze({ N: 2 ** 17, r: 8, p: 1 });

/** The lowest N the wallet writes unless a test asks for less with `allowWeakKdf` (ARCHITECTURE §7). */
export const MIN_SCRYPT_N = 2 ** 17;

/** One derivation. Passwords and salts are raw bytes. */
export type KdfRequest =
  | { alg: 'scrypt'; password: Uint8Array; salt: Uint8Array; N: number; r: number; p: number; dkLen: number }
  | { alg: 'pbkdf2-sha256'; password: Uint8Array; salt: Uint8Array; c: number; dkLen: number }
  /** BIP39 mnemonic → seed (PBKDF2-HMAC-SHA512, 2048 rounds): tens of ms in JS, so it runs in the worker too. */
  | { alg: 'pbkdf2-sha512'; password: Uint8Array; salt: Uint8Array; c: number; dkLen: number };

/** Runs derivations somewhere other than the caller's thread. All-async so it can live in a worker. */
export interface KdfRunner {
  derive(req: KdfRequest): Promise<Uint8Array>;
}

// Upper bounds keep a hostile file (e.g. an imported Web3 keystore) from asking for gigabytes or hours.
const MAX_SCRYPT_MEMORY_BYTES = 2 ** 30;
const MAX_PBKDF2_ROUNDS = 10_000_000;

/** Checks a request's parameters; throws `KDF_PARAMS` with what is out of range. */
export function checkKdfRequest(req: KdfRequest): void {
  const bad = (msg: string): never => {
    throw new WalletError('KDF_PARAMS', msg, { alg: req.alg });
  };
  if (req.dkLen < 16 || req.dkLen > 64 || !Number.isInteger(req.dkLen))
    bad(`derived key length must be 16–64 bytes, got ${req.dkLen}`);
  if (req.salt.length < 8 || req.salt.length > 1024) bad(`salt must be 8–1024 bytes, got ${req.salt.length}`);
  if (req.alg === 'scrypt') {
    const { N, r, p } = req;
    if (!Number.isInteger(N) || N < 2 || (N & (N - 1)) !== 0)
      bad(`scrypt N must be a power of two ≥ 2, got ${N}`);
    if (!Number.isInteger(r) || r < 1 || r > 32) bad(`scrypt r must be 1–32, got ${r}`);
    if (!Number.isInteger(p) || p < 1 || p > 16) bad(`scrypt p must be 1–16, got ${p}`);
    if (128 * N * r > MAX_SCRYPT_MEMORY_BYTES)
      bad(
        `scrypt N=${N}, r=${r} needs ${(128 * N * r) / 2 ** 20} MiB; the limit is ${MAX_SCRYPT_MEMORY_BYTES / 2 ** 20} MiB`,
      );
  } else if (!Number.isInteger(req.c) || req.c < 1 || req.c > MAX_PBKDF2_ROUNDS) {
    bad(`pbkdf2 rounds must be 1–${MAX_PBKDF2_ROUNDS}, got ${req.c}`);
  }
}

/** Computes a derivation synchronously. Only the KDF worker calls this (it blocks for up to seconds). */
export function computeKdf(req: KdfRequest): Uint8Array {
  checkKdfRequest(req);
  if (req.alg === 'scrypt') {
    return scrypt(req.password, req.salt, {
      N: req.N,
      r: req.r,
      p: req.p,
      dkLen: req.dkLen,
      maxmem: MAX_SCRYPT_MEMORY_BYTES + 2 ** 20,
    });
  }
  return pbkdf2(req.alg === 'pbkdf2-sha512' ? sha512 : sha256, req.password, req.salt, {
    c: req.c,
    dkLen: req.dkLen,
  });
}

/** UTF-8 bytes of a wallet password, NFKC-normalized so the same typed text always opens the wallet. */
export function passwordBytes(password: string): Uint8Array {
  return new TextEncoder().encode(password.normalize('NFKC'));
}
