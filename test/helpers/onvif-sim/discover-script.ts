// Run inside a network namespace by runInNetns: starts simulated cameras with discovery on, runs
// the node's discovery and prints one JSON object with what it found and what the cameras received.
// Arguments: the discovery timeout in ms, then how each camera answers (`ipv4,ipv6,both`; default
// two on IPv4), one camera per word, named Front Door, Kitchen, Garage, … in that order.
import { discoverCameras } from '../../../main/video/onvif/discovery';
import { OnvifSim, type OnvifSimOptions } from './sim';

const NAMES = ['Front Door', 'Kitchen', 'Garage', 'Back Room'];
const modes = (process.argv[3] ?? 'ipv4,ipv4').split(',') as Array<'ipv4' | 'ipv6' | 'both'>;
const sims = modes.map(
  (discovery, i) =>
    new OnvifSim({
      user: 'admin',
      pass: 'pw',
      rtspUri: 'rtsp://127.0.0.1:8554/cam',
      name: NAMES[i] ?? `Camera ${i + 1}`,
      discovery: discovery satisfies OnvifSimOptions['discovery'],
    }),
);
for (const s of sims) await s.start();
const devices = await discoverCameras({
  timeoutMs: Number(process.argv[2] ?? 1500),
  repeats: 3,
  intervalMs: 100,
});
process.stdout.write(
  JSON.stringify({
    devices,
    sims: sims.map((s, i) => ({
      urn: s.urn,
      discovery: modes[i],
      xaddr: s.xaddr,
      xaddrIpv6: s.xaddrIpv6,
      stats: s.stats,
    })),
  }) + '\n',
);
for (const s of sims) await s.stop();
