// The face detector's thread: TensorFlow.js and the model live here, off the main event loop.
// It receives detector inputs (already downscaled rgb24 copies) and answers boxes in their pixels.
import { parentPort, workerData } from 'node:worker_threads';
import { serializeError } from '../../common/errors';
import { DetectorEngine } from './engine';
import type { DetectorWorkerData, DetectorWorkerMessage, ToDetectorWorker } from './protocol';

const port = parentPort;
if (!port) throw new Error('detector.worker must run as a worker thread');
const post = (m: DetectorWorkerMessage): void => port.postMessage(m);

const { options } = workerData as DetectorWorkerData;
DetectorEngine.create(options).then(
  (engine) => {
    // Requests are handled one at a time, in order: tfjs is single-threaded here anyway.
    let chain: Promise<void> = Promise.resolve();
    port.on('message', (req: ToDetectorWorker) => {
      if (req.type === 'close') {
        // after the detection in flight: release the model, then let the thread end on its own
        chain = chain.then(async () => {
          await engine.dispose();
          port.close();
        });
        return;
      }
      chain = chain.then(async () => {
        try {
          const boxes = await engine.detectInput({
            format: 'rgb24',
            width: req.width,
            height: req.height,
            data: req.data,
          });
          post({ type: 'result', id: req.id, ok: true, boxes });
        } catch (err) {
          post({ type: 'result', id: req.id, ok: false, error: serializeError(err) });
        }
      });
    });
    post({ type: 'ready', description: engine.description });
  },
  (err: unknown) => post({ type: 'init-failed', error: serializeError(err) }),
);
