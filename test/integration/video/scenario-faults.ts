// Faults, run by faults.test.ts inside `unshare -rmn` with a small tmpfs as the recordings disk:
// ffmpeg crashing, a stalled stream, a camera that disappears and comes back, and a full disk.
// Each must leave the node running with a clear status; segments are copied out for the privacy check.
import { closeSync, copyFileSync, mkdirSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import { OnvifSim } from '../../helpers/onvif-sim/sim';
import { RtspServer } from '../../helpers/rtsp/rtsp-server';
import { makeService, waitFor } from './rig';

const [work, recDir, clipDir, captureWorker, detectorWorker] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const out = join(work, 'segments');
mkdirSync(out, { recursive: true });
const report: Record<string, unknown> = {};
const walk = (d: string): string[] =>
  readdirSync(d, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)],
  );

const rtsp = new RtspServer({ dir: clipDir, fps: 10 });
await rtsp.start();
const sim = new OnvifSim({ user: 'admin', pass: 'pw', rtspUri: rtsp.url, width: 640, height: 360, fps: 10 });
await sim.start();
const { service, events } = makeService({
  dataDir: join(work, 'data'),
  recordingsDir: recDir,
  captureWorker,
  detectorWorker,
  overrides: (o) => ({
    ...o,
    segmentMs: 2500,
    retention: { maxAgeMs: 86_400_000, minFreeBytes: 400 * 1024, everyMs: 3_600_000 },
    capture: {
      ...o.capture,
      maxWidth: 640,
      maxFps: 5,
      stallMs: 3000,
      ioTimeoutMs: 3000,
      restartInitialMs: 400,
      restartMaxMs: 1500,
    },
    pipeline: { ...o.pipeline, detectFps: 5, deadlineMs: 3000 },
    live: { fps: 2, outWidthPx: 320 },
  }),
});
const transitions: string[] = [];
let last = '';
const cam = () => service.cameras()[0]!;
const poll = setInterval(() => {
  const c = service.cameras()[0];
  if (!c) return;
  const s = `${c.state}|${c.recording}|${c.message}${c.recordingMessage ? ' / ' + c.recordingMessage : ''}`;
  if (s !== last) transitions.push((last = s));
}, 100);
const liveCount = (): number => events.filter((e) => e.name === 'video.live').length;

try {
  await service.start();
  const added = await service.addCamera({
    address: sim.address,
    username: 'admin',
    password: 'pw',
    name: 'Back door',
  });
  // someone watches it live (a camera nobody watches makes no live JPEG)
  service.liveWatchers.watch({}, [added.id]);
  await waitFor('streaming', () => cam().state === 'streaming', 60_000);

  // 1. ffmpeg crashes.
  const pid = await waitFor(
    'the decoder pid',
    () => service.captureStatus(added.id)?.decoderPid ?? undefined,
    10_000,
  );
  process.kill(pid, 'SIGKILL');
  const crashed = await waitFor(
    'crash noticed',
    () => (cam().state === 'offline' ? cam().message : undefined),
    15_000,
  );
  await waitFor(
    'streaming after crash',
    () => cam().state === 'streaming' && service.captureStatus(added.id)!.decoderPid !== pid,
    30_000,
  );
  report.crash = { message: crashed };

  // 2. The stream stalls (server frozen: TCP open, no packets).
  rtsp.pause();
  const stalled = await waitFor(
    'stall noticed',
    () => (/stalled/.test(cam().message) ? cam().message : undefined),
    20_000,
  );
  rtsp.resume();
  await waitFor('streaming after stall', () => cam().state === 'streaming', 40_000);
  report.stall = { message: stalled };

  // 3. The camera disappears (RTSP and ONVIF gone), then comes back on the same address.
  await rtsp.stop();
  await sim.stop();
  const gone = await waitFor(
    'disappearance noticed',
    () => (cam().state === 'offline' ? cam().message : undefined),
    20_000,
  );
  const whileGone = service.cameras().length; // the node still answers
  await new Promise((r) => setTimeout(r, 1500));
  await rtsp.start();
  await sim.restart();
  await waitFor('streaming after the camera came back', () => cam().state === 'streaming', 60_000);
  report.disappear = { message: gone, nodeAnswered: whileGone === 1 };

  // 4. The disk fills up.
  const segsBefore = service.recordings({ limit: 500 }).length;
  const filler = join(recDir, 'filler.bin');
  const fd = openSync(filler, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  let filled = 0;
  try {
    for (;;) filled += writeSync(fd, chunk);
  } catch (e) {
    report.fillError = (e as NodeJS.ErrnoException).code;
  } finally {
    closeSync(fd);
  }
  const liveAtFull = liveCount();
  const full = await waitFor(
    'disk-full status',
    () => (cam().recording === 'disk-full' ? cam().recordingMessage : undefined),
    30_000,
  );
  await new Promise((r) => setTimeout(r, 3000));
  const partsWhileFull = walk(recDir).filter((f) => f.endsWith('.part') && !f.includes('filler'));
  report.diskFull = {
    message: full,
    filledBytes: filled,
    liveKeptFlowing: liveCount() > liveAtFull,
    cameraState: cam().state,
    partsWhileFull: partsWhileFull.length,
  };
  rmSync(filler);
  await waitFor(
    'recording again after space was freed',
    () => cam().recording === 'on' && service.recordings({ limit: 500 }).length > segsBefore + 1,
    60_000,
  );

  clearInterval(poll);
  await service.stop();
  const files = walk(recDir);
  report.leftoverParts = files.filter((f) => f.endsWith('.part'));
  report.segments = files
    .filter((f) => f.endsWith('.mp4'))
    .map((f) => {
      const dst = join(out, basename(f));
      copyFileSync(f, dst);
      return dst;
    });
  report.indexed = service.recordings({ limit: 500 }).length;
} catch (err) {
  report.error = err instanceof Error ? `${err.message}\n${err.stack}` : String(err);
  report.camera = service.cameras()[0];
  await service.stop().catch(() => undefined);
} finally {
  clearInterval(poll);
  await sim.stop().catch(() => undefined);
  await rtsp.stop().catch(() => undefined);
}
report.transitions = transitions;
process.stdout.write(JSON.stringify(report) + '\n');
process.exit(0);
