/**
 * The wallet keystore format (`<dataDir>/wallet/keystore.json`). Pure: randomness and derived keys
 * come in as bytes; the KDF runs elsewhere (`kdf.worker.ts`), the file I/O in `keystore-file.ts`.
 *
 * Layout (version 1, `kind: "hotpot-wallet-keystore"`):
 * - `kdf`: scrypt N, r, p, a 32-byte salt; it derives 64 bytes: an AES-256-GCM key (first half) and a
 *   check key (second half).
 * - `check`: HMAC-SHA256(check key, label ‖ id ‖ salt). It tells a wrong password apart from a
 *   tampered file: the password is wrong when `check` does not match; the file was altered when
 *   `check` matches but the GCM tag does not.
 * - `cipher`: AES-256-GCM with a fresh random 96-bit nonce for every encryption. The authenticated
 *   data is the canonical JSON of every clear field, so clear metadata (addresses!) can't be swapped.
 * - `ciphertext`: the secrets (mnemonic entropy, imported private keys) in a small binary layout.
 * - `accounts`, `hasMnemonic`, `hasPassphrase`: clear metadata so the UI can show addresses while locked.
 *   The BIP39 passphrase itself is never stored: only whether there is one.
 * - `checksum`: SHA-256 of the canonical JSON of everything else, to report accidental damage before
 *   any password is typed.
 */
import { gcm } from '@noble/ciphers/aes.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { equalBytes } from '@noble/ciphers/utils.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';
import type { Address } from '../chain/types';
import { canonicalJson } from '../common/canonical-json';
import { WalletError } from './errors';
import type { KdfRequest, ScryptParams } from './kdf';

/** The `kind` tag of our keystore files. */
export const KEYSTORE_KIND = 'hotpot-wallet-keystore' as const;
/** The keystore version this code writes and reads. */
export const KEYSTORE_VERSION = 1 as const;
/** Bytes the KDF derives: 32 for AES-256-GCM, 32 for the password check. */
export const KEYSTORE_DK_BYTES = 64 as const;
/** A keystore larger than this is not ours (it holds a few hundred bytes per account). */
export const MAX_KEYSTORE_BYTES = 4 * 1024 * 1024;
const MAX_ACCOUNTS = 10_000;
const CHECK_LABEL = new TextEncoder().encode('hotpot-wallet-keystore/v1/password-check');
const PAYLOAD_VERSION = 1;

const hexOf = (bytes: number) =>
  z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`), `expected ${bytes} bytes of lowercase hex`);
const address = z
  .string()
  .regex(/^0x[0-9a-f]{40}$/, 'expected a lowercase 0x address') as unknown as z.ZodType<Address>;

const AccountSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hd'), index: z.number().int().min(0).max(0x7fffffff), address }).strict(),
  z.object({ type: z.literal('imported'), address, label: z.string().max(200).optional() }).strict(),
]);

const KeystoreSchema = z
  .object({
    kind: z.literal(KEYSTORE_KIND),
    version: z.literal(KEYSTORE_VERSION),
    id: hexOf(16),
    kdf: z
      .object({
        alg: z.literal('scrypt'),
        N: z.number().int(),
        r: z.number().int(),
        p: z.number().int(),
        dkLen: z.literal(KEYSTORE_DK_BYTES),
        salt: hexOf(32),
      })
      .strict(),
    check: hexOf(32),
    cipher: z.object({ alg: z.literal('aes-256-gcm'), nonce: hexOf(12) }).strict(),
    ciphertext: z
      .string()
      .regex(/^([0-9a-f]{2})+$/, 'expected lowercase hex')
      .max(MAX_KEYSTORE_BYTES),
    hasMnemonic: z.boolean(),
    hasPassphrase: z.boolean(),
    accounts: z.array(AccountSchema).max(MAX_ACCOUNTS),
    checksum: hexOf(32),
  })
  .strict();

/** One account as listed in the keystore (clear metadata). */
export type KeystoreAccount = z.infer<typeof AccountSchema>;
/** A parsed, checksum-verified keystore file. */
export type KeystoreFile = z.infer<typeof KeystoreSchema>;

/** The secrets inside the encrypted part. */
export interface WalletSecrets {
  /** BIP39 entropy (16–32 bytes), or null for a wallet of imported keys only. */
  entropy: Uint8Array | null;
  /** Single keys imported from Web3 keystores, in the order of the `imported` accounts. */
  imported: { address: Address; privateKey: Uint8Array }[];
}

/** Everything {@link sealKeystore} needs. `derivedKey` is the 64-byte KDF output for `salt` and `kdf`. */
export interface SealInput {
  id: Uint8Array;
  salt: Uint8Array;
  kdf: ScryptParams;
  derivedKey: Uint8Array;
  nonce: Uint8Array;
  secrets: WalletSecrets;
  hasPassphrase: boolean;
  accounts: KeystoreAccount[];
}

/** The KDF request that opens (or seals) a keystore with `password` bytes. */
export function keystoreKdfRequest(kdf: ScryptParams, salt: Uint8Array, password: Uint8Array): KdfRequest {
  return { alg: 'scrypt', password, salt, N: kdf.N, r: kdf.r, p: kdf.p, dkLen: KEYSTORE_DK_BYTES };
}

/** Encrypts `secrets` into a keystore file object. Pure and deterministic given its inputs. */
export function sealKeystore(input: SealInput): KeystoreFile {
  if (input.derivedKey.length !== KEYSTORE_DK_BYTES)
    throw new WalletError(
      'BAD_ARGUMENT',
      `expected a ${KEYSTORE_DK_BYTES}-byte derived key, got ${input.derivedKey.length}`,
    );
  if (input.nonce.length !== 12)
    throw new WalletError('BAD_ARGUMENT', `expected a 12-byte nonce, got ${input.nonce.length}`);
  if (input.salt.length !== 32)
    throw new WalletError('BAD_ARGUMENT', `expected a 32-byte salt, got ${input.salt.length}`);
  if (input.id.length !== 16)
    throw new WalletError('BAD_ARGUMENT', `expected a 16-byte id, got ${input.id.length}`);
  checkSecretsMatchAccounts(input.secrets, input.accounts);
  const encKey = input.derivedKey.subarray(0, 32);
  const checkKey = input.derivedKey.subarray(32, 64);
  const head: Omit<KeystoreFile, 'ciphertext' | 'checksum'> = {
    kind: KEYSTORE_KIND,
    version: KEYSTORE_VERSION,
    id: bytesToHex(input.id),
    kdf: {
      alg: 'scrypt',
      N: input.kdf.N,
      r: input.kdf.r,
      p: input.kdf.p,
      dkLen: KEYSTORE_DK_BYTES,
      salt: bytesToHex(input.salt),
    },
    check: bytesToHex(passwordCheck(checkKey, input.id, input.salt)),
    cipher: { alg: 'aes-256-gcm', nonce: bytesToHex(input.nonce) },
    hasMnemonic: input.secrets.entropy !== null,
    hasPassphrase: input.hasPassphrase,
    accounts: input.accounts,
  };
  const plain = encodeSecrets(input.secrets);
  const ct = gcm(encKey, input.nonce, aadOf(head)).encrypt(plain);
  plain.fill(0);
  const body = { ...head, ciphertext: bytesToHex(ct) };
  return { ...body, checksum: bytesToHex(sha256(new TextEncoder().encode(canonicalJson(body)))) };
}

/**
 * Decrypts a keystore with the 64-byte derived key. Throws `WRONG_PASSWORD` when the key is not the
 * password's, `KEYSTORE_TAMPERED` when the password is right but the file was altered.
 */
export function openKeystore(file: KeystoreFile, derivedKey: Uint8Array): WalletSecrets {
  const { ciphertext, checksum: _c, ...head } = file;
  const check = passwordCheck(derivedKey.subarray(32, 64), hexToBytes(file.id), hexToBytes(file.kdf.salt));
  if (!equalBytes(check, hexToBytes(file.check))) {
    throw new WalletError('WRONG_PASSWORD', 'wallet password is wrong (the keystore is unchanged)');
  }
  let plain: Uint8Array;
  try {
    plain = gcm(derivedKey.subarray(0, 32), hexToBytes(file.cipher.nonce), aadOf(head)).decrypt(
      hexToBytes(ciphertext),
    );
  } catch {
    throw tampered('its encrypted part or clear metadata does not authenticate');
  }
  try {
    const secrets = decodeSecrets(plain);
    if ((secrets.entropy !== null) !== file.hasMnemonic)
      throw tampered('the mnemonic flag does not match the encrypted part');
    checkSecretsMatchAccounts(secrets, file.accounts);
    return secrets;
  } finally {
    plain.fill(0);
  }
}

/** The file text of a keystore (pretty JSON, newline-terminated). */
export function serializeKeystore(file: KeystoreFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}

/**
 * Parses keystore text and tells apart: empty or cut files (`KEYSTORE_TRUNCATED`), other formats
 * such as a Web3 keystore (`KEYSTORE_FOREIGN`), newer versions (`KEYSTORE_VERSION`), and damaged
 * fields or a checksum mismatch (`KEYSTORE_CORRUPT`). No password is needed.
 */
export function parseKeystoreText(text: string, where = 'the keystore'): KeystoreFile {
  if (text.length > MAX_KEYSTORE_BYTES) {
    throw new WalletError(
      'KEYSTORE_FOREIGN',
      `${where} is ${text.length} bytes, far larger than a wallet keystore; it is some other file`,
      { bytes: text.length },
    );
  }
  const trimmed = text.trim();
  if (trimmed.length === 0)
    throw new WalletError(
      'KEYSTORE_TRUNCATED',
      `${where} is empty (a write was cut off); restore it from a backup or re-import the recovery phrase`,
    );
  let raw: unknown;
  try {
    raw = JSON.parse(trimmed);
  } catch {
    if (trimmed.startsWith('{') && !trimmed.endsWith('}')) {
      throw new WalletError(
        'KEYSTORE_TRUNCATED',
        `${where} is truncated (it ends after ${text.length} bytes, in the middle of the data); restore it from a backup or re-import the recovery phrase`,
        { bytes: text.length },
      );
    }
    throw new WalletError(
      'KEYSTORE_CORRUPT',
      `${where} is not valid JSON (damaged or not a keystore); restore it from a backup or re-import the recovery phrase`,
    );
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new WalletError(
      'KEYSTORE_FOREIGN',
      `${where} is JSON but not a Hot Pot wallet keystore (no object with kind "${KEYSTORE_KIND}")`,
    );
  }
  const obj = raw as Record<string, unknown>;
  if (obj['kind'] !== KEYSTORE_KIND) {
    if (obj['version'] === 3 && (typeof obj['crypto'] === 'object' || typeof obj['Crypto'] === 'object')) {
      throw new WalletError(
        'KEYSTORE_FOREIGN',
        `${where} is an Ethereum Web3 (v3) keystore, not a Hot Pot wallet keystore; import it with "wallet import-keystore" instead`,
        { format: 'web3-v3' },
      );
    }
    throw new WalletError(
      'KEYSTORE_FOREIGN',
      `${where} is not a Hot Pot wallet keystore (kind is ${JSON.stringify(obj['kind'] ?? null)}, expected "${KEYSTORE_KIND}")`,
      { format: 'unknown' },
    );
  }
  if (obj['version'] !== KEYSTORE_VERSION) {
    throw new WalletError(
      'KEYSTORE_VERSION',
      `${where} has version ${JSON.stringify(obj['version'])}; this program reads version ${KEYSTORE_VERSION} (update the program to open it)`,
      { version: String(obj['version']) },
    );
  }
  const parsed = KeystoreSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue ? issue.path.join('.') : '?';
    throw new WalletError(
      'KEYSTORE_CORRUPT',
      `${where} is damaged: field "${path}" is invalid (${issue?.message ?? 'bad value'}); restore it from a backup or re-import the recovery phrase`,
      { field: path },
    );
  }
  const { checksum, ...body } = parsed.data;
  if (bytesToHex(sha256(new TextEncoder().encode(canonicalJson(body)))) !== checksum) {
    throw new WalletError(
      'KEYSTORE_CORRUPT',
      `${where} is damaged: its checksum does not match its contents (it was edited or corrupted); restore it from a backup or re-import the recovery phrase`,
    );
  }
  return parsed.data;
}

function passwordCheck(checkKey: Uint8Array, id: Uint8Array, salt: Uint8Array): Uint8Array {
  const msg = new Uint8Array(CHECK_LABEL.length + id.length + salt.length);
  msg.set(CHECK_LABEL, 0);
  msg.set(id, CHECK_LABEL.length);
  msg.set(salt, CHECK_LABEL.length + id.length);
  return hmac(sha256, checkKey, msg);
}

function aadOf(head: Omit<KeystoreFile, 'ciphertext' | 'checksum'>): Uint8Array {
  return new TextEncoder().encode(canonicalJson(head));
}

function tampered(why: string): WalletError {
  return new WalletError(
    'KEYSTORE_TAMPERED',
    `the keystore was altered after it was written (${why}); the password is right, but the file cannot be trusted: restore it from a backup or re-import the recovery phrase`,
  );
}

// Binary layout of the encrypted part (version 1):
//   u8 version | u8 entropyLen (0 = none) | entropy | u16be importedCount | (20-byte address ‖ 32-byte key)*
// Binary rather than JSON so every secret byte can be zeroed after use.
function encodeSecrets(s: WalletSecrets): Uint8Array {
  const entropyLen = s.entropy?.length ?? 0;
  const out = new Uint8Array(2 + entropyLen + 2 + s.imported.length * 52);
  out[0] = PAYLOAD_VERSION;
  out[1] = entropyLen;
  if (s.entropy) out.set(s.entropy, 2);
  let o = 2 + entropyLen;
  out[o] = s.imported.length >> 8;
  out[o + 1] = s.imported.length & 0xff;
  o += 2;
  for (const k of s.imported) {
    if (k.privateKey.length !== 32)
      throw new WalletError(
        'BAD_ARGUMENT',
        `expected a 32-byte private key, got ${k.privateKey.length} bytes`,
      );
    out.set(hexToBytes(k.address.slice(2)), o);
    out.set(k.privateKey, o + 20);
    o += 52;
  }
  return out;
}

function decodeSecrets(b: Uint8Array): WalletSecrets {
  if (b.length < 4 || b[0] !== PAYLOAD_VERSION) throw tampered('the encrypted part has an unknown layout');
  const entropyLen = b[1]!;
  if (entropyLen !== 0 && ![16, 20, 24, 28, 32].includes(entropyLen))
    throw tampered(`the stored entropy has ${entropyLen} bytes`);
  let o = 2 + entropyLen;
  if (b.length < o + 2) throw tampered('the encrypted part is short');
  const entropy = entropyLen === 0 ? null : b.slice(2, 2 + entropyLen);
  const count = (b[o]! << 8) | b[o + 1]!;
  o += 2;
  if (b.length !== o + count * 52) throw tampered('the encrypted part has the wrong length');
  const imported: WalletSecrets['imported'] = [];
  for (let i = 0; i < count; i++, o += 52) {
    imported.push({ address: `0x${bytesToHex(b.subarray(o, o + 20))}`, privateKey: b.slice(o + 20, o + 52) });
  }
  return { entropy, imported };
}

function checkSecretsMatchAccounts(s: WalletSecrets, accounts: KeystoreAccount[]): void {
  const importedAddrs = accounts.filter((a) => a.type === 'imported').map((a) => a.address);
  if (
    importedAddrs.length !== s.imported.length ||
    importedAddrs.some((a, i) => a !== s.imported[i]!.address)
  ) {
    throw new WalletError(
      'KEYSTORE_TAMPERED',
      'the imported accounts listed in the keystore do not match its encrypted keys; restore it from a backup',
    );
  }
  if (s.entropy === null && accounts.some((a) => a.type === 'hd')) {
    throw new WalletError(
      'KEYSTORE_TAMPERED',
      'the keystore lists recovery-phrase accounts but holds no recovery phrase; restore it from a backup',
    );
  }
}
