import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gcm } from '@noble/ciphers/aes.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { VideoError } from './errors';

/** File in the data dir holding the node's secret: 16 bytes of salt, then 32 random bytes. Mode 0600. */
export const NODE_SECRET_FILE = 'node-secret.key';
const SECRET_FILE_BYTES = 48;
const NONCE_BYTES = 12;
const PREFIX = 'v2:';
/** Domain separation of the derived key (HKDF info). */
const HKDF_INFO = new TextEncoder().encode('hotpot/camera-credentials/v2');

/** Options of {@link SecretBox.open}. */
export interface SecretBoxOptions {
  dataDir: string;
}

/**
 * Encrypts small secrets (camera passwords) at rest: AES-256-GCM with a fresh random nonce per
 * encryption, under a key derived with HKDF-SHA256 from the node's random 256-bit secret in the data dir.
 * A memory-hard KDF (scrypt) is for low-entropy passwords; over a random 32-byte secret it adds no
 * strength and cost ~0.8 s of every start, so it is not used here.
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
    const key = hkdf(sha256, secret, salt, HKDF_INFO, 32);
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
        `stored secret has an unknown format (expected "${PREFIX}…", e.g. sealed by an older build); re-enter the camera password`,
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
