import { Worker } from 'node:worker_threads';
import { workerPath } from '../../platform/paths';
import { RemoteError } from '../../common/errors';
import { frameKernels, type FrameKernels } from '../../../native';
import type { FaceBox, FaceDetector, FaceDetectorOptions, Frame } from '../types';
import { mapBoxesToFrame, parseDetectorOptions, prepareDetectorInput, type DetectorInput } from './engine';
import { DetectError } from './errors';
import type { CloseRequest, DetectRequest, DetectorWorkerData, DetectorWorkerMessage } from './protocol';

/** How long `dispose()` waits for the worker to finish its detection in flight and end by itself. */
const CLOSE_TIMEOUT_MS = 10_000;

/** What a worker-backed detector needs from its environment. */
export interface WorkerDetectorDeps {
  /** The bundled detector.worker.js; defaults to `workerPath('detector')` (built by bin/hotpot setup). */
  workerFile?: string;
  kernels?: FrameKernels;
}

/** A `FaceDetector` whose model runs in a worker thread; it also says how many requests are in flight. */
export interface WorkerFaceDetector extends FaceDetector {
  /** Requests sent and not yet answered: callers that must keep up skip or fail closed when this grows. */
  readonly pending: number;
}

/**
 * Starts a detector in a worker thread and waits until its model is loaded.
 * The frame is downscaled here (native kernel, a few ms at 1080p) and only the small copy crosses
 * to the worker, so the caller keeps its frame untouched.
 *
 * @example
 * const detector = await createFaceDetector({ model: 'tiny_face_detector', inputSizePx: 416 });
 * const faces = await detector.detect(frame); // boxes in frame pixels
 * await detector.dispose();
 */
export async function createFaceDetector(
  options: Partial<FaceDetectorOptions> = {},
  deps: WorkerDetectorDeps = {},
): Promise<WorkerFaceDetector> {
  const opts = parseDetectorOptions(options);
  const kernels = deps.kernels ?? frameKernels();
  const file = deps.workerFile ?? workerPath('detector');
  const data: DetectorWorkerData = { options: opts };
  const worker = new Worker(file, { workerData: data });
  const waiting = new Map<
    number,
    { resolve: (b: FaceBox[]) => void; reject: (e: Error) => void; prep: DetectorInput; w: number; h: number }
  >();
  let nextId = 1;
  let failure: DetectError | null = null;
  let disposed = false;
  let exited = false;
  worker.once('exit', () => (exited = true));

  const failAll = (err: DetectError): void => {
    failure ??= err;
    for (const p of waiting.values()) p.reject(err);
    waiting.clear();
  };

  // Only our own listeners are removed afterwards: Worker keeps internal ones (removeAllListeners breaks message delivery).
  let onMessage: (m: DetectorWorkerMessage) => void = () => {};
  let onError: (err: Error) => void = () => {};
  let onExit: (code: number) => void = () => {};
  const description = await new Promise<string>((resolve, reject) => {
    onMessage = (m) => {
      if (m.type === 'ready') resolve(m.description);
      else if (m.type === 'init-failed') reject(new RemoteError(m.error));
    };
    onError = (err) =>
      reject(
        new DetectError(
          'WORKER_FAILED',
          `the detector worker failed to start: ${err.message}`,
          {},
          { cause: err },
        ),
      );
    onExit = (code) =>
      reject(
        new DetectError('WORKER_FAILED', `the detector worker exited (code ${code}) before its model loaded`),
      );
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  })
    .catch(async (err: unknown) => {
      await worker.terminate();
      throw err;
    })
    .finally(() => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    });

  worker.on('message', (m: DetectorWorkerMessage) => {
    if (m.type !== 'result') return;
    const p = waiting.get(m.id);
    if (!p) return;
    waiting.delete(m.id);
    if (m.ok) p.resolve(mapBoxesToFrame(m.boxes, p.prep, p.w, p.h));
    else p.reject(new RemoteError(m.error));
  });
  worker.on('error', (err) =>
    failAll(
      new DetectError('WORKER_FAILED', `the detector worker crashed: ${err.message}`, {}, { cause: err }),
    ),
  );
  worker.on('exit', (code) => {
    if (!disposed)
      failAll(new DetectError('WORKER_FAILED', `the detector worker exited unexpectedly (code ${code})`));
  });

  return {
    description,
    get pending() {
      return waiting.size;
    },
    detect(frame: Frame): Promise<FaceBox[]> {
      if (disposed)
        return Promise.reject(
          new DetectError('DISPOSED', 'the face detector was disposed; create a new one'),
        );
      if (failure) return Promise.reject(failure);
      let prep: DetectorInput;
      try {
        prep = prepareDetectorInput(frame, opts.inputSizePx, kernels);
      } catch (err) {
        return Promise.reject(
          new DetectError(
            'BAD_FRAME',
            `cannot detect on this frame: ${err instanceof Error ? err.message : String(err)}`,
            {},
            { cause: err },
          ),
        );
      }
      // The input may be the caller's own buffer (frame already small): copy it before transferring.
      const small = prep.input.data === frame.data ? frame.data.slice() : prep.input.data;
      const id = nextId++;
      return new Promise<FaceBox[]>((resolve, reject) => {
        waiting.set(id, { resolve, reject, prep, w: frame.width, h: frame.height });
        const req: DetectRequest = {
          type: 'detect',
          id,
          width: prep.input.width,
          height: prep.input.height,
          data: small,
        };
        worker.postMessage(req, [small.buffer as ArrayBuffer]);
      });
    },
    async dispose(): Promise<void> {
      if (disposed) return;
      disposed = true;
      failAll(new DetectError('DISPOSED', 'the face detector was disposed while a detection was pending'));
      // The worker finishes its detection in flight and ends by itself (see CloseRequest);
      // terminate() only if it has not within CLOSE_TIMEOUT_MS (a hung model).
      if (exited) return;
      const ended = new Promise<void>((r) => worker.once('exit', () => r()));
      const close: CloseRequest = { type: 'close' };
      worker.postMessage(close);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), CLOSE_TIMEOUT_MS)));
      if ((await Promise.race([ended, late])) === 'late') await worker.terminate();
      clearTimeout(timer);
    },
  };
}
