import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { getPublicKey, isCanonicalSignature, nobleVerifier, signCompact } from '../../../main/chain/keys';
import { OpenSslVerifier } from '../../../main/node/verifier';

describe('OpenSslVerifier', () => {
  const ossl = new OpenSslVerifier();

  it('agrees with noble on valid signatures and on every kind of tampering', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.integer({ min: 0, max: 95 }),
        (seed, msg, flip) => {
          const key = secp256k1.utils.isValidSecretKey(seed)
            ? seed
            : secp256k1.utils.randomSecretKey(seed.length === 32 ? seed : undefined);
          const pub = getPublicKey(key);
          const sig = signCompact(msg, key);
          expect(ossl.verify(sig, msg, pub)).toBe(true);
          expect(nobleVerifier.verify(sig, msg, pub)).toBe(true);
          // Flip one bit of the signature, the message or the key.
          const s2 = sig.slice();
          const m2 = msg.slice();
          if (flip < 64) s2[flip] = (s2[flip] as number) ^ 1;
          else m2[flip - 64] = (m2[flip - 64] as number) ^ 1;
          if (!isCanonicalSignature(s2)) return; // the chain never passes such signatures to a verifier
          expect(ossl.verify(s2, m2, pub)).toBe(nobleVerifier.verify(s2, m2, pub));
          expect(ossl.verify(s2, m2, pub)).toBe(false);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('refuses keys that are not points and wrong lengths without throwing', () => {
    const msg = new Uint8Array(32).fill(1);
    const key = new Uint8Array(32).fill(7);
    const sig = signCompact(msg, key);
    const notAPoint = new Uint8Array(33).fill(0xff);
    notAPoint[0] = 2;
    expect(ossl.verify(sig, msg, notAPoint)).toBe(false);
    expect(ossl.verify(sig.subarray(0, 63), msg, getPublicKey(key))).toBe(false);
    expect(ossl.verify(sig, msg, getPublicKey(key).subarray(0, 32))).toBe(false);
  });
});
