import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/ciphers/utils.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { PublishError } from '../../../../main/video/publish/errors';
import {
  HEADER_BYTES,
  envelopeBytes,
  openEnvelope,
  sealChunks,
  sealEnvelope,
} from '../../../../main/video/publish/envelope';
import { isKeyText, parseKey } from '../../../../main/video/publish/hq-key';
import { Prng } from '../../../../main/common/prng';

/** Seeded randomness, so a failing case replays. */
function seeded(seed: number): (n: number) => Uint8Array {
  const rng = new Prng(seed);
  return (n) => Uint8Array.from({ length: n }, () => rng.nextU32() & 0xff);
}

const hq = x25519.keygen(new Uint8Array(32).fill(7));
const other = x25519.keygen(new Uint8Array(32).fill(9));
const bytes = (n: number, seed = 1): Uint8Array => seeded(seed)(n);

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PublishError);
    return (err as PublishError).code;
  }
  return 'no error';
}

describe('media envelope v1', () => {
  it('XChaCha20-Poly1305 as called here gives draft-irtf-cfrg-xchacha-03 A.3.1', () => {
    const plaintext = utf8ToBytes(
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
    );
    const key = hexToBytes('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f');
    const nonce = hexToBytes('404142434445464748494a4b4c4d4e4f5051525354555657');
    const aad = hexToBytes('50515253c0c1c2c3c4c5c6c7');
    const sealed = xchacha20poly1305(key, nonce, aad).encrypt(plaintext);
    expect(bytesToHex(sealed)).toBe(
      'bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a82f4eda7e39' +
        'ae64c6708c54c216cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9' +
        '21f9664c97637da9768812f615c68b13b52e' +
        'c0875924c1c7987947deafd8780acf49',
    );
    expect(xchacha20poly1305(key, nonce, aad).decrypt(sealed)).toEqual(plaintext);
  });

  it.each([0, 1, 100, 4096, 4097, 3 * 4096])('round-trips %i bytes in 4 KiB chunks', async (n) => {
    const plain = bytes(n, n);
    const env = await sealEnvelope(plain, hq.publicKey, { chunkBytes: 4096, random: seeded(n + 1) });
    expect(env.length).toBe(envelopeBytes(n, 4096));
    const { plaintext, header } = openEnvelope(env, hq.secretKey);
    expect(plaintext).toEqual(plain);
    expect(header.plainBytes).toBe(n);
  });

  it('seals the same file twice into two different envelopes', async () => {
    const plain = bytes(1000);
    const a = await sealEnvelope(plain, hq.publicKey);
    const b = await sealEnvelope(plain, hq.publicKey);
    expect(bytesToHex(a)).not.toBe(bytesToHex(b));
  });

  it('fails with a typed error when any byte is flipped (header, every chunk, every tag)', async () => {
    const env = await sealEnvelope(bytes(300), hq.publicKey, { chunkBytes: 100, random: seeded(3) });
    for (let i = 0; i < env.length; i++) {
      const bad = env.slice();
      bad[i]! ^= 0x01;
      const c = code(() => openEnvelope(bad, hq.secretKey));
      // magic, version and the size fields are refused as such; everything else does not authenticate
      expect(['BAD_ENVELOPE', 'CANNOT_DECRYPT'], `byte ${i}`).toContain(c);
      if (i >= 5 && i < 53) expect(c, `byte ${i}`).toBe('CANNOT_DECRYPT');
      if (i >= HEADER_BYTES) expect(c, `byte ${i}`).toBe('CANNOT_DECRYPT');
    }
  });

  it('refuses a cut-off, padded or reordered envelope', async () => {
    const env = await sealEnvelope(bytes(300), hq.publicKey, { chunkBytes: 100, random: seeded(4) });
    expect(code(() => openEnvelope(env.subarray(0, env.length - 116), hq.secretKey))).toBe('BAD_ENVELOPE');
    expect(code(() => openEnvelope(new Uint8Array([...env, 0]), hq.secretKey))).toBe('BAD_ENVELOPE');
    const swapped = env.slice();
    swapped.set(env.subarray(HEADER_BYTES, HEADER_BYTES + 116), HEADER_BYTES + 116);
    swapped.set(env.subarray(HEADER_BYTES + 116, HEADER_BYTES + 232), HEADER_BYTES);
    expect(code(() => openEnvelope(swapped, hq.secretKey))).toBe('CANNOT_DECRYPT');
  });

  it('cannot be opened with another key', async () => {
    const env = await sealEnvelope(bytes(5000), hq.publicKey);
    expect(code(() => openEnvelope(env, other.secretKey))).toBe('CANNOT_DECRYPT');
  });

  it('refuses to seal a stream that is not the indexed file (FILE_CHANGED)', async () => {
    const plain = bytes(1000);
    const changed = plain.slice();
    changed[10]! ^= 1;
    const source = (async function* () {
      yield changed;
    })();
    const { sha256 } = await import('@noble/hashes/sha2.js');
    const run = async (): Promise<void> => {
      for await (const _ of sealChunks(
        source,
        { plainBytes: 1000, plainSha256: sha256(plain) },
        hq.publicKey,
      )) {
        // drain
      }
    };
    await expect(run()).rejects.toMatchObject({ code: 'FILE_CHANGED' });
  });

  it('reads keys in hex and base64 and refuses others', () => {
    const hex = bytesToHex(hq.publicKey);
    expect(parseKey(hex, 'k')).toEqual(hq.publicKey);
    expect(parseKey(`0x${hex}`, 'k')).toEqual(hq.publicKey);
    expect(parseKey(Buffer.from(hq.publicKey).toString('base64'), 'k')).toEqual(hq.publicKey);
    expect(isKeyText(hex.slice(2))).toBe(false);
    expect(code(() => parseKey('abc', 'video.hqPublicKey'))).toBe('BAD_KEY');
  });
});
