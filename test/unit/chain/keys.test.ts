import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import {
  ChainError,
  fromHex,
  getPublicKey,
  getRawPublicKey,
  rawPublicKeyToAddress,
  compressRawPublicKey,
  isCanonicalSignature,
  keccak256,
  nobleVerifier,
  parseAddress,
  privateKeyToAddress,
  publicKeyToAddress,
  recoverAddress,
  signCompact,
  signRecoverable,
  toChecksumAddress,
  toHex,
} from '../../../main/chain';

interface Eip55Vectors {
  checksummed: string[];
}
const vectors = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../vectors/chain/eip55.json', import.meta.url)), 'utf8'),
) as Eip55Vectors;

describe('addresses', () => {
  it('private key 1 gives the well-known address', () => {
    const k = new Uint8Array(32);
    k[31] = 1;
    expect(toChecksumAddress(privateKeyToAddress(k))).toBe('0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf');
  });
  it('a key array filled with another key later gives the other key its own public key and address', () => {
    const k = new Uint8Array(32);
    k[31] = 1;
    const first = getPublicKey(k);
    expect(toChecksumAddress(privateKeyToAddress(k))).toBe('0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf');
    k.set(fromHex('0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318'));
    expect(getPublicKey(k)).toEqual(secp256k1.getPublicKey(k, true));
    expect(getPublicKey(k)).not.toEqual(first);
    expect(privateKeyToAddress(k)).toBe(publicKeyToAddress(secp256k1.getPublicKey(k, false)));
    // What a caller does to a returned key does not reach the next caller.
    getRawPublicKey(k).fill(0);
    expect(rawPublicKeyToAddress(getRawPublicKey(k))).toBe(privateKeyToAddress(k));
  });
  it('matches the EIP-55 examples, and parses them back', () => {
    expect(vectors.checksummed.length).toBeGreaterThanOrEqual(8);
    for (const a of vectors.checksummed) {
      expect(toChecksumAddress(a.toLowerCase())).toBe(a);
      expect(parseAddress(a)).toBe(a.toLowerCase());
      expect(parseAddress(a.toLowerCase())).toBe(a.toLowerCase());
    }
  });
  it('rejects a wrong checksum with BAD_CHECKSUM and garbage with BAD_ADDRESS', () => {
    const good = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';
    const bad = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD';
    expect(() => parseAddress(bad)).toThrow(expect.objectContaining({ code: 'BAD_CHECKSUM' }));
    expect(() => parseAddress(good.slice(0, 41))).toThrow(expect.objectContaining({ code: 'BAD_ADDRESS' }));
    expect(() => parseAddress('5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed')).toThrow(ChainError);
  });
  it('derives the same address from compressed and uncompressed keys', () => {
    const k = fromHex('0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318');
    expect(publicKeyToAddress(getPublicKey(k))).toBe(publicKeyToAddress(secp256k1.getPublicKey(k, false)));
    expect(rawPublicKeyToAddress(getRawPublicKey(k))).toBe(privateKeyToAddress(k));
    expect(compressRawPublicKey(getRawPublicKey(k))).toEqual(getPublicKey(k));
    const off = getRawPublicKey(k).slice();
    off[63] = off[63]! ^ 2;
    expect(() => compressRawPublicKey(off)).toThrow(expect.objectContaining({ code: 'BAD_KEY' }));
    expect(() => publicKeyToAddress(new Uint8Array(33).fill(7))).toThrow(
      expect.objectContaining({ code: 'BAD_KEY' }),
    );
  });
});

describe('signatures', () => {
  const k = fromHex('0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318');
  const hash = keccak256(new TextEncoder().encode('hello'));
  it('recoverable signatures are r‖s‖v and recover the signer', () => {
    const sig = signRecoverable(hash, k);
    expect(sig.length).toBe(65);
    expect(sig[64]! <= 1).toBe(true);
    expect(recoverAddress(hash, sig)).toBe(privateKeyToAddress(k));
    const other = keccak256(new TextEncoder().encode('hellp'));
    expect(recoverAddress(other, sig)).not.toBe(privateKeyToAddress(k));
  });
  it('rejects high-S and out-of-range v', () => {
    const sig = signRecoverable(hash, k);
    const n = secp256k1.Point.CURVE().n;
    const s = BigInt(toHex(sig.subarray(32, 64)));
    const high = sig.slice();
    high.set(fromHex(`0x${(n - s).toString(16).padStart(64, '0')}`), 32);
    high[64] = sig[64]! ^ 1;
    expect(isCanonicalSignature(high)).toBe(false);
    expect(() => recoverAddress(hash, high)).toThrow(expect.objectContaining({ code: 'BAD_SIGNATURE' }));
    const badV = sig.slice();
    badV[64] = 27;
    expect(() => recoverAddress(hash, badV)).toThrow(expect.objectContaining({ code: 'BAD_SIGNATURE' }));
  });
  it('compact signatures verify with the noble verifier and fail on another message', () => {
    const sig = signCompact(hash, k);
    expect(nobleVerifier.verify(sig, hash, getPublicKey(k))).toBe(true);
    expect(nobleVerifier.verify(sig, keccak256(hash), getPublicKey(k))).toBe(false);
  });
});
