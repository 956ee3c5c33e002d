// The camera registry through the video service's facade, on a real node.db and the ONVIF simulator:
// which profile is recorded and at what size and rate, the owner's caps (checked, nothing stored when
// refused), what the camera view says, the networks cameras may be on (nothing is sent outside them,
// and what answers is never quoted), and the migration of cameras stored before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../../main/store/db';
import { parseDetectorOptions, protectedFacePx } from '../../../main/video/detect';
import { VideoError } from '../../../main/video/errors';
import { DEFAULT_CAMERA_NETWORKS } from '../../../main/video/onvif/camera-network';
import { VIDEO_MIGRATIONS, VideoDb } from '../../../main/video/record/video-db';
import { VideoService } from '../../../main/video/service';
import { defaultVideoOptions, type VideoServiceOptions } from '../../../main/video/service-options';
import { mainAndSubStreamCamera, OnvifSim } from '../../helpers/onvif-sim/sim';
import { tempDir } from '../../helpers/tmp';
import { EVENT_STORE_MIGRATIONS } from '../../../main/store/event-store';

const dir = tempDir('hotpot-cameras-');
afterAll(() => dir.cleanup());

const noWorkers = {
  capture: (): string => {
    throw new Error('no capture worker in unit tests');
  },
  detector: (): string => {
    throw new Error('no detector worker in unit tests');
  },
};

function service(name: string, tweak: (o: VideoServiceOptions) => VideoServiceOptions = (o) => o) {
  const dataDir = join(dir.path, name);
  const db = openDatabase(join(dir.path, `${name}.db`), {
    synchronous: 'NORMAL',
    migrations: [...EVENT_STORE_MIGRATIONS, ...VIDEO_MIGRATIONS],
  });
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const defaults = defaultVideoOptions(dataDir, noWorkers);
  // The test cameras (the ONVIF simulator) are on loopback, which the default networks leave out.
  const onLoopback = { ...defaults, cameraNetworks: [...defaults.cameraNetworks, '127.0.0.0/8', '::1/128'] };
  const v = new VideoService(tweak(onLoopback), {
    db: () => db,
    emit: () => undefined,
    nowMs: Date.now,
    log: quiet,
  });
  return { v, db };
}

const codeOf = async (p: Promise<unknown> | (() => unknown)): Promise<string> => {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    return e instanceof VideoError ? e.code : `${(e as Error).name}: ${(e as Error).message}`;
  }
  return 'no error';
};

describe('cameras with a main stream and a sub-stream', () => {
  const sim = new OnvifSim(mainAndSubStreamCamera());
  let v: VideoService;
  let db: Db;
  beforeAll(async () => {
    await sim.start();
    ({ v, db } = service('two-profiles'));
    await v.start();
  });
  afterAll(async () => {
    await v.stop();
    await sim.stop();
  });

  it('records the 1080p main stream at its own size and rate, remembers the sub-stream, says the smallest face it protects', async () => {
    const cam = await v.addCamera({ address: sim.address, username: 'admin', password: 'pw', name: 'Till' });
    const detector = parseDetectorOptions(defaultVideoOptions('/x', noWorkers).detector);
    expect(cam).toMatchObject({
      width: 1920,
      height: 1080,
      fps: 25,
      source: { profileToken: 'main', profileName: 'mainStream', width: 1920, height: 1080, fps: 25 },
      subStream: { profileToken: 'sub', profileName: 'subStream', width: 640, height: 360, fps: 15 },
      maxWidth: null,
      maxFps: null,
      protectsFacesFromPx: protectedFacePx(detector, 1920, 1080),
    });
    // The stored row keeps both streams' URIs (the view shows neither).
    const row = new VideoDb(db).camera(cam.id)!;
    expect(row.stream.rtspUri).toBe('rtsp://127.0.0.1:8554/main');
    expect(row.subStream?.rtspUri).toBe('rtsp://127.0.0.1:8554/sub');
    expect(JSON.stringify(cam)).not.toContain('rtsp://');
    await v.removeCamera(cam.id);
  });

  it("takes the owner's caps, lowers what is recorded (the smallest face is worked out for it), and lifts them with null", async () => {
    const cam = await v.addCamera({
      address: sim.address,
      username: 'admin',
      password: 'pw',
      maxWidth: 1280,
    });
    expect(cam).toMatchObject({ width: 1280, height: 720, fps: 25, maxWidth: 1280, maxFps: null });
    const lower = v.configureCamera(cam.id, { maxWidth: 640, maxFps: 10 });
    expect(lower).toMatchObject({ width: 640, height: 360, fps: 10, maxWidth: 640, maxFps: 10 });
    const detector = parseDetectorOptions(defaultVideoOptions('/x', noWorkers).detector);
    expect(lower.protectsFacesFromPx).toBe(protectedFacePx(detector, 640, 360));
    // Other settings leave the caps alone; null lifts one.
    expect(v.configureCamera(cam.id, { recording: false })).toMatchObject({ maxWidth: 640, maxFps: 10 });
    expect(v.configureCamera(cam.id, { maxWidth: null })).toMatchObject({
      width: 1920,
      height: 1080,
      fps: 10,
      maxWidth: null,
      maxFps: 10,
    });
    await v.removeCamera(cam.id);
  });

  it('refuses bad caps with BAD_SETTINGS and stores nothing: no camera added, no setting of a camera changed', async () => {
    expect(
      await codeOf(v.addCamera({ address: sim.address, username: 'admin', password: 'pw', maxFps: 0 })),
    ).toBe('BAD_SETTINGS');
    expect(v.cameras()).toEqual([]);
    const cam = await v.addCamera({ address: sim.address, username: 'admin', password: 'pw', maxFps: 12 });
    const before = v.cameras();
    for (const bad of [
      { maxWidth: 641 },
      { maxWidth: 100 },
      { maxFps: 61 },
      { maxFps: 2.5 },
      { masks: [], maxWidth: 9000 },
    ])
      expect(await codeOf(() => v.configureCamera(cam.id, bad))).toBe('BAD_SETTINGS');
    expect(v.cameras()).toEqual(before);
    expect(new VideoDb(db).camera(cam.id)!.limits).toEqual({ maxWidth: null, maxFps: 12 });
    await v.removeCamera(cam.id);
  });

  it('records the profile the owner names, and refuses one the camera does not have', async () => {
    const cam = await v.addCamera({
      address: sim.address,
      username: 'admin',
      password: 'pw',
      profileToken: 'sub',
    });
    expect(cam).toMatchObject({
      width: 640,
      height: 360,
      fps: 15,
      source: { profileToken: 'sub' },
      subStream: null,
    });
    await v.removeCamera(cam.id);
    expect(
      await codeOf(
        v.addCamera({ address: sim.address, username: 'admin', password: 'pw', profileToken: 'nope' }),
      ),
    ).toBe('PROFILE_NOT_FOUND');
    expect(v.cameras()).toEqual([]);
  });
});

describe("the node's caps", () => {
  const sim = new OnvifSim({
    user: 'admin',
    pass: 'pw',
    rtspUri: 'rtsp://127.0.0.1:8554/cam',
    width: 3840,
    height: 2160,
    fps: 60,
  });
  beforeAll(() => sim.start());
  afterAll(() => sim.stop());

  it('holds a 60 fps 4K camera to 30 fps by default, and to the node-wide width and rate when they are set', async () => {
    const own = service('node-default');
    await own.v.start();
    expect(await own.v.addCamera({ address: sim.address, username: 'admin', password: 'pw' })).toMatchObject({
      width: 3840,
      height: 2160,
      fps: 30,
      source: { width: 3840, height: 2160, fps: 60 },
    });
    await own.v.stop();
    const capped = service('node-capped', (o) => ({
      ...o,
      capture: { ...o.capture, maxWidth: 640, maxFps: 5 },
    }));
    await capped.v.start();
    expect(
      await capped.v.addCamera({ address: sim.address, username: 'admin', password: 'pw' }),
    ).toMatchObject({
      width: 640,
      height: 360,
      fps: 5,
    });
    await capped.v.stop();
  });
});

describe("the store's network (video.cameraNetworks)", () => {
  // Not a camera: an HTTP server that answers every request "405 Method Not Allowed", as the node's
  // own gateway does to a SOAP POST.
  let requests = 0;
  let port = 0;
  const notACamera: Server = createServer((req, res) => {
    requests++;
    req.resume();
    res.writeHead(405, 'Method Not Allowed', { 'content-type': 'text/plain' }).end('Method Not Allowed');
  });
  beforeAll(async () => {
    await new Promise<void>((r) => notACamera.listen(0, '127.0.0.1', r));
    port = (notACamera.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => notACamera.close(() => r())));
  const asDefault = (o: VideoServiceOptions): VideoServiceOptions => ({
    ...o,
    cameraNetworks: [...DEFAULT_CAMERA_NETWORKS],
  });
  const failure = async (p: Promise<unknown>): Promise<VideoError> => {
    const e = await p.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(VideoError);
    return e as VideoError;
  };

  it('under the defaults, refuses a loopback address (typed, naming the setting) and sends it nothing', async () => {
    const { v } = service('lan-only', asDefault);
    await v.start();
    requests = 0;
    for (const address of [`127.0.0.1:${port}`, `localhost:${port}`, `http://[::ffff:127.0.0.1]:${port}/`]) {
      const e = await failure(v.addCamera({ address, username: 'admin', password: 'pw' }));
      expect([e.code, e.data['reason']], address).toEqual(['CAMERA_NOT_ON_LAN', 'not-on-lan']);
      expect(e.message).toMatch(/not on the store's network.*video\.cameraNetworks/);
      expect(e.message).not.toMatch(/405|Method Not Allowed/);
    }
    expect(requests).toBe(0);
    expect(v.cameras()).toEqual([]);
    await v.stop();
  });

  it('with loopback allowed, says the same server is not an ONVIF camera, without quoting its answer', async () => {
    const { v } = service('not-onvif');
    await v.start();
    requests = 0;
    const e = await failure(v.addCamera({ address: `127.0.0.1:${port}`, username: 'admin', password: 'pw' }));
    expect(requests).toBeGreaterThan(0);
    expect([e.code, e.data['reason']]).toEqual(['CAMERA_PROTOCOL', 'not-onvif']);
    expect(e.message).toMatch(/answers, but not as an ONVIF camera; check the address and port/);
    expect(e.message).not.toMatch(/405|Method Not Allowed/);
    expect(JSON.stringify(e.data)).not.toMatch(/405|Method Not Allowed/);
    expect(v.cameras()).toEqual([]);
    await v.stop();
  });

  it('refuses a camera whose stream is off the networks (nothing is sent there: the check comes before any stream)', async () => {
    const sims = [
      new OnvifSim({ user: 'admin', pass: 'pw', rtspUri: 'rtsp://8.8.8.8/cam' }),
      // The recorded main stream on loopback, the remembered sub-stream outside.
      new OnvifSim({
        ...mainAndSubStreamCamera(),
        profiles: mainAndSubStreamCamera().profiles!.map((p) =>
          p.token === 'sub' ? { ...p, rtspUri: 'rtsp://203.0.113.7:554/sub' } : p,
        ),
      }),
    ];
    const { v } = service('far-stream');
    await v.start();
    for (const sim of sims) {
      await sim.start();
      const e = await failure(v.addCamera({ address: sim.address, username: 'admin', password: 'pw' }));
      expect([e.code, e.data['reason']]).toEqual(['CAMERA_NOT_ON_LAN', 'stream-not-on-lan']);
      expect(e.message).not.toMatch(/8\.8\.8\.8|203\.0\.113\.7/);
      expect(sim.stats.soapCalls['GetStreamUri']).toBeGreaterThan(0);
      await sim.stop();
    }
    expect(v.cameras()).toEqual([]);
    await v.stop();
  });

  it('a setting that is not a list of networks stops the service from being built (BAD_OPTIONS)', () => {
    let err: unknown;
    try {
      service('bad-networks', (o) => ({ ...o, cameraNetworks: ['192.168.0.0/16', '192.168.1.300/24'] }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(VideoError);
    expect((err as VideoError).code).toBe('BAD_OPTIONS');
    expect((err as VideoError).message).toMatch(/"192\.168\.1\.300\/24" is not a network/);
  });
});

describe('cameras stored before the sub-stream and the caps (video migration 2)', () => {
  it('keep their stream, its URI and the size they were captured at, with no sub-stream and no caps', () => {
    const file = join(dir.path, 'old.db');
    const old = openDatabase(file, { synchronous: 'NORMAL', migrations: VIDEO_MIGRATIONS.slice(0, 1) });
    old
      .prepare(
        `INSERT INTO video_cameras (id, name, xaddr, username, password_sealed, rtsp_uri, profile_token, width, height, fps, info_json, anonymize_json, created_at_ms)
         VALUES ('c1', 'Door', 'http://cam/onvif/device_service', 'admin', 'sealed', 'rtsp://cam/main', 'main', 1280, 720, 10, '{}', '{"replaceWith":"blur","maskScale":1.3,"threshold":0.2}', 1)`,
      )
      .run();
    old.close();
    const c = new VideoDb(openDatabase(file, { synchronous: 'NORMAL', migrations: VIDEO_MIGRATIONS })).camera(
      'c1',
    )!;
    expect(c).toMatchObject({
      stream: { token: 'main', name: '', width: 1280, height: 720, fps: 10, rtspUri: 'rtsp://cam/main' },
      subStream: null,
      limits: { maxWidth: null, maxFps: null },
      passwordSealed: 'sealed',
    });
  });
});
