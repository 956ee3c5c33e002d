/**
 * The signature check of one encoded transaction, done by the chain's own `verifyTxSignature` (so it
 * follows the chain's format and rules exactly) with a verifier that records the (signature, message,
 * key) triple it approved. The main thread's `PreverifiedVerifier` looks triples up by this key. Used
 * inside the verify worker.
 */
import { toHex } from '../chain/bytes';
import type { EncodingLimits } from '../chain/encoding';
import type { SignatureVerifier } from '../chain/keys';
import { decodeTx } from '../chain/tx/codec';
import { verifyTxSignature } from '../chain/tx/signing';

/** The lookup key of a (signature, message, public key) triple. */
export function tripleKey(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): string {
  return `${toHex(signature)}${toHex(message).slice(2)}${toHex(publicKey).slice(2)}`;
}

/** Checks one transaction's signature; returns the approved triple's key when it verifies, else null. */
export function checkTxSignatureBytes(
  bytes: Uint8Array,
  limits: EncodingLimits,
  verifier: SignatureVerifier,
): string | null {
  let key: string | null = null;
  const recording: SignatureVerifier = {
    verify(signature, message, publicKey) {
      const ok = verifier.verify(signature, message, publicKey);
      if (ok) key = tripleKey(signature, message, publicKey);
      return ok;
    },
  };
  try {
    verifyTxSignature(decodeTx(bytes, limits), { verifier: recording, limits }, bytes);
    return key;
  } catch {
    return null;
  }
}
