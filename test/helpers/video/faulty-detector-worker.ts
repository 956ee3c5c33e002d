// A detector worker for tests of detector faults: the real one (dist/main/workers/detector.worker.js,
// as built, imported unchanged) whose port a test controls through detector-faults.ts: it can hold
// the results (a stalled detector), deliver them late, or end the thread on the next request.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort, type TransferListItem } from 'node:worker_threads';
import { appRoot } from '../../../main/platform/paths';
import type { DetectorWorkerMessage, ToDetectorWorker } from '../../../main/video/detect/protocol';
import { FAULT_CHANNEL, type DetectorFault, type FaultCommand } from './detector-faults';

const port = parentPort!;
let fault: DetectorFault = { type: 'none' };
const held: DetectorWorkerMessage[] = [];

const post = port.postMessage.bind(port);
port.postMessage = (m: DetectorWorkerMessage, transfer?: readonly TransferListItem[]): void => {
  if (fault.type === 'stall' && m.type === 'result') held.push(m);
  else post(m, transfer);
};

const on = port.on.bind(port);
port.on = ((event: string, listener: (m: ToDetectorWorker) => void) =>
  on(
    event,
    event !== 'message'
      ? listener
      : (req: ToDetectorWorker) => {
          if (req.type === 'detect' && fault.type === 'exit') process.exit(fault.code);
          if (req.type === 'detect' && fault.type === 'throw')
            throw new Error('the faulty detector worker crashed on purpose');
          listener(req);
        },
  )) as typeof port.on;

const channel = new BroadcastChannel(FAULT_CHANNEL);
channel.unref();
channel.onmessage = (e: { data: FaultCommand }) => {
  fault = e.data.fault;
  if (fault.type !== 'stall') for (const m of held.splice(0)) post(m);
  channel.postMessage({ ack: e.data.seq });
};

await import(pathToFileURL(join(appRoot(), 'dist', 'main', 'workers', 'detector.worker.js')).href);
