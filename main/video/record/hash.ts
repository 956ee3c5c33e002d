import { createReadStream } from 'node:fs';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import * as Digest from 'multiformats/hashes/digest';

/** The multihash code of sha2-256. */
const SHA2_256 = 0x12;

/** A file's fingerprint as anchored on the chain. */
export interface FileHash {
  sha256Hex: string;
  /** CIDv1, raw codec, sha2-256, base32 (`bafkrei…`): what `ipfs add --raw-leaves --cid-version 1` gives a file of one block. */
  cid: string;
  bytes: number;
}

/** CIDv1 (raw, sha2-256) of a SHA-256 digest. */
export function cidOfSha256(digest: Uint8Array): string {
  if (digest.length !== 32) throw new Error(`expected a 32-byte SHA-256 digest, got ${digest.length} bytes`);
  return CID.createV1(raw.code, Digest.create(SHA2_256, digest)).toString();
}

/** The SHA-256 digest inside a CIDv1 string, or undefined when it is not a raw sha2-256 CIDv1. */
export function sha256OfCid(cid: string): Uint8Array | undefined {
  try {
    const c = CID.parse(cid);
    return c.version === 1 && c.multihash.code === SHA2_256 ? c.multihash.digest : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Streams a file through SHA-256 and gives its hex digest and CIDv1.
 *
 * @example const h = await hashFile('seg.mp4'); h.cid // 'bafkrei…'
 */
export async function hashFile(path: string): Promise<FileHash> {
  const h = sha256.create();
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    h.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  const digest = h.digest();
  return { sha256Hex: bytesToHex(digest), cid: cidOfSha256(digest), bytes };
}
