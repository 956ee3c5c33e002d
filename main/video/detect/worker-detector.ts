/**
 * A face detector whose model runs in its own worker thread: {@link createFaceDetector} starts the
 * thread (its file is always handed in) and waits for the model; {@link ThreadFaceDetector} sends it
 * copies of full frames and closes it.
 */
import { Worker } from 'node:worker_threads';
import { RemoteError } from '../../common/errors';
import { frameProblem } from '../../../native';
import type { FaceBox, FaceDetector, FaceDetectorOptions, Frame } from '../types';
import { parseDetectorOptions } from './engine';
import { DetectError } from './errors';
import type { CloseRequest, DetectRequest, DetectorWorkerData, DetectorWorkerMessage } from './protocol';

/** How long `dispose()` waits for the worker to finish its detection in flight and end by itself. */
const CLOSE_TIMEOUT_MS = 10_000;

/**
 * How long `createFaceDetector` waits for the model by default: ONNX Runtime loads ssd in about a
 * second, TensorFlow.js WASM in a few; a worker still loading after this is taken for hung.
 */
const LOAD_TIMEOUT_MS = 120_000;

/** What a worker-backed detector needs from its environment. */
export interface WorkerDetectorDeps {
  /** The bundled detector.worker.js (the node passes `workerPath('detector')`; tests a bundle of their own). */
  workerFile: string;
  /** Give up on a worker whose model has not loaded after this long (default 120 s). */
  loadTimeoutMs?: number;
}

/** A `FaceDetector` whose model runs in a worker thread; it also says how many requests are in flight. */
export interface WorkerFaceDetector extends FaceDetector {
  /** Requests sent and not yet answered: callers that must keep up skip or fail closed when this grows. */
  readonly pending: number;
}

/**
 * Starts a detector in a worker thread and waits until its model is loaded.
 * A copy of the frame crosses to the worker (about 1 ms for a 1080p yuv420p frame), so the caller may
 * change its frame as soon as `detect` returns its promise; the worker downscales it for the
 * whole-frame pass and crops the full-resolution windows of the small-face pass (`search/finder.ts`).
 *
 * @example
 * const detector = await createFaceDetector({ model: 'tiny_face_detector', inputSizePx: 416 }, { workerFile: workerPath('detector') });
 * const faces = await detector.detect(frame); // boxes in frame pixels
 * await detector.dispose();
 */
export async function createFaceDetector(
  options: Partial<FaceDetectorOptions>,
  deps: WorkerDetectorDeps,
): Promise<WorkerFaceDetector> {
  const opts = parseDetectorOptions(options);
  const data: DetectorWorkerData = { options: opts };
  const worker = new Worker(deps.workerFile, { workerData: data });
  const life = { exited: false };
  worker.once('exit', () => (life.exited = true));
  const description = await modelLoaded(worker, deps.loadTimeoutMs ?? LOAD_TIMEOUT_MS);
  return new ThreadFaceDetector(worker, life, description);
}

/**
 * Waits for the worker's 'ready' (its model's description); terminates it when it fails to start.
 * One still loading after `timeoutMs` is given up on but not cut off (a thread ended in the middle
 * of ONNX Runtime's work aborts the process): it is closed if it ever gets ready.
 */
async function modelLoaded(worker: Worker, timeoutMs: number): Promise<string> {
  // Only our own listeners are removed afterwards: Worker keeps internal ones (removeAllListeners breaks message delivery).
  let onMessage: (m: DetectorWorkerMessage) => void = () => {};
  let onError: (err: Error) => void = () => {};
  let onExit: (code: number) => void = () => {};
  let timer: NodeJS.Timeout | undefined;
  const hung = new DetectError(
    'WORKER_FAILED',
    `the detector worker did not load its model within ${timeoutMs / 1000} s`,
  );
  return new Promise<string>((resolve, reject) => {
    timer = setTimeout(() => reject(hung), timeoutMs);
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
      if (err === hung) closeWhenReady(worker);
      else await worker.terminate();
      throw err;
    })
    .finally(() => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    });
}

/** A worker given up on while loading: closed as soon as it is ready; it keeps nothing alive meanwhile. */
function closeWhenReady(worker: Worker): void {
  worker.unref();
  worker.on('error', () => undefined); // already reported as not loading; an unheard 'error' would throw
  worker.on('message', (m: DetectorWorkerMessage) => {
    if (m.type === 'ready') worker.postMessage({ type: 'close' } satisfies CloseRequest);
  });
}

/** The main thread's side of a detector worker whose model is loaded. */
class ThreadFaceDetector implements WorkerFaceDetector {
  private readonly waiting = new Map<
    number,
    { resolve: (b: FaceBox[]) => void; reject: (e: Error) => void }
  >();
  private nextId = 1;
  private failure: DetectError | null = null;
  private disposed = false;

  constructor(
    private readonly worker: Worker,
    private readonly life: { exited: boolean },
    readonly description: string,
  ) {
    worker.on('message', (m: DetectorWorkerMessage) => {
      if (m.type !== 'result') return;
      const p = this.waiting.get(m.id);
      if (!p) return;
      this.waiting.delete(m.id);
      if (m.ok) p.resolve(m.boxes);
      else p.reject(new RemoteError(m.error));
    });
    worker.on('error', (err) =>
      this.failAll(
        new DetectError('WORKER_FAILED', `the detector worker crashed: ${err.message}`, {}, { cause: err }),
      ),
    );
    worker.on('exit', (code) => {
      if (!this.disposed)
        this.failAll(
          new DetectError('WORKER_FAILED', `the detector worker exited unexpectedly (code ${code})`),
        );
    });
  }

  get pending(): number {
    return this.waiting.size;
  }

  detect(frame: Frame): Promise<FaceBox[]> {
    if (this.disposed)
      return Promise.reject(new DetectError('DISPOSED', 'the face detector was disposed; create a new one'));
    if (this.failure) return Promise.reject(this.failure);
    const problem = frameProblem(frame);
    if (problem !== null)
      return Promise.reject(new DetectError('BAD_FRAME', `cannot detect on this frame: ${problem}`));
    const copy = frame.data.slice();
    const id = this.nextId++;
    return new Promise<FaceBox[]>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      const req: DetectRequest = {
        type: 'detect',
        id,
        format: frame.format,
        width: frame.width,
        height: frame.height,
        data: copy,
      };
      this.worker.postMessage(req, [copy.buffer as ArrayBuffer]);
    });
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.failAll(new DetectError('DISPOSED', 'the face detector was disposed while a detection was pending'));
    // The worker finishes its detection in flight and ends by itself (see CloseRequest);
    // terminate() only if it has not within CLOSE_TIMEOUT_MS (a hung model).
    if (this.life.exited) return;
    const ended = new Promise<void>((r) => this.worker.once('exit', () => r()));
    const close: CloseRequest = { type: 'close' };
    this.worker.postMessage(close);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), CLOSE_TIMEOUT_MS)));
    if ((await Promise.race([ended, late])) === 'late') await this.worker.terminate();
    clearTimeout(timer);
  }

  private failAll(err: DetectError): void {
    this.failure ??= err;
    for (const p of this.waiting.values()) p.reject(err);
    this.waiting.clear();
  }
}
