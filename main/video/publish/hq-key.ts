/**
 * HQ's X25519 keys as people write them: 32 bytes in hex (64 digits, `0x` allowed) or base64. The
 * public key is in the config (`video.hqPublicKey`); the private key only ever in HQ's environment
 * (`HOTPOT_HQ_PRIVATE_KEY`), never in a flag or a file of the node.
 */
import { x25519 } from '@noble/curves/ed25519.js';
import { bytesToHex } from '@noble/ciphers/utils.js';
import { PublishError } from './errors';

/** The environment variable `bin/hotpot video fetch` reads HQ's private key from. */
export const HQ_PRIVATE_KEY_ENV = 'HOTPOT_HQ_PRIVATE_KEY';

const HEX_KEY = /^(?:0x)?[0-9a-fA-F]{64}$/;
const BASE64_KEY = /^[A-Za-z0-9+/_-]{43}=?$/;

/** True when `text` is 32 bytes written in hex or base64 (the config schema's check). */
export function isKeyText(text: string): boolean {
  return HEX_KEY.test(text.trim()) || BASE64_KEY.test(text.trim());
}

/**
 * Reads a 32-byte key written in hex or base64; `BAD_KEY` with what was wrong otherwise.
 *
 * @example parseKey(config.video.hqPublicKey, 'video.hqPublicKey')
 */
export function parseKey(text: string, what: string): Uint8Array {
  const t = text.trim();
  if (HEX_KEY.test(t)) return Uint8Array.from(Buffer.from(t.replace(/^0x/, ''), 'hex'));
  if (BASE64_KEY.test(t)) {
    const bytes = Uint8Array.from(Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
    if (bytes.length === 32) return bytes;
  }
  throw new PublishError(
    'BAD_KEY',
    `${what} must be a 32-byte X25519 key in hex (64 digits) or base64 (43-44 characters), got ${t.length} characters`,
    { what },
  );
}

/**
 * A new HQ key pair, both halves in hex (for HQ to keep the private half and configure the public one).
 *
 * @example const { publicKeyHex, privateKeyHex } = newHqKeyPair();
 */
export function newHqKeyPair(): { publicKeyHex: string; privateKeyHex: string } {
  const { secretKey, publicKey } = x25519.keygen();
  return { publicKeyHex: bytesToHex(publicKey), privateKeyHex: bytesToHex(secretKey) };
}
