// A 20 s outage of a camera's stream, run by outage.test.ts in its own network namespace: the camera
// streams, its RTSP server goes away for 20 s (the ONVIF side stays), then comes back on the same port.
// Reports the node's log lines, the recordings around the outage and when recording resumed.
import { join } from 'node:path';
import { OnvifSim } from '../../helpers/onvif-sim/sim';
import { RtspServer } from '../../helpers/rtsp/rtsp-server';
import { EventStore } from '../../../main/store/event-store';
import { makeService, waitFor } from './rig';

const OUTAGE_MS = 20_000;
const [work, clipDir, captureWorker, detectorWorker] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
];
const report: Record<string, unknown> = {};

const rtsp = new RtspServer({ dir: clipDir, fps: 10 });
await rtsp.start();
const sim = new OnvifSim({ user: 'admin', pass: 'pw', rtspUri: rtsp.url, width: 640, height: 360, fps: 10 });
await sim.start();
// The node's defaults (stall watchdog, socket timeout, reconnect backoff, 60 s segments); small frames.
const { service, logs, db } = makeService({
  dataDir: join(work, 'data'),
  recordingsDir: join(work, 'rec'),
  captureWorker,
  detectorWorker,
  overrides: (o) => ({
    ...o,
    capture: { ...o.capture, maxWidth: 640, maxFps: 5 },
    pipeline: { ...o.pipeline, detectFps: 5, deadlineMs: 3000 },
  }),
});
try {
  await service.start();
  const cam = await service.addCamera({ address: sim.address, username: 'admin', password: 'pw' });
  await waitFor('streaming', () => service.cameras()[0]?.state === 'streaming', 60_000);
  await new Promise((r) => setTimeout(r, 5000));

  const outageAt = Date.now();
  await rtsp.stop();
  await new Promise((r) => setTimeout(r, OUTAGE_MS));
  await rtsp.start();
  const returnedAt = Date.now();
  report.cameraWhileOut = service.cameras()[0]?.message;
  await waitFor(
    'streaming again',
    () => (service.captureStatus(cam.id)?.lastFrameAtMs ?? 0) > returnedAt,
    60_000,
  );
  await new Promise((r) => setTimeout(r, 3000));
  await service.stop();
  report.outageAt = outageAt;
  report.returnedAt = returnedAt;
  report.recordings = service
    .recordings({ limit: 50 })
    .map((r) => ({ startMs: r.startMs, endMs: r.endMs, file: r.file, frames: r.frames }))
    .sort((a, b) => a.startMs - b.startMs);
} catch (err) {
  report.error = err instanceof Error ? `${err.message}\n${err.stack}` : String(err);
  await service.stop().catch(() => undefined);
} finally {
  await sim.stop().catch(() => undefined);
  await rtsp.stop().catch(() => undefined);
}
report.logs = logs;
report.stored = new EventStore(db).read('video').map((e) => ({ type: e.type, data: e.data }));
process.stdout.write(JSON.stringify(report) + '\n');
process.exit(0);
