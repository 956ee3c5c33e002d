// A camera with a 1080p main stream and a 640×360 sub-stream, run inside a fresh network namespace
// by profiles.test.ts: it is added by address (the node's default options: no cap on the width,
// rates up to 30 fps), captured from the RTSP server and recorded. Prints one JSON report on stdout:
// the camera's view, its stored streams, and the recorded segments.
import { join } from 'node:path';
import { VideoDb } from '../../../main/video/record/video-db';
import { OnvifSim } from '../../helpers/onvif-sim/sim';
import { RtspServer } from '../../helpers/rtsp/rtsp-server';
import { makeService, waitFor } from './rig';

const [work, clipDir, captureWorker, detectorWorker] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
];
const dataDir = join(work, 'data');
const report: Record<string, unknown> = {};

const rtsp = new RtspServer({ dir: clipDir, fps: 10 });
await rtsp.start();
const sim = new OnvifSim({
  user: 'admin',
  pass: 'cam-pass-2',
  rtspUri: rtsp.url,
  name: 'Counter',
  profiles: [
    // Listed sub-stream first: the node must not take profiles[0].
    { token: 'sub', name: 'subStream', width: 640, height: 360, fps: 10, rtspUri: `${rtsp.url}-sub` },
    { token: 'main', name: 'mainStream', width: 1920, height: 1080, fps: 10 },
  ],
});
await sim.start();

const { service, db } = makeService({
  dataDir,
  captureWorker,
  detectorWorker,
  overrides: (o) => ({
    ...o,
    segmentMs: 4000,
    pipeline: { ...o.pipeline, deadlineMs: 3000 },
    live: { fps: 1, outWidthPx: 320 },
    anchor: { everyMs: 3_600_000, maxBatch: 16 },
  }),
});
try {
  await service.start();
  const cam = await service.addCamera({ address: sim.address, username: 'admin', password: 'cam-pass-2' });
  report.added = cam;
  const row = new VideoDb(db).camera(cam.id)!;
  report.stored = { stream: row.stream, subStream: row.subStream, limits: row.limits };
  await waitFor('the camera to stream', () => service.cameras()[0]?.state === 'streaming', 60_000);
  await waitFor('a closed segment', () => service.recordings({ limit: 10 }).length >= 1 || undefined, 60_000);
  report.cameraStatus = service.cameras()[0];
  await service.stop();
  report.recordings = service
    .recordings({ limit: 50 })
    .map((r) => ({ ...r, path: join(dataDir, 'recordings', r.file) }));
} catch (err) {
  report.error = err instanceof Error ? `${err.message}\n${err.stack}` : String(err);
  report.cameraStatus = service.cameras()[0];
  await service.stop().catch(() => undefined);
} finally {
  await sim.stop();
  await rtsp.stop();
}
process.stdout.write(JSON.stringify(report) + '\n');
process.exit(0);
