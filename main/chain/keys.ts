/**
 * Keys, addresses and signatures (pure).
 *
 * - Accounts are secp256k1 keys; an address is the last 20 bytes of keccak-256 of the uncompressed
 *   public key without its 0x04 prefix (as in Ethereum), shown with the EIP-55 checksum.
 * - Everything we sign is a 32-byte *signing hash*: `keccak256(domainTag ‖ body)`, where the tag names
 *   the kind of object and version (`hotpot:tx:v1`, `hotpot:vote:v1`, …) and the body (the object's
 *   canonical encoding without its signature) includes the chain id. The signature is standard
 *   ECDSA over secp256k1 with SHA-256 as the message digest (noble's default `prehash`), i.e.
 *   ECDSA-SHA256 of the 32-byte signing hash. We chose the standard digest over Ethereum's raw-keccak
 *   signing so that any ECDSA-SHA256 implementation (OpenSSL through `node:crypto`) can verify our
 *   signatures: that is the fast path `SignatureVerifier` allows.
 * - Signatures are low-S only. Recoverable signatures are 65 bytes `r ‖ s ‖ v` with v ∈ {0, 1};
 *   compact ones are the 64 bytes `r ‖ s`.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { bytesEqual, concatBytes, keccak256, toHex, utf8ToBytes } from './bytes';
import { ChainError } from './errors';
import type { VerifiedCache } from './cache';
import type { Address } from './types';

const CURVE_N = secp256k1.Point.CURVE().n;
const CURVE_P = secp256k1.Point.CURVE().p;
const HALF_N = CURVE_N >> 1n;

/** Domain tags: one per kind of signed object, so a signature for one can never pass as another. */
export const DOMAIN = {
  tx: 'hotpot:tx:v1',
  vote: 'hotpot:vote:v1',
  proposal: 'hotpot:proposal:v1',
} as const;

/** The 32-byte hash that is signed for an object of `domain` whose encoded body is `body`. */
export function signingHash(domain: string, body: Uint8Array): Uint8Array {
  return keccak256(utf8ToBytes(domain), body);
}

/** Throws `BAD_KEY` unless `privateKey` is a valid 32-byte secp256k1 secret key. */
export function assertPrivateKey(privateKey: Uint8Array): void {
  if (!(privateKey instanceof Uint8Array) || privateKey.length !== 32) {
    throw new ChainError(
      'BAD_KEY',
      `expected a 32-byte private key, got ${privateKey instanceof Uint8Array ? privateKey.length + ' bytes' : typeof privateKey}`,
    );
  }
  if (!secp256k1.utils.isValidSecretKey(privateKey)) {
    throw new ChainError('BAD_KEY', 'the private key is not in the secp256k1 range [1, n-1]');
  }
}

/**
 * The public keys already worked out, by private-key object, with a copy of the key they came from
 * (a key array filled with other bytes later is worked out again). A validator signs two votes and
 * maybe a proposal each block, and a store a transaction every few seconds, each with the same key:
 * each derivation is a constant-time scalar multiplication, about as costly as the signature itself.
 */
const derived = new WeakMap<Uint8Array, { key: Uint8Array; uncompressed: Uint8Array }>();

/** The 65-byte uncompressed public key (0x04 ‖ x ‖ y) of a private key; callers copy what they return. */
function uncompressedPublicKey(privateKey: Uint8Array): Uint8Array {
  const known = derived.get(privateKey);
  if (known && bytesEqual(known.key, privateKey)) return known.uncompressed;
  assertPrivateKey(privateKey);
  const uncompressed = secp256k1.getPublicKey(privateKey, false);
  derived.set(privateKey, { key: privateKey.slice(), uncompressed });
  return uncompressed;
}

/** The compressed (33-byte) public key of a private key. */
export function getPublicKey(privateKey: Uint8Array): Uint8Array {
  const u = uncompressedPublicKey(privateKey);
  const out = new Uint8Array(33);
  out[0] = (u[64] as number) & 1 ? 3 : 2;
  out.set(u.subarray(1, 33), 1);
  return out;
}

/**
 * The address of a public key (33-byte compressed or 65-byte uncompressed).
 * Throws `BAD_KEY` if the bytes are not a point on the curve.
 *
 * @example publicKeyToAddress(getPublicKey(key)) // '0x7e5f4552091a69125d5dfcb7b8c2659029395bdf' for key 0x…01
 */
export function publicKeyToAddress(publicKey: Uint8Array): Address {
  let uncompressed: Uint8Array;
  try {
    uncompressed =
      publicKey.length === 65 && publicKey[0] === 4
        ? publicKey
        : secp256k1.Point.fromBytes(publicKey).toBytes(false);
    if (publicKey.length === 65) secp256k1.Point.fromBytes(publicKey); // checks the point is on the curve
  } catch (cause) {
    throw new ChainError(
      'BAD_KEY',
      `the public key is not a valid secp256k1 point (${publicKey.length} bytes)`,
      {},
      { cause },
    );
  }
  return toHex(keccak256(uncompressed.subarray(1)).subarray(12));
}

/**
 * The raw 64-byte public key (x ‖ y) of a private key, as transactions carry it: its keccak gives the
 * address directly, with no point decompression (which costs more than an OpenSSL verify).
 */
export function getRawPublicKey(privateKey: Uint8Array): Uint8Array {
  return uncompressedPublicKey(privateKey).slice(1);
}

/** The address of a raw 64-byte public key: the last 20 bytes of its keccak-256. Does not check the point. */
export function rawPublicKeyToAddress(rawPublicKey: Uint8Array): Address {
  if (rawPublicKey.length !== 64)
    throw new ChainError('BAD_KEY', `expected a 64-byte raw public key, got ${rawPublicKey.length} bytes`);
  return toHex(keccak256(rawPublicKey).subarray(12));
}

/**
 * The compressed form of a raw 64-byte public key, after checking that (x, y) is on the curve
 * (y² = x³ + 7 mod p; no square root needed). Throws `BAD_KEY` for a point off the curve, so one
 * address can never be claimed with a made-up y for someone else's x.
 */
export function compressRawPublicKey(rawPublicKey: Uint8Array): Uint8Array {
  if (rawPublicKey.length !== 64)
    throw new ChainError('BAD_KEY', `expected a 64-byte raw public key, got ${rawPublicKey.length} bytes`);
  const x = BigInt(toHex(rawPublicKey.subarray(0, 32)));
  const y = BigInt(toHex(rawPublicKey.subarray(32, 64)));
  if (x >= CURVE_P || y >= CURVE_P || (y * y - (x * x * x + 7n)) % CURVE_P !== 0n) {
    throw new ChainError('BAD_KEY', 'the public key is not a point on secp256k1');
  }
  const out = new Uint8Array(33);
  out[0] = (rawPublicKey[63] as number) & 1 ? 3 : 2;
  out.set(rawPublicKey.subarray(0, 32), 1);
  return out;
}

/** The address of a private key. */
export function privateKeyToAddress(privateKey: Uint8Array): Address {
  return toHex(keccak256(uncompressedPublicKey(privateKey).subarray(1)).subarray(12));
}

/**
 * The EIP-55 mixed-case checksum form of an address.
 *
 * @example toChecksumAddress('0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed') // '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'
 */
export function toChecksumAddress(address: string): string {
  const lower = parseAddress(address).slice(2);
  const hash = bytesToHex(keccak256(utf8ToBytes(lower)));
  let out = '0x';
  for (let i = 0; i < 40; i++) {
    const c = lower[i] as string;
    out += parseInt(hash[i] as string, 16) >= 8 ? c.toUpperCase() : c;
  }
  return out;
}

/**
 * Parses a text address into the lowercase form used inside the system. All-lowercase and
 * all-uppercase hex are accepted without a checksum (as EIP-55 allows); mixed case must carry a valid
 * EIP-55 checksum. Throws `BAD_ADDRESS` (not 20 bytes of hex) or `BAD_CHECKSUM`.
 *
 * @example parseAddress('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed') // '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed'
 */
export function parseAddress(text: string): Address {
  if (typeof text !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(text)) {
    throw new ChainError(
      'BAD_ADDRESS',
      `an address is 0x followed by 40 hex digits, got ${JSON.stringify(String(text).slice(0, 60))}`,
    );
  }
  const body = text.slice(2);
  const lower = body.toLowerCase();
  if (body !== lower && body !== body.toUpperCase()) {
    const hash = bytesToHex(keccak256(utf8ToBytes(lower)));
    for (let i = 0; i < 40; i++) {
      const c = body[i] as string;
      if (c >= '0' && c <= '9') continue;
      const upper = parseInt(hash[i] as string, 16) >= 8;
      if ((c === c.toUpperCase()) !== upper) {
        throw new ChainError(
          'BAD_CHECKSUM',
          `address ${text} has a wrong EIP-55 checksum (a typo?); check it, or enter it all in lowercase`,
          { address: text },
        );
      }
    }
  }
  return `0x${lower}`;
}

/** True if `text` is a valid address (with a valid checksum when mixed case). */
export function isAddress(text: string): boolean {
  try {
    parseAddress(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Signs a 32-byte signing hash and returns the 65-byte recoverable signature `r ‖ s ‖ v` (low-S, v ∈ {0,1}).
 * Deterministic (RFC 6979).
 */
export function signRecoverable(hash: Uint8Array, privateKey: Uint8Array): Uint8Array {
  assertPrivateKey(privateKey);
  assertHash(hash);
  const sig = secp256k1.sign(hash, privateKey, { format: 'recovered' }); // noble: v ‖ r ‖ s
  return concatBytes(sig.subarray(1), sig.subarray(0, 1));
}

/** Signs a 32-byte signing hash and returns the 64-byte compact signature `r ‖ s` (low-S). */
export function signCompact(hash: Uint8Array, privateKey: Uint8Array): Uint8Array {
  return signRecoverable(hash, privateKey).subarray(0, 64);
}

/**
 * True if the 64 bytes `r ‖ s` are in range and low-S: 1 ≤ r < n, 1 ≤ s ≤ n/2. Checked before any
 * verifier runs, so that every verifier (noble, OpenSSL) accepts exactly the same signatures.
 */
export function isCanonicalSignature(sig: Uint8Array): boolean {
  if (sig.length < 64) return false;
  const r = BigInt(toHex(sig.subarray(0, 32)));
  const s = BigInt(toHex(sig.subarray(32, 64)));
  return r >= 1n && r < CURVE_N && s >= 1n && s <= HALF_N;
}

/**
 * Recovers the compressed public key from a 65-byte `r ‖ s ‖ v` signature over a signing hash.
 * Throws `BAD_SIGNATURE` when the signature is malformed, high-S, or recovers no key.
 */
export function recoverPublicKey(hash: Uint8Array, signature: Uint8Array): Uint8Array {
  assertHash(hash);
  if (signature.length !== 65) {
    throw new ChainError(
      'BAD_SIGNATURE',
      `expected a 65-byte r‖s‖v signature, got ${signature.length} bytes`,
    );
  }
  const v = signature[64] as number;
  if (v > 1 || !isCanonicalSignature(signature)) {
    throw new ChainError(
      'BAD_SIGNATURE',
      'the signature is not canonical (need 1 ≤ r < n, low s, v ∈ {0,1})',
    );
  }
  try {
    return secp256k1.recoverPublicKey(concatBytes(signature.subarray(64), signature.subarray(0, 64)), hash);
  } catch (cause) {
    throw new ChainError('BAD_SIGNATURE', 'no public key can be recovered from the signature', {}, { cause });
  }
}

/** Recovers the signer's address from a 65-byte `r ‖ s ‖ v` signature; throws `BAD_SIGNATURE`. */
export function recoverAddress(hash: Uint8Array, signature: Uint8Array): Address {
  return publicKeyToAddress(recoverPublicKey(hash, signature));
}

/**
 * Checks ECDSA signatures. The ledger calls it only with canonical (low-S, in-range) 64-byte
 * signatures and 33-byte compressed keys that are valid curve points, so every implementation must
 * give the same answer as `nobleVerifier` on those inputs. The node layer injects a faster one
 * (`main/node/verifier.ts`: libsecp256k1 through its N-API module, else OpenSSL through `node:crypto`).
 */
export interface SignatureVerifier {
  /** True iff `signature` (r ‖ s) is an ECDSA-SHA256 signature of `message` under `publicKey` (33 bytes, compressed). */
  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
  /**
   * Optional faster public-key recovery (votes and proposals carry recoverable signatures): the raw
   * 64-byte public key (x ‖ y) that made the canonical `signature` (r ‖ s) with recovery id `v` over
   * `message` (ECDSA-SHA256), or null when none does. Must agree with `recoverPublicKey`.
   */
  recover?(signature: Uint8Array, v: number, message: Uint8Array): Uint8Array | null;
}

/** How a signature is checked: the verifier (noble when absent) and a cache of what was verified before. */
export interface SignatureCheck {
  verifier?: SignatureVerifier;
  cache?: VerifiedCache;
}

/**
 * The address that made a 65-byte `r ‖ s ‖ v` signature over `hash`, using `verifier.recover` when it
 * has one and noble otherwise. Throws `BAD_SIGNATURE` like `recoverAddress`.
 */
export function recoverAddressWith(
  hash: Uint8Array,
  signature: Uint8Array,
  verifier?: SignatureVerifier,
): Address {
  if (!verifier?.recover) return recoverAddress(hash, signature);
  assertHash(hash);
  const v = signature[64] as number;
  if (signature.length !== 65 || v > 1 || !isCanonicalSignature(signature)) {
    throw new ChainError(
      'BAD_SIGNATURE',
      'the signature is not canonical (need 65 bytes, 1 ≤ r < n, low s, v ∈ {0,1})',
    );
  }
  const raw = verifier.recover(signature.subarray(0, 64), v, hash);
  if (!raw || raw.length !== 64)
    throw new ChainError('BAD_SIGNATURE', 'no public key can be recovered from the signature');
  return toHex(keccak256(raw).subarray(12));
}

/** The default verifier: pure JavaScript `@noble/curves`. */
export const nobleVerifier: SignatureVerifier = {
  verify(signature, message, publicKey) {
    try {
      return secp256k1.verify(signature, message, publicKey);
    } catch {
      return false;
    }
  },
};

function assertHash(hash: Uint8Array): void {
  if (!(hash instanceof Uint8Array) || hash.length !== 32) {
    throw new ChainError(
      'MALFORMED',
      `expected a 32-byte signing hash, got ${hash instanceof Uint8Array ? hash.length + ' bytes' : typeof hash}`,
    );
  }
}
