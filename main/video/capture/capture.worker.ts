// The capture worker: the thread in which one camera's raw frames exist (ARCHITECTURE §6). It loads
// the face detector, runs a CaptureSession (main/video/capture/capture-session.ts: ffmpeg's frames →
// privacy pipeline → exits) and forwards the owner's messages to it. Messages out of this worker
// never carry raw pixels.
import { parentPort, workerData } from 'node:worker_threads';
import { serializeError } from '../../common/errors';
import { frameKernels } from '../../../native/index';
import { createFaceDetector } from '../detect/worker-detector';
import { CaptureSession } from './capture-session';
import { ffmpegCaptureSinks } from './capture-sinks';
import { CaptureStatusReporter } from './capture-status';
import { startDecoder } from './decoder';
import type { CaptureWorkerConfig, FromCaptureWorker, ToCaptureWorker } from './protocol';

const port = parentPort!;
const cfg = workerData as CaptureWorkerConfig;
const post = (m: FromCaptureWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);

const kernels = frameKernels();
const detector = await createFaceDetector(cfg.detector.options, {
  workerFile: cfg.detector.workerFile,
}).catch((err: unknown) => {
  post({ type: 'fatal', error: serializeError(err) });
  new CaptureStatusReporter(cfg.record !== null, post).setState(
    'error',
    `the face detector could not start: ${err instanceof Error ? err.message : String(err)}; nothing is captured without it`,
  );
  return undefined;
});

if (detector) {
  // An error nothing else caught ends this thread, and with it the detector's: close the detector
  // first, since a detector thread cut off in the middle of an ONNX Runtime run aborts the whole
  // process (see CloseRequest in main/video/detect/protocol.ts).
  process.once('uncaughtException', (err) => {
    post({ type: 'fatal', error: serializeError(err) });
    void detector.dispose().finally(() => process.exit(1));
  });
  const session = new CaptureSession(cfg, {
    port: { post, close: () => port.close() },
    detector,
    kernels,
    startDecoder,
    sinks: ffmpegCaptureSinks(cfg, () => Date.now()),
    clock: { wallMs: () => Date.now(), monoMs: () => performance.now() },
    random: Math.random,
  });
  port.on('message', (m: ToCaptureWorker) => session.handle(m));
  session.start();
} else {
  port.on('message', (m: ToCaptureWorker) => {
    if (m.type === 'stop') {
      post({ type: 'stopped' });
      port.close();
    }
  });
}
