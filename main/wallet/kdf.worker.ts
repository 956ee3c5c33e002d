/**
 * The key-derivation worker (bundled to dist/main/workers/kdf.worker.js). It takes one
 * `{ id, req: KdfRequest }` message at a time and answers `{ id, ok: true, key }` or
 * `{ id, ok: false, error }`, so scrypt's 0.3–1.5 s never blocks the main event loop.
 */
import { parentPort } from 'node:worker_threads';
import { serializeError } from '../common/errors';
import { computeKdf, type KdfRequest } from './kdf';

if (!parentPort) throw new Error('kdf.worker must run as a worker thread');
const port = parentPort;

port.on('message', (msg: { id: number; req: KdfRequest }) => {
  try {
    const key = computeKdf(msg.req);
    msg.req.password.fill(0);
    port.postMessage({ id: msg.id, ok: true, key }, [key.buffer as ArrayBuffer]);
  } catch (err) {
    msg.req.password.fill(0);
    port.postMessage({ id: msg.id, ok: false, error: serializeError(err) });
  }
});
