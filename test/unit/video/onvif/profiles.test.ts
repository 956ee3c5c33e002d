import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VideoError } from '../../../../main/video/errors';
import { CameraNetworks } from '../../../../main/video/onvif/camera-network';
import type { CameraProfile } from '../../../../main/video/onvif/client';
import { probeCamera } from '../../../../main/video/onvif/client';
import { chooseStreams } from '../../../../main/video/onvif/profiles';
import { mainAndSubStreamCamera, OnvifSim } from '../../../helpers/onvif-sim/sim';

const profile = (token: string, width: number, height: number, fps = 15, rtsp = true): CameraProfile => ({
  token,
  name: `${token}Stream`,
  width,
  height,
  fps,
  encoding: 'H264',
  rtspUri: rtsp ? `rtsp://cam/${token}` : '',
  snapshotUri: '',
});

const codeOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return e instanceof VideoError ? e.code : String(e);
  }
  return 'no error';
};

describe('which ONVIF profile a camera records (chooseStreams)', () => {
  it('records the largest profile and remembers the smallest other one as the sub-stream, whatever their order', () => {
    const sub = profile('sub', 640, 360);
    const third = profile('third', 1280, 720);
    const main = profile('main', 1920, 1080);
    for (const order of [
      [sub, third, main],
      [main, sub, third],
      [third, main, sub],
    ]) {
      const c = chooseStreams(order);
      expect(c.main.token).toBe('main');
      expect(c.sub?.token).toBe('sub');
    }
    expect(chooseStreams([sub, main])).toEqual({
      main: {
        token: 'main',
        name: 'mainStream',
        width: 1920,
        height: 1080,
        fps: 15,
        rtspUri: 'rtsp://cam/main',
      },
      sub: { token: 'sub', name: 'subStream', width: 640, height: 360, fps: 15, rtspUri: 'rtsp://cam/sub' },
    });
  });

  it('between equal sizes takes the higher rate for the main stream; a camera with one stream has no sub-stream', () => {
    expect(chooseStreams([profile('a', 1920, 1080, 15), profile('b', 1920, 1080, 25)]).main.token).toBe('b');
    expect(chooseStreams([profile('a', 1920, 1080, 15), profile('b', 1920, 1080, 25)]).sub).toBeNull();
    expect(chooseStreams([profile('only', 2560, 1440)])).toMatchObject({
      main: { token: 'only' },
      sub: null,
    });
  });

  it('ignores profiles without an RTSP URI, and one whose size the camera does not say is never the sub-stream', () => {
    const c = chooseStreams([
      profile('big', 3840, 2160, 15, false),
      profile('main', 1920, 1080),
      profile('x', 0, 0),
    ]);
    expect(c.main.token).toBe('main');
    expect(c.sub).toBeNull();
    expect(codeOf(() => chooseStreams([profile('a', 640, 360, 10, false)]))).toBe('NO_STREAM');
  });

  it('records the profile the owner named, even a smaller one; the sub-stream is then a smaller one still, if any', () => {
    const ps = [profile('main', 1920, 1080), profile('mid', 1280, 720), profile('sub', 640, 360)];
    expect(chooseStreams(ps, 'mid')).toMatchObject({ main: { token: 'mid' }, sub: { token: 'sub' } });
    expect(chooseStreams(ps, 'sub')).toMatchObject({ main: { token: 'sub' }, sub: null });
  });

  it('refuses a profile token the camera does not have, naming the ones it has', () => {
    const ps = [profile('main', 1920, 1080), profile('sub', 640, 360)];
    expect(codeOf(() => chooseStreams(ps, 'Profile_9'))).toBe('PROFILE_NOT_FOUND');
    expect(() => chooseStreams(ps, 'Profile_9')).toThrow(
      /no media profile "Profile_9".*main \(1920×1080\), sub \(640×360\)/,
    );
  });

  describe('against the simulator with a main stream and a sub-stream', () => {
    const sim = new OnvifSim(mainAndSubStreamCamera());
    beforeAll(() => sim.start());
    afterAll(() => sim.stop());

    it('reads both profiles over ONVIF (each with its own stream URI) and records the 1080p one', async () => {
      // The simulator is on loopback, which the default networks leave out.
      const networks = new CameraNetworks(['127.0.0.0/8']);
      const probe = await probeCamera({ xaddr: sim.xaddr, user: 'admin', pass: 'pw', networks });
      expect(probe.profiles.map((p) => [p.token, p.width, p.height, p.fps, p.rtspUri])).toEqual([
        ['sub', 640, 360, 15, 'rtsp://127.0.0.1:8554/sub'],
        ['main', 1920, 1080, 25, 'rtsp://127.0.0.1:8554/main'],
      ]);
      const c = chooseStreams(probe.profiles);
      expect([c.main.token, c.main.rtspUri, c.sub?.token, c.sub?.rtspUri]).toEqual([
        'main',
        'rtsp://127.0.0.1:8554/main',
        'sub',
        'rtsp://127.0.0.1:8554/sub',
      ]);
    });
  });
});
