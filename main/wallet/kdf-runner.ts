import { Worker } from 'node:worker_threads';
import type { SerializedError } from '../common/errors';
import { WalletError } from './errors';
import { checkKdfRequest, type KdfRequest, type KdfRunner } from './kdf';

/** Options of {@link WorkerKdfRunner}. */
export interface WorkerKdfRunnerOptions {
  /** Path of the built worker: `() => workerPath('kdf')` in the app (resolved at first use); tests bundle their own copy. */
  workerFile: string | URL | (() => string);
  /** A derivation that takes longer than this is abandoned (the worker is terminated). */
  timeoutMs?: number;
}

type Reply = { id: number; ok: true; key: Uint8Array } | { id: number; ok: false; error: SerializedError };

/**
 * Runs each derivation in a fresh worker thread and terminates it afterwards, so the 128 MiB scrypt
 * buffer is released and a CLI process can exit. Starting a worker costs ~20–40 ms, small next to scrypt.
 *
 * @example const kdf = new WorkerKdfRunner({ workerFile: () => workerPath('kdf') }); const key = await kdf.derive(req);
 */
export class WorkerKdfRunner implements KdfRunner {
  private readonly timeoutMs: number;

  constructor(private readonly options: WorkerKdfRunnerOptions) {
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  async derive(req: KdfRequest): Promise<Uint8Array> {
    checkKdfRequest(req);
    let worker: Worker;
    try {
      // scrypt at N=2^17,r=8 needs 128 MiB; give the worker's heap room beyond its typed arrays.
      const file =
        typeof this.options.workerFile === 'function' ? this.options.workerFile() : this.options.workerFile;
      worker = new Worker(file, { resourceLimits: { maxOldGenerationSizeMb: 256 } });
    } catch (err) {
      throw new WalletError(
        'KDF_FAILED',
        `could not start the key-derivation worker (${(err as Error).message}); run bin/hotpot setup to build it`,
        {},
        { cause: err },
      );
    }
    try {
      return await new Promise<Uint8Array>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new WalletError(
                'KDF_FAILED',
                `key derivation took longer than ${this.timeoutMs} ms and was stopped`,
              ),
            ),
          this.timeoutMs,
        );
        worker.once('message', (reply: Reply) => {
          clearTimeout(timer);
          if (reply.ok) resolve(reply.key);
          else
            reject(
              new WalletError(
                reply.error.code === 'KDF_PARAMS' ? 'KDF_PARAMS' : 'KDF_FAILED',
                reply.error.message,
                reply.error.data,
              ),
            );
        });
        worker.once('error', (err) => {
          clearTimeout(timer);
          reject(
            new WalletError(
              'KDF_FAILED',
              `the key-derivation worker failed: ${err.message}`,
              {},
              { cause: err },
            ),
          );
        });
        worker.once('exit', (code) => {
          clearTimeout(timer);
          reject(new WalletError('KDF_FAILED', `the key-derivation worker exited early (code ${code})`));
        });
        // A copy goes to the worker (which zeroes it); the caller zeroes its own.
        worker.postMessage({ id: 1, req });
      });
    } finally {
      await worker.terminate();
    }
  }
}
