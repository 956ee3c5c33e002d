/**
 * The fast signature paths the chain module allows (`SignatureVerifier` in `main/chain/keys.ts`),
 * ECDSA-SHA256 over secp256k1:
 * - `NativeVerifier`: libsecp256k1 through the `secp256k1` package's N-API prebuild, ~28,000
 *   verifications/s per core here (noble ~1,000, OpenSSL ~3,500), and key recovery for votes at ~23,000/s;
 * - `OpenSslVerifier`: `node:crypto.verify`, the fallback where the native module does not load.
 * `fastVerifier()` picks the first that works. The chain only hands a verifier canonical (low-S,
 * in-range) 64-byte signatures and valid 33-byte compressed keys, on which all three agree
 * (test/unit/node/verifier.test.ts checks it).
 */
import { type KeyObject, createHash, createPublicKey, verify as osslVerify } from 'node:crypto';
import { createRequire } from 'node:module';
import type { SignatureVerifier } from '../chain/keys';

type Libsecp = typeof import('secp256k1/bindings.js');

let libsecp: Libsecp | null | undefined;

/** libsecp256k1's bindings, or null when its native module cannot load here (then OpenSSL is used). */
export function loadLibsecp256k1(): Libsecp | null {
  if (libsecp === undefined) {
    try {
      libsecp = createRequire(import.meta.url)('secp256k1/bindings.js') as Libsecp;
    } catch {
      libsecp = null;
    }
  }
  return libsecp;
}

/** The ECDSA message digest of a signing hash: SHA-256, as `@noble/curves` signs by default. */
function digest(message: Uint8Array): Uint8Array {
  return createHash('sha256').update(message).digest();
}

/**
 * A `SignatureVerifier` backed by libsecp256k1, with recovery. Construct it through `fastVerifier()`
 * unless the native module is known to load.
 *
 * @example const v = new NativeVerifier(loadLibsecp256k1()!); v.verify(sig, signingHash, compressedKey);
 */
export class NativeVerifier implements SignatureVerifier {
  /** Number of signature checks performed (for the benchmark). */
  count = 0;

  constructor(private readonly lib: Libsecp) {}

  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
    if (publicKey.length !== 33 || signature.length !== 64 || message.length !== 32) return false;
    this.count++;
    try {
      return this.lib.ecdsaVerify(signature, digest(message), publicKey);
    } catch {
      return false;
    }
  }

  recover(signature: Uint8Array, v: number, message: Uint8Array): Uint8Array | null {
    if (signature.length !== 64 || message.length !== 32 || (v !== 0 && v !== 1)) return null;
    this.count++;
    try {
      return this.lib.ecdsaRecover(signature, v, digest(message), false).subarray(1);
    } catch {
      return null;
    }
  }
}

/** The fastest verifier that works here: libsecp256k1, else OpenSSL. */
export function fastVerifier(): NativeVerifier | OpenSslVerifier {
  const lib = loadLibsecp256k1();
  return lib ? new NativeVerifier(lib) : new OpenSslVerifier();
}

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
