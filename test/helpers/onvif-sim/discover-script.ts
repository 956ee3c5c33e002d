// Run inside a network namespace by runInNetns: starts two simulated cameras with discovery on,
// runs the node's discovery and prints one JSON object with what it found and what the cameras received.
import { discoverCameras } from '../../../main/video/onvif/discovery';
import { OnvifSim } from './sim';

const sims = [
  new OnvifSim({
    user: 'admin',
    pass: 'pw',
    rtspUri: 'rtsp://127.0.0.1:8554/cam',
    name: 'Front Door',
    discovery: true,
  }),
  new OnvifSim({
    user: 'admin',
    pass: 'pw',
    rtspUri: 'rtsp://127.0.0.1:8554/cam',
    name: 'Kitchen',
    discovery: true,
  }),
];
for (const s of sims) await s.start();
const devices = await discoverCameras({
  timeoutMs: Number(process.argv[2] ?? 1500),
  repeats: 3,
  intervalMs: 100,
});
process.stdout.write(
  JSON.stringify({ devices, sims: sims.map((s) => ({ urn: s.urn, xaddr: s.xaddr, stats: s.stats })) }) + '\n',
);
for (const s of sims) await s.stop();
