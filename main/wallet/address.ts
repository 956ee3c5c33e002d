/**
 * Ethereum-style addresses for the wallet. Pure.
 *
 * TEMPORARY: `main/chain/keys.ts` (the chain module) will own address derivation and EIP-55; once it
 * lands this file re-exports from there so the project keeps one copy.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { Address } from '../chain/types';
import { WalletError } from './errors';

/** Address (lowercase 0x hex) of a secp256k1 public key (33 or 65 bytes): last 20 bytes of keccak-256 of the uncompressed key without 0x04. */
export function publicKeyToAddress(publicKey: Uint8Array): Address {
  const uncompressed = secp256k1.Point.fromBytes(publicKey).toBytes(false);
  return `0x${bytesToHex(keccak_256(uncompressed.subarray(1)).subarray(12))}`;
}

/** Address (lowercase 0x hex) of a 32-byte secp256k1 private key. */
export function privateKeyToAddress(privateKey: Uint8Array): Address {
  return publicKeyToAddress(secp256k1.getPublicKey(privateKey, false));
}

/**
 * EIP-55 mixed-case checksum form of an address.
 *
 * @example toChecksumAddress('0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359') === '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359'
 */
export function toChecksumAddress(address: string): string {
  const lower = normalizeAddressShape(address);
  const hex = lower.slice(2);
  const hash = bytesToHex(keccak_256(new TextEncoder().encode(hex)));
  let out = '0x';
  for (let i = 0; i < hex.length; i++) {
    const c = hex[i]!;
    out += parseInt(hash[i]!, 16) >= 8 ? c.toUpperCase() : c;
  }
  return out;
}

/**
 * Parses an address typed by a person: 0x + 40 hex digits. All-lowercase or all-uppercase input has
 * no checksum and is accepted as is; mixed case must match EIP-55 exactly, so a typo is caught.
 * Returns the lowercase form used inside the system.
 */
export function parseAddress(input: string): Address {
  const s = input.trim();
  const lower = normalizeAddressShape(s);
  const body = s.slice(2);
  const mixed = body !== body.toLowerCase() && body !== body.toUpperCase();
  if (mixed && toChecksumAddress(lower) !== s) {
    throw new WalletError('BAD_ADDRESS', `address ${s} has a wrong EIP-55 checksum (a character is mistyped); copy the address again`, { address: s });
  }
  return lower;
}

function normalizeAddressShape(s: string): Address {
  if (!/^0x[0-9a-fA-F]{40}$/.test(s)) {
    throw new WalletError('BAD_ADDRESS', `expected an address of 0x and 40 hex digits, got ${JSON.stringify(s.slice(0, 60))}`, { address: s.slice(0, 60) });
  }
  return `0x${s.slice(2).toLowerCase()}`;
}
