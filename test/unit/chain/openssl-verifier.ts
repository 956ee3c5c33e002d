// An ECDSA-SHA256 secp256k1 verifier backed by OpenSSL (node:crypto). It cannot live in main/chain
// (pure), so it sits here for the tests and the bench; the node layer should own a copy of it
// (main/node/openssl-verifier.ts) and inject it into the chain through `SignatureVerifier`.
import { type KeyObject, createPublicKey, verify } from 'node:crypto';
import type { SignatureVerifier } from '../../../main/chain';

// DER SubjectPublicKeyInfo header for an id-ecPublicKey on secp256k1 with a 33-byte compressed point.
const SPKI_PREFIX = Buffer.from('3036301006072a8648ce3d020106052b8104000a032200', 'hex');

/** A verifier that keeps up to `maxKeys` parsed public keys (one per sender) to skip re-parsing. */
export function createOpenSslVerifier(maxKeys = 50_000): SignatureVerifier {
  const keys = new Map<string, KeyObject>();
  return {
    verify(signature, message, publicKey) {
      const id = Buffer.from(publicKey).toString('hex');
      let key = keys.get(id);
      if (!key) {
        try {
          key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
        } catch {
          return false;
        }
        if (keys.size >= maxKeys) keys.delete(keys.keys().next().value as string);
        keys.set(id, key);
      }
      try {
        return verify('sha256', message, { key, dsaEncoding: 'ieee-p1363' }, signature);
      } catch {
        return false;
      }
    },
  };
}
