/**
 * Web3 Secret Storage Definition v3 (the Ethereum JSON keystore of geth, MetaMask, ethers):
 * scrypt or PBKDF2-HMAC-SHA256, AES-128-CTR, MAC = keccak-256(dk[16..32] ‖ ciphertext). One key per
 * file. Pure: the KDF runs in the worker, randomness comes in as bytes.
 */
import { ctr } from '@noble/ciphers/aes.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { equalBytes } from '@noble/ciphers/utils.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';
import type { Address } from '../chain/types';
import { privateKeyToAddress } from './address';
import { WalletError } from './errors';
import type { KdfRequest, ScryptParams } from './kdf';

const hex = z.string().regex(/^(0x)?([0-9a-fA-F]{2})+$/, 'expected hex');
const CryptoSchema = z.object({
  cipher: z.string(),
  ciphertext: hex,
  cipherparams: z.object({ iv: hex }),
  kdf: z.string(),
  kdfparams: z.record(z.string(), z.unknown()),
  mac: hex,
});
const ScryptKdfSchema = z.object({
  dklen: z.number().int(),
  n: z.number().int(),
  r: z.number().int(),
  p: z.number().int(),
  salt: hex,
});
const Pbkdf2KdfSchema = z.object({
  dklen: z.number().int(),
  c: z.number().int(),
  prf: z.string(),
  salt: hex,
});

/** A parsed Web3 v3 keystore. */
export interface Web3Keystore {
  version: 3;
  id: string;
  /** The address the file claims (lowercase 0x), when present; checked after decryption. */
  address: Address | null;
  crypto: {
    ciphertext: Uint8Array;
    iv: Uint8Array;
    mac: Uint8Array;
    kdf:
      | { alg: 'scrypt'; salt: Uint8Array; dkLen: number; N: number; r: number; p: number }
      | { alg: 'pbkdf2-sha256'; salt: Uint8Array; dkLen: number; c: number };
  };
}

/** Parses the text of a Web3 v3 keystore; throws `WEB3_KEYSTORE_INVALID` saying what is wrong. */
export function parseWeb3Keystore(text: string): Web3Keystore {
  const bad = (msg: string): never => {
    throw new WalletError('WEB3_KEYSTORE_INVALID', `not a usable Web3 keystore: ${msg}`);
  };
  if (text.length > 64 * 1024) bad(`the file is ${text.length} bytes; a Web3 keystore is under 1 KiB`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return bad('the file is not valid JSON (it may be cut off)');
  }
  if (raw === null || typeof raw !== 'object') return bad('expected a JSON object');
  const obj = raw as Record<string, unknown>;
  if (obj['version'] !== 3) bad(`version is ${JSON.stringify(obj['version'] ?? null)}, expected 3`);
  const c = CryptoSchema.safeParse(obj['crypto'] ?? obj['Crypto']);
  if (!c.success)
    return bad(
      `the "crypto" section is missing or malformed (${c.error.issues[0]?.path.join('.') ?? ''}: ${c.error.issues[0]?.message ?? ''})`,
    );
  if (c.data.cipher !== 'aes-128-ctr') bad(`cipher "${c.data.cipher}" is not supported (only aes-128-ctr)`);
  const iv = hb(c.data.cipherparams.iv);
  if (iv.length !== 16) bad(`the IV has ${iv.length} bytes, expected 16`);
  const mac = hb(c.data.mac);
  if (mac.length !== 32) bad(`the MAC has ${mac.length} bytes, expected 32`);
  let kdf: Web3Keystore['crypto']['kdf'];
  if (c.data.kdf === 'scrypt') {
    const k = ScryptKdfSchema.safeParse(c.data.kdfparams);
    if (!k.success)
      return bad(`scrypt parameters are malformed (${k.error.issues[0]?.path.join('.') ?? ''})`);
    kdf = {
      alg: 'scrypt',
      salt: hb(k.data.salt),
      dkLen: k.data.dklen,
      N: k.data.n,
      r: k.data.r,
      p: k.data.p,
    };
  } else if (c.data.kdf === 'pbkdf2') {
    const k = Pbkdf2KdfSchema.safeParse(c.data.kdfparams);
    if (!k.success)
      return bad(`pbkdf2 parameters are malformed (${k.error.issues[0]?.path.join('.') ?? ''})`);
    if (k.data.prf !== 'hmac-sha256') bad(`pbkdf2 prf "${k.data.prf}" is not supported (only hmac-sha256)`);
    kdf = { alg: 'pbkdf2-sha256', salt: hb(k.data.salt), dkLen: k.data.dklen, c: k.data.c };
  } else {
    return bad(`kdf "${c.data.kdf}" is not supported (only scrypt and pbkdf2)`);
  }
  if (kdf.dkLen < 32) bad(`dklen is ${kdf.dkLen}; it must be at least 32`);
  const ciphertext = hb(c.data.ciphertext);
  if (ciphertext.length !== 32) bad(`the ciphertext has ${ciphertext.length} bytes; a private key has 32`);
  const addr = obj['address'];
  let address: Address | null = null;
  if (typeof addr === 'string' && /^(0x)?[0-9a-fA-F]{40}$/.test(addr))
    address = `0x${addr.replace(/^0x/, '').toLowerCase()}`;
  return {
    version: 3,
    id: typeof obj['id'] === 'string' ? obj['id'] : '',
    address,
    crypto: { ciphertext, iv, mac, kdf },
  };
}

/** The KDF request for a Web3 keystore and its password (UTF-8, not normalized, as geth does). */
export function web3KdfRequest(ks: Web3Keystore, password: string): KdfRequest {
  const pw = new TextEncoder().encode(password);
  const k = ks.crypto.kdf;
  return k.alg === 'scrypt'
    ? { alg: 'scrypt', password: pw, salt: k.salt, N: k.N, r: k.r, p: k.p, dkLen: k.dkLen }
    : { alg: 'pbkdf2-sha256', password: pw, salt: k.salt, c: k.c, dkLen: k.dkLen };
}

/** Checks the MAC and decrypts the private key. Throws `WEB3_WRONG_PASSWORD` on a MAC mismatch. */
export function web3Decrypt(
  ks: Web3Keystore,
  derivedKey: Uint8Array,
): { privateKey: Uint8Array; address: Address } {
  const mac = web3Mac(derivedKey, ks.crypto.ciphertext);
  if (!equalBytes(mac, ks.crypto.mac)) {
    throw new WalletError(
      'WEB3_WRONG_PASSWORD',
      'the keystore file password is wrong (its MAC does not match); check HOTPOT_KEYSTORE_PASSWORD / the file password',
    );
  }
  const privateKey = ctr(derivedKey.slice(0, 16), ks.crypto.iv).decrypt(ks.crypto.ciphertext);
  let address: Address;
  try {
    address = privateKeyToAddress(privateKey);
  } catch {
    privateKey.fill(0);
    throw new WalletError(
      'WEB3_KEYSTORE_INVALID',
      'not a usable Web3 keystore: the decrypted key is not a valid secp256k1 private key',
    );
  }
  if (ks.address && ks.address !== address) {
    privateKey.fill(0);
    throw new WalletError(
      'WEB3_KEYSTORE_INVALID',
      `not a usable Web3 keystore: it says address ${ks.address} but its key belongs to ${address}`,
    );
  }
  return { privateKey, address };
}

/** Inputs of {@link web3Encrypt}: the key, the 32-byte scrypt output for `salt` + `kdf`, and fresh randomness. */
export interface Web3EncryptInput {
  privateKey: Uint8Array;
  derivedKey: Uint8Array;
  salt: Uint8Array;
  iv: Uint8Array;
  uuid: Uint8Array;
  kdf: ScryptParams;
}

/** The JSON object of a Web3 v3 scrypt keystore for one key (write it with JSON.stringify). */
export function web3Encrypt(input: Web3EncryptInput): Record<string, unknown> {
  if (input.derivedKey.length !== 32)
    throw new WalletError('BAD_ARGUMENT', `expected a 32-byte derived key, got ${input.derivedKey.length}`);
  if (input.iv.length !== 16)
    throw new WalletError('BAD_ARGUMENT', `expected a 16-byte IV, got ${input.iv.length}`);
  const ciphertext = ctr(input.derivedKey.slice(0, 16), input.iv).encrypt(input.privateKey);
  return {
    version: 3,
    id: uuidV4(input.uuid),
    address: privateKeyToAddress(input.privateKey).slice(2),
    crypto: {
      cipher: 'aes-128-ctr',
      ciphertext: bytesToHex(ciphertext),
      cipherparams: { iv: bytesToHex(input.iv) },
      kdf: 'scrypt',
      kdfparams: { dklen: 32, n: input.kdf.N, r: input.kdf.r, p: input.kdf.p, salt: bytesToHex(input.salt) },
      mac: bytesToHex(web3Mac(input.derivedKey, ciphertext)),
    },
  };
}

function web3Mac(derivedKey: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const m = new Uint8Array(16 + ciphertext.length);
  m.set(derivedKey.subarray(16, 32), 0);
  m.set(ciphertext, 16);
  return keccak_256(m);
}

function hb(h: string): Uint8Array {
  return hexToBytes(h.replace(/^0x/, '').toLowerCase());
}

function uuidV4(b: Uint8Array): string {
  if (b.length !== 16)
    throw new WalletError('BAD_ARGUMENT', `expected 16 random bytes for a UUID, got ${b.length}`);
  const u = Uint8Array.from(b);
  u[6] = (u[6]! & 0x0f) | 0x40;
  u[8] = (u[8]! & 0x3f) | 0x80;
  const h = bytesToHex(u);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
