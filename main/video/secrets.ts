import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gcm } from '@noble/ciphers/aes.js';
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { VideoError } from './errors';

/** File in the data dir holding the node's secret: 16 bytes of salt, then 32 random bytes. Mode 0600. */
export const NODE_SECRET_FILE = 'node-secret.key';
const SECRET_FILE_BYTES = 48;
const NONCE_BYTES = 12;
const PREFIX = 'v1:';

/** Options of {@link SecretBox.open}. */
export interface SecretBoxOptions {
  dataDir: string;
  /** scrypt cost as log2(N). ARCHITECTURE §7 asks for N ≥ 2^17 (the default). */
  scryptLogN?: number;
}

/**
 * Encrypts small secrets (camera passwords) at rest: AES-256-GCM with a fresh random nonce per
 * encryption, under a key derived with scrypt from the node's secret key file in the data dir.
 * The key is derived once per process (scrypt runs in async slices so the event loop keeps moving).
 *
 * @example const box = await SecretBox.open({ dataDir }); const blob = box.seal('hunter2'); box.unseal(blob) === 'hunter2';
 */
export class SecretBox {
  private constructor(private readonly key: Uint8Array) {}

  /** Reads (or creates) the node secret and derives the encryption key. */
  static async open(opts: SecretBoxOptions): Promise<SecretBox> {
    const file = join(opts.dataDir, NODE_SECRET_FILE);
    let raw: Uint8Array;
    if (existsSync(file)) {
      raw = new Uint8Array(readFileSync(file));
      if (raw.length !== SECRET_FILE_BYTES) {
        throw new VideoError(
          'SECRET_CORRUPT',
          `node secret ${file} has ${raw.length} bytes, expected ${SECRET_FILE_BYTES}; restore it from a backup (camera passwords cannot be read without it)`,
          { file },
        );
      }
    } else {
      mkdirSync(dirname(file), { recursive: true });
      raw = new Uint8Array(randomBytes(SECRET_FILE_BYTES));
      const tmp = `${file}.tmp`;
      writeFileSync(tmp, raw, { mode: 0o600 });
      chmodSync(tmp, 0o600);
      renameSync(tmp, file);
    }
    const salt = raw.subarray(0, 16);
    const secret = raw.subarray(16);
    const key = await scryptAsync(secret, salt, {
      N: 2 ** (opts.scryptLogN ?? 17),
      r: 8,
      p: 1,
      dkLen: 32,
      maxmem: 2 ** 28,
    });
    return new SecretBox(key);
  }

  /** Encrypts `plaintext` into a printable string `v1:<base64(nonce ‖ ciphertext ‖ tag)>`. */
  seal(plaintext: string): string {
    const nonce = new Uint8Array(randomBytes(NONCE_BYTES));
    const ct = gcm(this.key, nonce).encrypt(new TextEncoder().encode(plaintext));
    const out = new Uint8Array(NONCE_BYTES + ct.length);
    out.set(nonce, 0);
    out.set(ct, NONCE_BYTES);
    return PREFIX + Buffer.from(out).toString('base64');
  }

  /** Decrypts a string made by {@link seal}; throws SECRET_CORRUPT if it was altered or sealed under another node secret. */
  unseal(sealed: string): string {
    if (!sealed.startsWith(PREFIX))
      throw new VideoError(
        'SECRET_CORRUPT',
        'stored secret has an unknown format (expected "v1:…"); re-enter the camera password',
      );
    const buf = new Uint8Array(Buffer.from(sealed.slice(PREFIX.length), 'base64'));
    if (buf.length < NONCE_BYTES + 16)
      throw new VideoError('SECRET_CORRUPT', 'stored secret is truncated; re-enter the camera password');
    try {
      const pt = gcm(this.key, buf.subarray(0, NONCE_BYTES)).decrypt(buf.subarray(NONCE_BYTES));
      return new TextDecoder().decode(pt);
    } catch (err) {
      throw new VideoError(
        'SECRET_CORRUPT',
        'stored secret does not decrypt with this node secret (was node-secret.key replaced?); re-enter the camera password',
        {},
        { cause: err },
      );
    }
  }
}
