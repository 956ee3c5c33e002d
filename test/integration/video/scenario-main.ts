// The main path, run inside a fresh network namespace by pipeline.test.ts:
// discover (WS-Discovery multicast on the namespace's loopback) → add camera → capture from the
// RTSP server → anonymize → record → anchor; plus every other exit: live JPEGs, a snapshot, and an
// RTMP stream to a local nginx (refused without consent, stopped when the consent window ends).
// Writes the exits' outputs into argv[2] and prints one JSON report on stdout.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VideoError } from '../../../main/video/errors';
import { OnvifSim } from '../../helpers/onvif-sim/sim';
import { NginxRtmp } from '../../helpers/rtsp/nginx-rtmp';
import { RtspServer } from '../../helpers/rtsp/rtsp-server';
import { makeService, waitFor } from './rig';

const [work, clipDir, captureWorker, detectorWorker] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
];
const dataDir = join(work, 'data');
const out = join(work, 'out');
mkdirSync(out, { recursive: true });
const report: Record<string, unknown> = {};

const rtsp = new RtspServer({ dir: clipDir, fps: 10 });
await rtsp.start();
const sim = new OnvifSim({
  user: 'admin',
  pass: 'cam-pass-1',
  rtspUri: rtsp.url,
  name: 'Dining Room',
  discovery: true,
  width: 640,
  height: 360,
  fps: 10,
});
await sim.start();
const nginx = new NginxRtmp(join(work, 'nginx'));
await nginx.start();

const { service, ledger, events } = makeService({
  dataDir,
  captureWorker,
  detectorWorker,
  overrides: (o) => ({
    ...o,
    segmentMs: 4000,
    capture: { ...o.capture, maxWidth: 640, maxFps: 5, stallMs: 6000 },
    pipeline: { ...o.pipeline, detectFps: 5, deadlineMs: 3000 },
    live: { fps: 2, outWidthPx: 320 },
    anchor: { everyMs: 3_600_000, maxBatch: 16 },
  }),
});
try {
  await service.start();
  const found = await service.discover();
  report.discovered = found.map((d) => ({ urn: d.urn, name: d.name, xaddrs: d.xaddrs }));
  report.simProbes = sim.stats.probesByType;
  const wrong = await service
    .addCamera({ address: found[0]!.xaddrs[0]!, username: 'admin', password: 'nope' })
    .catch((e: unknown) => e);
  report.wrongPasswordCode = wrong instanceof VideoError ? wrong.code : String(wrong);
  const cam = await service.addCamera({
    address: found[0]!.xaddrs[0]!,
    username: 'admin',
    password: 'cam-pass-1',
  });
  report.camera = { id: cam.id, name: cam.name, width: cam.width, height: cam.height, info: cam.info };
  await waitFor('the camera to stream', () => service.cameras()[0]?.state === 'streaming', 60_000);

  // Live view: JPEGs pushed as events while someone watches.
  service.liveWatchers.watch({}, [cam.id]);
  const live = await waitFor(
    '3 live JPEGs',
    () => {
      const l = events.filter((e) => e.name === 'video.live');
      return l.length >= 3 ? l : undefined;
    },
    60_000,
  );
  report.liveFiles = live.slice(-3).map((e, i) => {
    const f = join(out, `live-${i}.jpg`);
    writeFileSync(f, (e.payload as { jpeg: Uint8Array }).jpeg);
    return f;
  });
  const snap = await service.snapshot(cam.id);
  writeFileSync(join(out, 'snapshot.jpg'), snap);
  report.snapshot = join(out, 'snapshot.jpg');

  // Streaming: refused without consent, then allowed inside a window and stopped when it ends.
  const refused = (() => {
    try {
      service.startStream(cam.id, nginx.url('dining'));
      return 'started';
    } catch (e) {
      return e instanceof VideoError ? e.code : String(e);
    }
  })();
  report.streamWithoutConsent = refused;
  const now = Date.now();
  const consent = service.addConsent({
    cameraId: cam.id,
    grantedBy: 'Li Wei (store manager)',
    scope: 'test stream to local ingest',
    startsMs: now - 1000,
    endsMs: now + 6000,
  });
  const started = service.startStream(cam.id, nginx.url('dining'));
  report.streamConsentId = started.consentId === consent.id;
  await waitFor('the stream to be on', () => service.cameras()[0]?.streaming, 10_000);
  await waitFor('the consent window to end the stream', () => !service.cameras()[0]?.streaming, 20_000);
  report.streamStoppedAtMs = Date.now() - consent.endsMs;
  report.streamRecording = nginx.recordingOf('dining');

  await waitFor(
    '2 closed segments',
    () => service.recordings({ limit: 10 }).length >= 2 || undefined,
    60_000,
  );
  report.cameraStatus = service.cameras()[0];
  await service.stop();
  // stop() anchors what is pending; anchor once more in case a segment closed during stop.
  const before = ledger.blocks.length;
  report.recordings = service
    .recordings({ limit: 50 })
    .map((r) => ({ ...r, path: join(dataDir, 'recordings', r.file) }));
  report.ledger = {
    blocks: ledger.blocks.length,
    before,
    txs: ledger.blocks.map((b) => ({
      height: b.height,
      segments: (b.tx.payload as { segments: unknown[] }).segments.length,
    })),
  };
  report.dataDir = dataDir;
} catch (err) {
  report.error = err instanceof Error ? `${err.message}\n${err.stack}` : String(err);
  report.cameraStatus = service.cameras()[0];
  await service.stop().catch(() => undefined);
} finally {
  await nginx.stop();
  await sim.stop();
  await rtsp.stop();
}
process.stdout.write(JSON.stringify(report) + '\n');
process.exit(0);
