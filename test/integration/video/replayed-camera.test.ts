// A camera this project did not write: the SOAP answers a real device gave another ONVIF client
// library (the `onvif` package's recorded fixtures), replayed on loopback, its stream URI pointing at
// a live RTSP server. No ONVIF device implementation installs from the registries this machine
// reaches (npm, Debian), so its recorded answers stand in for it beside our own simulator.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CameraView } from '../../../main/contract/video';
import { bundleWorker } from '../../helpers/bundle';
import { REPO_ROOT } from '../../helpers/onvif-sim/bundle';
import { ReplayedCamera } from '../../helpers/onvif-sim/replayed-camera';
import { makeFaceClip, RtspServer } from '../../helpers/rtsp/rtsp-server';
import { tempDir } from '../../helpers/tmp';
import { makeService, waitFor } from './rig';

describe("a camera answering with a real device's recorded SOAP (the onvif package's fixtures)", () => {
  const dir = tempDir('hotpot-video-replayed-');
  const clipDir = join(REPO_ROOT, 'test', '.tmp', 'face-clip-640');
  const rtsp = new RtspServer({ dir: clipDir, fps: 10 });
  let camera: ReplayedCamera;
  let service: ReturnType<typeof makeService>['service'];
  let added: CameraView;
  let streaming: CameraView;

  beforeAll(async () => {
    makeFaceClip(clipDir, { width: 640, height: 360, fps: 10, framesPerPhoto: 20 });
    await rtsp.start();
    camera = new ReplayedCamera(rtsp.url);
    await camera.start();
    ({ service } = makeService({
      dataDir: dir.path,
      captureWorker: await bundleWorker('video/capture/capture.worker.ts'),
      detectorWorker: await bundleWorker('video/detect/detector.worker.ts'),
      overrides: (o) => ({
        ...o,
        capture: { ...o.capture, maxWidth: 640 },
        pipeline: { ...o.pipeline, deadlineMs: 3000 },
      }),
    }));
    await service.start();
    added = await service.addCamera({ address: camera.address, username: 'admin', password: 'admin' });
    streaming = await waitFor(
      'the replayed camera streaming',
      () => {
        const c = service.cameras()[0];
        return c?.state === 'streaming' && c;
      },
      60_000,
    );
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
    await camera?.stop();
    await rtsp.stop();
    dir.cleanup();
  });

  it("reads the device's information and its profile as the device described them", () => {
    expect(added.info).toMatchObject({
      manufacturer: 'Mockup Manufacturer',
      model: 'Mockup Model',
      serialNumber: '00000000',
      hardwareId: 'MOCKUP',
    });
    expect(added.name).toBe('Mockup Manufacturer Mockup Model');
    // the device's main profile: 1920×1080 at 5 fps (recorded here at the test's 640 px cap)
    expect(added.source).toMatchObject({ profileToken: 'main', width: 1920, height: 1080, fps: 5 });
    expect(camera.asked).toEqual(
      expect.arrayContaining(['GetDeviceInformation', 'GetProfiles', 'GetStreamUri']),
    );
  });

  it('streams from the URI its GetStreamUri answer gave', () => {
    expect(streaming.state).toBe('streaming');
    expect(streaming.width).toBe(640);
  });
});
