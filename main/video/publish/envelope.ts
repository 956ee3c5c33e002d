/**
 * The envelope a recording travels to HQ in, version 1: sealed to HQ's X25519 public key, so only HQ
 * reads it, wherever its blocks are stored or copied.
 *
 * ```
 * header (97 bytes, authenticated as every chunk's associated data):
 *   magic        4   "HPME" (Hot Pot media envelope)
 *   version      1   0x01
 *   ephemeral   32   the sender's one-time X25519 public key
 *   noncePrefix 16   random
 *   chunkBytes   4   plaintext bytes per chunk, u32 big-endian (1 MiB by default), 1 .. 16 MiB
 *   plainBytes   8   plaintext length, u64 big-endian
 *   sha256      32   the plaintext's SHA-256 (what `anchor-media` anchored)
 * then ceil(plainBytes / chunkBytes) chunks (one, empty, for an empty plaintext), each
 *   XChaCha20-Poly1305(key, noncePrefix ‖ u64be(index), chunk, header ‖ [last ? 1 : 0]) = chunk + 16-byte tag
 *
 * key = HKDF-SHA256(ikm = X25519(ephemeral secret, HQ public), salt = ephemeral ‖ HQ public,
 *                   info = "hotpot media envelope v1", 32 bytes)
 * ```
 *
 * The index in the nonce keeps chunks in order, the last-chunk flag in the associated data stops
 * a cut-off envelope from reading as a whole one, and the header (with the plaintext's length and
 * SHA-256) is authenticated by every chunk, so no byte of the envelope can change unnoticed. Each
 * envelope has its own ephemeral key, hence its own key: sealing the same file twice gives two
 * unrelated envelopes (and CIDs), which is why the chain anchors the plaintext's hash, not this.
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, equalBytes, randomBytes, utf8ToBytes } from '@noble/ciphers/utils.js';
import { PublishError } from './errors';

/** The envelope's magic bytes, "HPME". */
export const ENVELOPE_MAGIC = utf8ToBytes('HPME');
/** The only version this file writes and reads. */
export const ENVELOPE_VERSION = 1;
/** Bytes of the header. */
export const HEADER_BYTES = 4 + 1 + 32 + 16 + 4 + 8 + 32;
/** Bytes a chunk grows by (the Poly1305 tag). */
export const TAG_BYTES = 16;
/** Plaintext bytes per chunk unless told otherwise. */
export const DEFAULT_CHUNK_BYTES = 1 << 20;
const MAX_CHUNK_BYTES = 16 << 20;
const HKDF_INFO = utf8ToBytes('hotpot media envelope v1');

/** The header of an envelope, parsed. */
export interface EnvelopeHeader {
  ephemeralPublicKey: Uint8Array;
  noncePrefix: Uint8Array;
  chunkBytes: number;
  plainBytes: number;
  /** The plaintext's SHA-256. */
  sha256: Uint8Array;
}

/** Options of {@link sealChunks} and {@link sealEnvelope}. */
export interface SealOptions {
  chunkBytes?: number;
  /** Randomness for the ephemeral key and the nonce prefix (tests pass a seeded one). */
  random?: (bytes: number) => Uint8Array;
}

/** Bytes of the envelope of a plaintext of `plainBytes` in chunks of `chunkBytes`. */
export function envelopeBytes(plainBytes: number, chunkBytes = DEFAULT_CHUNK_BYTES): number {
  return HEADER_BYTES + chunkCount(plainBytes, chunkBytes) * TAG_BYTES + plainBytes;
}

function chunkCount(plainBytes: number, chunkBytes: number): number {
  return Math.max(1, Math.ceil(plainBytes / chunkBytes));
}

function encodeHeader(h: EnvelopeHeader): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES);
  const view = new DataView(out.buffer);
  out.set(ENVELOPE_MAGIC, 0);
  out[4] = ENVELOPE_VERSION;
  out.set(h.ephemeralPublicKey, 5);
  out.set(h.noncePrefix, 37);
  view.setUint32(53, h.chunkBytes);
  view.setBigUint64(57, BigInt(h.plainBytes));
  out.set(h.sha256, 65);
  return out;
}

/** Parses and checks an envelope's header (`BAD_ENVELOPE` when it is not one of version 1). */
export function decodeHeader(bytes: Uint8Array): EnvelopeHeader {
  if (bytes.length < HEADER_BYTES)
    throw new PublishError(
      'BAD_ENVELOPE',
      `an envelope is at least ${HEADER_BYTES} bytes, got ${bytes.length}`,
    );
  if (!equalBytes(bytes.subarray(0, 4), ENVELOPE_MAGIC))
    throw new PublishError('BAD_ENVELOPE', 'these bytes are not a Hot Pot media envelope (no "HPME" magic)');
  if (bytes[4] !== ENVELOPE_VERSION)
    throw new PublishError('BAD_ENVELOPE', `envelope version ${bytes[4]} is not one this node reads (1)`, {
      version: bytes[4],
    });
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  const chunkBytes = view.getUint32(53);
  const plainBytes = view.getBigUint64(57);
  if (chunkBytes < 1 || chunkBytes > MAX_CHUNK_BYTES)
    throw new PublishError('BAD_ENVELOPE', `chunk size ${chunkBytes} is outside 1 .. ${MAX_CHUNK_BYTES}`);
  if (plainBytes > BigInt(Number.MAX_SAFE_INTEGER))
    throw new PublishError('BAD_ENVELOPE', `plaintext length ${plainBytes} is too large`);
  return {
    ephemeralPublicKey: bytes.slice(5, 37),
    noncePrefix: bytes.slice(37, 53),
    chunkBytes,
    plainBytes: Number(plainBytes),
    sha256: bytes.slice(65, 97),
  };
}

function chunkKey(shared: Uint8Array, ephemeral: Uint8Array, hqPublic: Uint8Array): Uint8Array {
  return hkdf(sha256, shared, concatBytes(ephemeral, hqPublic), HKDF_INFO, 32);
}

function chunkNonce(prefix: Uint8Array, index: number): Uint8Array {
  const nonce = new Uint8Array(24);
  nonce.set(prefix, 0);
  new DataView(nonce.buffer).setBigUint64(16, BigInt(index));
  return nonce;
}

function chunkAad(header: Uint8Array, last: boolean): Uint8Array {
  return concatBytes(header, Uint8Array.of(last ? 1 : 0));
}

/** Re-cuts a stream of byte arrays into pieces of exactly `size` bytes (the last may be shorter). */
async function* rechunk(source: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Uint8Array> {
  let buf: Uint8Array = new Uint8Array(0);
  for await (const piece of source) {
    buf = buf.length === 0 ? piece : concatBytes(buf, piece);
    while (buf.length >= size) {
      yield buf.slice(0, size);
      buf = buf.subarray(size);
    }
  }
  yield buf;
}

/**
 * Seals a plaintext given as a stream, whose length and SHA-256 are known beforehand (a recorded
 * segment's, from the index), and yields the envelope piece by piece: the header, then each sealed
 * chunk. Throws `FILE_CHANGED` at the end when the stream was not `plainBytes` long or did not hash
 * to `plainSha256` (the consumer must then drop what it got).
 *
 * @example for await (const part of sealChunks(createReadStream(path), { plainBytes, plainSha256 }, hqPublicKey)) add(part);
 */
export async function* sealChunks(
  source: AsyncIterable<Uint8Array>,
  plain: { plainBytes: number; plainSha256: Uint8Array },
  hqPublicKey: Uint8Array,
  opts: SealOptions = {},
): AsyncGenerator<Uint8Array> {
  const random = opts.random ?? randomBytes;
  const chunkBytes = opts.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  if (!Number.isInteger(chunkBytes) || chunkBytes < 1 || chunkBytes > MAX_CHUNK_BYTES)
    throw new PublishError('BAD_ENVELOPE', `chunk size ${chunkBytes} is outside 1 .. ${MAX_CHUNK_BYTES}`);
  const ephemeralSecret = random(32);
  const ephemeralPublicKey = x25519.getPublicKey(ephemeralSecret);
  const shared = x25519.getSharedSecret(ephemeralSecret, hqPublicKey);
  ephemeralSecret.fill(0);
  const key = chunkKey(shared, ephemeralPublicKey, hqPublicKey);
  const header = encodeHeader({
    ephemeralPublicKey,
    noncePrefix: random(16),
    chunkBytes,
    plainBytes: plain.plainBytes,
    sha256: plain.plainSha256,
  });
  const noncePrefix = header.slice(37, 53);
  yield header;
  const total = chunkCount(plain.plainBytes, chunkBytes);
  const hash = sha256.create();
  let index = 0;
  let seen = 0;
  for await (const chunk of rechunk(source, chunkBytes)) {
    if (chunk.length === 0 && index > 0) break;
    hash.update(chunk);
    seen += chunk.length;
    if (index >= total) break;
    const aad = chunkAad(header, index === total - 1);
    yield xchacha20poly1305(key, chunkNonce(noncePrefix, index), aad).encrypt(chunk);
    index++;
  }
  if (seen !== plain.plainBytes || index !== total || !equalBytes(hash.digest(), plain.plainSha256))
    throw new PublishError(
      'FILE_CHANGED',
      `the file is not the one indexed (${seen} bytes read, ${plain.plainBytes} expected, or another SHA-256); it was not published`,
      { bytes: seen, expectedBytes: plain.plainBytes },
    );
}

/**
 * Seals `plaintext` to `hqPublicKey` in one call.
 *
 * @example const env = await sealEnvelope(bytes, hqPublicKey); openEnvelope(env, hqSecretKey) // bytes
 */
export async function sealEnvelope(
  plaintext: Uint8Array,
  hqPublicKey: Uint8Array,
  opts: SealOptions = {},
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const source = (async function* () {
    yield plaintext;
  })();
  const plain = { plainBytes: plaintext.length, plainSha256: sha256(plaintext) };
  for await (const part of sealChunks(source, plain, hqPublicKey, opts)) parts.push(part);
  return concatBytes(...parts);
}

/**
 * Opens an envelope with HQ's X25519 secret key and gives the plaintext, checked against the SHA-256
 * sealed in its header. `CANNOT_DECRYPT` when it was sealed to another key or any byte was changed,
 * `BAD_ENVELOPE` when it is not an envelope of version 1 or its length is wrong.
 *
 * @example const { plaintext, header } = openEnvelope(bytes, hqSecretKey);
 */
export function openEnvelope(
  envelope: Uint8Array,
  hqSecretKey: Uint8Array,
): { plaintext: Uint8Array; header: EnvelopeHeader } {
  const header = decodeHeader(envelope);
  const total = chunkCount(header.plainBytes, header.chunkBytes);
  if (envelope.length !== envelopeBytes(header.plainBytes, header.chunkBytes))
    throw new PublishError(
      'BAD_ENVELOPE',
      `the envelope is ${envelope.length} bytes; its header says ${envelopeBytes(header.plainBytes, header.chunkBytes)} (cut off or padded)`,
    );
  const headerBytes = envelope.subarray(0, HEADER_BYTES);
  const hqPublicKey = x25519.getPublicKey(hqSecretKey);
  let key: Uint8Array;
  try {
    key = chunkKey(
      x25519.getSharedSecret(hqSecretKey, header.ephemeralPublicKey),
      header.ephemeralPublicKey,
      hqPublicKey,
    );
  } catch (err) {
    // noble refuses a low-order ephemeral key: no honest sender makes one.
    throw new PublishError(
      'CANNOT_DECRYPT',
      "the envelope's ephemeral key is not usable (it was changed)",
      {},
      { cause: err },
    );
  }
  const plaintext = new Uint8Array(header.plainBytes);
  let at = HEADER_BYTES;
  for (let i = 0; i < total; i++) {
    const plainLen = i === total - 1 ? header.plainBytes - i * header.chunkBytes : header.chunkBytes;
    const sealed = envelope.subarray(at, at + plainLen + TAG_BYTES);
    at += sealed.length;
    try {
      const aad = chunkAad(headerBytes, i === total - 1);
      plaintext.set(
        xchacha20poly1305(key, chunkNonce(header.noncePrefix, i), aad).decrypt(sealed),
        i * header.chunkBytes,
      );
    } catch (err) {
      throw new PublishError(
        'CANNOT_DECRYPT',
        `chunk ${i} of the envelope does not authenticate: it was sealed to another key than this one, or it was changed`,
        { chunk: i },
        { cause: err },
      );
    }
  }
  const digest = sha256(plaintext);
  if (!equalBytes(digest, header.sha256))
    throw new PublishError(
      'HASH_MISMATCH',
      `the plaintext's SHA-256 ${bytesToHex(digest)} is not the one its sender sealed (${bytesToHex(header.sha256)})`,
      { sha256: bytesToHex(digest), sealed: bytesToHex(header.sha256) },
    );
  return { plaintext, header };
}
