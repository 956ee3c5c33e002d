// The face detector's thread: the models live here, off the capture thread's loop. It receives
// copies of full frames and answers face boxes in their pixels (FaceFinder: whole-frame pass, and
// the full-resolution small-face pass unless it is off).
import { parentPort, workerData } from 'node:worker_threads';
import { serializeError } from '../../common/errors';
import type { DetectorWorkerData, DetectorWorkerMessage, ToDetectorWorker } from './protocol';
import { FaceFinder } from './search/finder';

const port = parentPort;
if (!port) throw new Error('detector.worker must run as a worker thread');
const post = (m: DetectorWorkerMessage): void => port.postMessage(m);

const { options } = workerData as DetectorWorkerData;
FaceFinder.create(options).then(
  (finder) => {
    // Requests are handled one at a time, in order: the finder keeps state between frames.
    let chain: Promise<void> = Promise.resolve();
    port.on('message', (req: ToDetectorWorker) => {
      if (req.type === 'close') {
        // after the detection in flight: release the models, then let the thread end on its own
        chain = chain.then(async () => {
          await finder.dispose();
          port.close();
        });
        return;
      }
      chain = chain.then(async () => {
        try {
          const boxes = await finder.find({
            format: req.format,
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
    post({ type: 'ready', description: finder.description });
  },
  (err: unknown) => post({ type: 'init-failed', error: serializeError(err) }),
);
