/**
 * The fast signature path the chain module allows (`SignatureVerifier` in `main/chain/keys.ts`):
 * ECDSA-SHA256 over secp256k1 through OpenSSL (`node:crypto.verify`), about 4× faster than pure
 * JavaScript. The chain only hands it canonical (low-S, in-range) 64-byte signatures and valid
 * 33-byte compressed keys, on which OpenSSL and noble agree (test/unit/node/verifier.test.ts checks it).
 * Parsed public keys are kept (bounded), since one sender usually signs many transactions.
 */
import { type KeyObject, createPublicKey, verify as osslVerify } from 'node:crypto';
import type { SignatureVerifier } from '../chain/keys';

// DER SubjectPublicKeyInfo prefix of a compressed secp256k1 key (id-ecPublicKey, secp256k1, BIT STRING of 33 bytes).
const SPKI_PREFIX = Buffer.from('3036301006072a8648ce3d020106052b8104000a032200', 'hex');

/**
 * A `SignatureVerifier` backed by OpenSSL, with a cache of parsed keys.
 *
 * @example applyBlock(view, block, { config, verify: { verifier: new OpenSslVerifier(), cache } });
 */
export class OpenSslVerifier implements SignatureVerifier {
  private readonly keys = new Map<string, KeyObject>();
  /** Number of signature checks performed (for the benchmark). */
  count = 0;

  constructor(private readonly maxKeys = 50_000) {}

  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
    if (publicKey.length !== 33 || signature.length !== 64) return false;
    this.count++;
    const id = Buffer.from(publicKey).toString('hex');
    let key = this.keys.get(id);
    if (!key) {
      try {
        key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
      } catch {
        return false;
      }
      if (this.keys.size >= this.maxKeys) this.keys.clear();
      this.keys.set(id, key);
    }
    try {
      return osslVerify('sha256', message, { key, dsaEncoding: 'ieee-p1363' }, signature);
    } catch {
      return false;
    }
  }
}
