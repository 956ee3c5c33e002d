/**
 * HQ's side: fetch a published recording by its CID over bitswap, open it with HQ's private key, and
 * hold its plaintext to the SHA-256 the chain anchored.
 */
import { bytesToHex } from '@noble/ciphers/utils.js';
import { ENVELOPE_VERSION, openEnvelope } from './envelope';
import { PublishError } from './errors';
import type { IpfsNode } from './ipfs-node';

/** A recording HQ fetched and opened. */
export interface FetchedSegment {
  plaintext: Uint8Array;
  /** The plaintext's SHA-256 (hex), equal to the anchored one. */
  sha256: string;
  envelopeBytes: number;
  envelopeVersion: number;
}

/** Options of {@link fetchSegment}. */
export interface FetchSegmentOptions {
  /** HQ's X25519 private key. */
  hqSecretKey: Uint8Array;
  /**
   * The SHA-256 the chain anchored (hex, `0x` allowed): the plaintext must have it. Without it only
   * the SHA-256 sealed in the envelope is checked, and the caller holds `sha256` to the chain.
   */
  anchoredSha256?: string;
  /** Refuse envelopes larger than this (default 4 GiB). */
  maxBytes?: number;
  /** Give up after this long, ms (default 120 s). */
  timeoutMs?: number;
}

/**
 * Fetches `cid` (from the local blockstore or connected peers), decrypts it, and checks the plaintext
 * against the anchored SHA-256. Typed errors: `FETCH_FAILED` (not a CID, no peer gave it in time),
 * `BAD_ENVELOPE`, `CANNOT_DECRYPT` (another key, or changed), `HASH_MISMATCH` (not the anchored file).
 *
 * @example const seg = await fetchSegment(ipfs, cid, { hqSecretKey, anchoredSha256 }); writeFileSync(out, seg.plaintext);
 */
export async function fetchSegment(
  ipfs: IpfsNode,
  cid: string,
  opts: FetchSegmentOptions,
): Promise<FetchedSegment> {
  const timeoutMs = opts.timeoutMs ?? 120_000;
  let envelope: Uint8Array;
  try {
    envelope = await ipfs.cat(cid, {
      maxBytes: opts.maxBytes ?? 4 * 1024 ** 3,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    if (err instanceof PublishError) throw err;
    throw new PublishError(
      'FETCH_FAILED',
      `could not fetch ${cid} within ${timeoutMs} ms: ${(err as Error).message} (is the store that published it connected?)`,
      { cid },
      { cause: err },
    );
  }
  const { plaintext, header } = openEnvelope(envelope, opts.hqSecretKey);
  const sha256 = bytesToHex(header.sha256);
  const anchored = opts.anchoredSha256?.replace(/^0x/, '').toLowerCase();
  if (anchored !== undefined && sha256 !== anchored)
    throw new PublishError(
      'HASH_MISMATCH',
      `${cid} holds a recording with SHA-256 ${sha256}, not the anchored ${anchored}`,
      {
        cid,
        sha256,
        anchored,
      },
    );
  return { plaintext, sha256, envelopeBytes: envelope.length, envelopeVersion: ENVELOPE_VERSION };
}
