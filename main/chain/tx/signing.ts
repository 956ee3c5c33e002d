/**
 * How a transaction is signed and how its signature is checked (pure).
 *
 * The sender's raw 64-byte public key (x ‖ y) travels in the transaction and must hash to `sender`
 * (keccak, last 20 bytes: no point decompression, which measured slower than an OpenSSL verify; the
 * point is checked to be on the curve and handed to the verifier compressed); the signature
 * is the 64-byte compact `r ‖ s` (low-S) over `keccak256("hotpot:tx:v1" ‖ encoding without the
 * signature)`. Carrying the key lets a node verify with plain ECDSA (OpenSSL through an injected
 * `SignatureVerifier`) instead of public-key recovery, which is the slow part; and omitting the
 * recovery byte keeps one valid encoding per transaction, since a verifier that does not recover
 * cannot check it (two verifiers must never disagree about a block).
 */
import { fromHex, keccak256, toHex, utf8ToBytes } from '../bytes';
import { type EncodingLimits, DEFAULT_LIMITS } from '../encoding';
import { ChainError } from '../errors';
import {
  DOMAIN,
  compressRawPublicKey,
  getRawPublicKey,
  isCanonicalSignature,
  nobleVerifier,
  rawPublicKeyToAddress,
  signCompact,
  type SignatureCheck,
} from '../keys';
import type { Hash } from '../types';
import { encodeTx, txHashOfBytes, txSigningHash } from './codec';
import type { Tx, UnsignedTx } from './types';

/**
 * Signs a transaction; `sender` and `publicKey` come from the key.
 *
 * @example const tx = signTx({ chainId, nonce: 0, fee: 1000n, payload: { type: 'transfer', to, amount: 5n } }, key);
 */
export function signTx(
  fields: Omit<UnsignedTx, 'sender' | 'publicKey'>,
  privateKey: Uint8Array,
  limits: EncodingLimits = DEFAULT_LIMITS,
): Tx {
  const pub = getRawPublicKey(privateKey);
  const unsigned: UnsignedTx = { ...fields, sender: rawPublicKeyToAddress(pub), publicKey: toHex(pub) };
  const signature = toHex(signCompact(txSigningHash(unsigned, limits), privateKey));
  return { ...unsigned, signature };
}

/** How signatures are checked: the verifier (noble by default) and an optional cache of verified tx hashes. */
export interface VerifyOptions extends SignatureCheck {
  limits?: EncodingLimits;
}

/**
 * Verifies a transaction's signature: canonical r ‖ s, the public key hashes to the sender, and the
 * signature verifies under it. With a cache, a tx hash verified before is accepted without work.
 * `bytes` may pass the encoding when the caller already has it. Throws `BAD_SIGNATURE`.
 */
export function verifyTxSignature(
  tx: Tx,
  opts: VerifyOptions = {},
  bytes?: Uint8Array,
  /** `txHashOfBytes(bytes)` when the caller already has it. */
  knownHash?: Hash,
): void {
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const enc = bytes ?? encodeTx(tx, limits);
  const key = opts.cache ? `t:${bytes && knownHash ? knownHash : txHashOfBytes(enc)}` : '';
  if (opts.cache?.has(key)) return;
  const sig = fromHex(tx.signature, 64, 'signature');
  if (!isCanonicalSignature(sig))
    throw new ChainError(
      'BAD_SIGNATURE',
      'the transaction signature is not canonical (need 1 ≤ r < n and low s)',
    );
  const pub = fromHex(tx.publicKey, 64, 'publicKey');
  let compressed: Uint8Array;
  try {
    compressed = compressRawPublicKey(pub);
  } catch {
    throw new ChainError('BAD_SIGNATURE', 'the transaction public key is not a point on secp256k1');
  }
  const owner = rawPublicKeyToAddress(pub);
  if (owner !== tx.sender)
    throw new ChainError(
      'BAD_SIGNATURE',
      `the transaction public key belongs to ${owner}, not to the sender ${tx.sender}`,
      { sender: tx.sender, keyOwner: owner },
    );
  const hash = keccak256(utf8ToBytes(DOMAIN.tx), enc.subarray(0, enc.length - 64));
  const verifier = opts.verifier ?? nobleVerifier;
  if (!verifier.verify(sig, hash, compressed))
    throw new ChainError(
      'BAD_SIGNATURE',
      `the transaction signature does not verify for sender ${tx.sender}`,
      { sender: tx.sender },
    );
  opts.cache?.add(key);
}
