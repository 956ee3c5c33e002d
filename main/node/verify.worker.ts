/**
 * The signature worker (bundled to dist/main/workers/verify.worker.js): checks batches of encoded
 * transactions with libsecp256k1 (or OpenSSL) off the main event loop and answers the triple keys of those that verify.
 * Message in: `{ id, limits, txs: Uint8Array[] }`; out: `{ id, keys: (string | null)[] }`.
 */
import { parentPort } from 'node:worker_threads';
import type { EncodingLimits } from '../chain/encoding';
import { checkTxSignatureBytes } from './sig-check';
import { fastVerifier } from './verifier';
import { installNativeKeccak } from './native-keccak';

if (!parentPort) throw new Error('verify.worker must run as a worker thread');
const port = parentPort;
installNativeKeccak();
const verifier = fastVerifier();

port.on('message', (msg: { id: number; limits: EncodingLimits; txs: Uint8Array[] }) => {
  port.postMessage({ id: msg.id, keys: msg.txs.map((b) => checkTxSignatureBytes(b, msg.limits, verifier)) });
});
