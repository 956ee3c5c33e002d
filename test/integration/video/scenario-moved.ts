// A camera that moves to another address (run by moved.test.ts in its own network namespace): it
// streams, then its ONVIF service and its stream vanish and come back on other ports, as after the
// router's DHCP gave it another address. The node must find it again by WS-Discovery and its serial.
import { join } from 'node:path';
import { OnvifSim } from '../../helpers/onvif-sim/sim';
import { RtspServer } from '../../helpers/rtsp/rtsp-server';
import { makeService, waitFor } from './rig';

const [work, clipDir, captureWorker, detectorWorker] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
];
const report: Record<string, unknown> = {};

const rtsp = new RtspServer({ dir: clipDir, fps: 10 });
await rtsp.start();
const sim = new OnvifSim({
  user: 'admin',
  pass: 'pw',
  rtspUri: rtsp.url,
  discovery: true,
  width: 640,
  height: 360,
  fps: 10,
});
await sim.start();
// Another camera of the same model on the LAN, not added: asked, and told apart by its serial.
const other = new OnvifSim({
  user: 'admin',
  pass: 'pw',
  rtspUri: rtsp.url,
  discovery: true,
  serialNumber: 'SIM0002',
  width: 640,
  height: 360,
  fps: 10,
});
const { service, logs } = makeService({
  dataDir: join(work, 'data'),
  recordingsDir: join(work, 'rec'),
  captureWorker,
  detectorWorker,
  overrides: (o) => ({
    ...o,
    capture: { ...o.capture, maxWidth: 640, maxFps: 5 },
    pipeline: { ...o.pipeline, detectFps: 5, deadlineMs: 3000 },
    relocate: { afterMs: 3000, everyMs: 1000, retryMs: 5000 },
  }),
});
let moved: RtspServer | undefined;
try {
  await service.start();
  const cam = await service.addCamera({ address: sim.address, username: 'admin', password: 'pw' });
  await waitFor('streaming', () => service.cameras()[0]?.state === 'streaming', 60_000);
  report.before = { xaddr: service.cameras()[0]!.xaddr };

  await rtsp.stop();
  await sim.stop();
  await other.start();
  moved = new RtspServer({ dir: clipDir, fps: 10 });
  await moved.start();
  await sim.moveTo(moved.url);
  const movedAt = Date.now();
  report.newXaddr = sim.xaddr;
  await waitFor(
    'streaming at the new address',
    () => {
      const c = service.cameras()[0]!;
      return c.state === 'streaming' && c.xaddr === sim.xaddr && c;
    },
    90_000,
  );
  report.foundAfterMs = Date.now() - movedAt;
  report.after = {
    xaddr: service.cameras()[0]!.xaddr,
    id: service.cameras()[0]!.id,
    sameId: service.cameras()[0]!.id === cam.id,
  };
  report.cameraCount = service.cameras().length;
  await service.stop();
} catch (err) {
  report.error = err instanceof Error ? `${err.message}\n${err.stack}` : String(err);
  report.camera = service.cameras()[0];
  await service.stop().catch(() => undefined);
} finally {
  await sim.stop().catch(() => undefined);
  await other.stop().catch(() => undefined);
  await rtsp.stop().catch(() => undefined);
  await moved?.stop().catch(() => undefined);
}
report.logs = logs.filter((l) => /camera|address/.test(l.msg));
report.otherSoapCalls = other.stats.soapCalls;
process.stdout.write(JSON.stringify(report) + '\n');
process.exit(0);
