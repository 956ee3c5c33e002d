/**
 * The signature check of one encoded transaction, as pure as it can be: decode, canonical r ‖ s, the
 * key hashes to the sender, and the ECDSA-SHA256 check of the signing hash. It returns the key the
 * main thread's `PreverifiedVerifier` looks the triple up by. Used inside the verify worker.
 */
import { fromHex, keccak256, toHex, utf8ToBytes } from '../chain/bytes';
import type { EncodingLimits } from '../chain/encoding';
import { DOMAIN, isCanonicalSignature, publicKeyToAddress, type SignatureVerifier } from '../chain/keys';
import { decodeTx } from '../chain/tx';

/** The lookup key of a (signature, message, public key) triple. */
export function tripleKey(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): string {
  return `${toHex(signature)}${toHex(message).slice(2)}${toHex(publicKey).slice(2)}`;
}

/** Checks one transaction's signature; returns its triple key when it verifies, else null. */
export function checkTxSignatureBytes(bytes: Uint8Array, limits: EncodingLimits, verifier: SignatureVerifier): string | null {
  try {
    const tx = decodeTx(bytes, limits);
    const sig = fromHex(tx.signature, 64, 'signature');
    if (!isCanonicalSignature(sig)) return null;
    const pub = fromHex(tx.publicKey, 33, 'publicKey');
    if (publicKeyToAddress(pub) !== tx.sender) return null;
    const hash = keccak256(utf8ToBytes(DOMAIN.tx), bytes.subarray(0, bytes.length - 64));
    return verifier.verify(sig, hash, pub) ? tripleKey(sig, hash, pub) : null;
  } catch {
    return null;
  }
}
