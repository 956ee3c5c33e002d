import { concatBytes, hexToBytes as nobleHexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { ChainError } from './errors';
import type { Hex } from './types';

const HEX_PAIRS = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
/** Node's Buffer where there is one (not in the renderer). */
const nodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;

/**
 * Lowercase 0x-prefixed hex of bytes, as a flat string. Joining two digits at a time (what noble's
 * `bytesToHex` does without a built-in `Uint8Array.prototype.toHex`) leaves a rope of one node per
 * byte until something flattens it: about 6 KB of heap per decoded transfer (its signature, key,
 * addresses and hash) instead of about 1 KB, which held a node syncing blocks of 500 transfers at
 * gigabytes. Node's Buffer writes hex fastest; the renderer joins pairs.
 */
export function toHex(bytes: Uint8Array): Hex {
  if (nodeBuffer)
    return `0x${nodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`;
  return toHexByPairs(bytes);
}

/** `toHex` without Node's Buffer (the renderer's way; exported for its test). */
export function toHexByPairs(bytes: Uint8Array): Hex {
  const parts = new Array<string>(bytes.length);
  for (let i = 0; i < bytes.length; i++) parts[i] = HEX_PAIRS[bytes[i] as number] as string;
  return `0x${parts.join('')}`;
}

/**
 * Bytes of a 0x-prefixed hex string, optionally of an exact length. Accepts upper or lower case.
 * Throws `MALFORMED` with the field name when the text is not hex or has the wrong length.
 */
export function fromHex(hex: string, byteLength?: number, field = 'value'): Uint8Array {
  if (typeof hex !== 'string' || !/^0x([0-9a-fA-F]{2})*$/.test(hex)) {
    throw new ChainError('MALFORMED', `${field} must be 0x-prefixed hex with an even number of digits`, {
      field,
    });
  }
  const bytes = nobleHexToBytes(hex.slice(2));
  if (byteLength !== undefined && bytes.length !== byteLength) {
    throw new ChainError('MALFORMED', `${field} must be ${byteLength} bytes, got ${bytes.length}`, {
      field,
      expected: byteLength,
      got: bytes.length,
    });
  }
  return bytes;
}

/** A keccak-256 of the concatenation of the parts. */
export type Keccak256Impl = (...parts: Uint8Array[]) => Uint8Array;

/** keccak-256 in JavaScript (`@noble/hashes`): the reference every other implementation must match. */
export const nobleKeccak256: Keccak256Impl = (...parts) => {
  if (parts.length === 1) return keccak_256(parts[0] as Uint8Array);
  const h = keccak_256.create();
  for (const p of parts) h.update(p);
  return h.digest();
};

let keccakImpl: Keccak256Impl = nobleKeccak256;

/** keccak-256 of the concatenation of the parts. */
export function keccak256(...parts: Uint8Array[]): Uint8Array {
  return keccakImpl(...parts);
}

/**
 * Makes `keccak256` use `impl` (the node's native addon is ~5× faster than JavaScript; hashing is a
 * third of a validator's main-thread time), or noble again with null. The chain stays pure: this
 * swaps one implementation of the same function for another, and `impl` must first give noble's
 * answers on inputs around every block boundary, split in parts, or it is refused with `BAD_KECCAK`.
 */
export function useKeccak256(impl: Keccak256Impl | null): void {
  if (!impl) {
    keccakImpl = nobleKeccak256;
    return;
  }
  const probe = new Uint8Array(409);
  for (let i = 0; i < probe.length; i++) probe[i] = (i * 131 + 7) & 0xff;
  for (const n of [0, 1, 31, 32, 135, 136, 137, 271, 272, 273, 409]) {
    const data = probe.subarray(0, n);
    const cut = n >> 1;
    const want = toHex(nobleKeccak256(data));
    if (
      toHex(impl(data)) !== want ||
      toHex(impl(data.subarray(0, cut), data.subarray(cut))) !== want ||
      toHex(impl(data.subarray(0, 3), new Uint8Array(0), data.subarray(3))) !== want
    ) {
      throw new ChainError('BAD_KECCAK', `the keccak-256 implementation differs from noble on ${n} bytes`);
    }
  }
  keccakImpl = impl;
}

/** keccak-256 as lowercase 0x hex. */
export function keccak256Hex(...parts: Uint8Array[]): Hex {
  return toHex(keccak256(...parts));
}

/** Byte-wise equality. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Byte-wise lexicographic order (-1, 0, 1). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

export { concatBytes, utf8ToBytes };
