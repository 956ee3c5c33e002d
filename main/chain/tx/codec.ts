/**
 * How a whole transaction is encoded and decoded, and the hashes taken of its encoding (pure): the
 * signing hash over the encoding without the signature, and the transaction hash (its id), which is
 * keccak-256 of the whole encoding (signature included).
 */
import { keccak256, toHex, utf8ToBytes } from '../bytes';
import { KIND, type EncodingLimits, DEFAULT_LIMITS, Writer, decodeWith, writer } from '../encoding';
import { ChainError } from '../errors';
import { DOMAIN } from '../keys';
import type { Hash } from '../types';
import { writeChainId } from '../vote';
import { readPayload, writePayload } from './payload-codec';
import type { Tx, UnsignedTx } from './types';

function writeUnsigned(tx: UnsignedTx, limits: EncodingLimits): Writer {
  const w = writer(KIND.tx);
  writeChainId(w, tx.chainId);
  w.uint(tx.nonce, 'nonce')
    .amount(tx.fee, 'fee')
    .hex(tx.sender, 20, 'sender')
    .hex(tx.publicKey, 64, 'publicKey');
  writePayload(w, tx.payload, limits);
  return w;
}

/** Canonical encoding of a signed transaction. Throws `TX_TOO_LARGE` past `limits.maxTxBytes`. */
export function encodeTx(tx: Tx, limits: EncodingLimits = DEFAULT_LIMITS): Uint8Array {
  const bytes = writeUnsigned(tx, limits).hex(tx.signature, 64, 'signature').finish();
  if (bytes.length > limits.maxTxBytes) {
    throw new ChainError(
      'TX_TOO_LARGE',
      `the transaction is ${bytes.length} bytes; at most ${limits.maxTxBytes} are allowed (split the batch)`,
      { bytes: bytes.length, max: limits.maxTxBytes },
    );
  }
  return bytes;
}

/**
 * Decodes a transaction. The size limit is checked first, then the encoding is read strictly
 * (`MALFORMED`, `NON_CANONICAL`, `TOO_MANY_ITEMS`, `UNSUPPORTED_VERSION`). Does not verify the signature.
 */
export function decodeTx(bytes: Uint8Array, limits: EncodingLimits = DEFAULT_LIMITS): Tx {
  if (bytes.length > limits.maxTxBytes) {
    throw new ChainError(
      'TX_TOO_LARGE',
      `the transaction is ${bytes.length} bytes; at most ${limits.maxTxBytes} are allowed`,
      { bytes: bytes.length, max: limits.maxTxBytes },
    );
  }
  return decodeWith(bytes, KIND.tx, 'transaction', (r) => {
    const chainId = r.string(64, 'chainId');
    const nonce = r.uint('nonce');
    const fee = r.amount('fee');
    const sender = r.hex(20, 'sender');
    const publicKey = r.hex(64, 'publicKey');
    const payload = readPayload(r, limits);
    const signature = r.hex(64, 'signature');
    return { chainId, nonce, fee, sender, publicKey, payload, signature };
  });
}

/** The hash that is signed: keccak256("hotpot:tx:v1" ‖ encoding without the signature). */
export function txSigningHash(tx: UnsignedTx, limits: EncodingLimits = DEFAULT_LIMITS): Uint8Array {
  return keccak256(utf8ToBytes(DOMAIN.tx), writeUnsigned(tx, limits).finish());
}

/** The transaction hash (its id): keccak-256 of the whole encoding. */
export function txHash(tx: Tx, limits: EncodingLimits = DEFAULT_LIMITS): Hash {
  return toHex(keccak256(encodeTx(tx, limits)));
}

/** The hash of an already-encoded transaction. */
export function txHashOfBytes(bytes: Uint8Array): Hash {
  return toHex(keccak256(bytes));
}
