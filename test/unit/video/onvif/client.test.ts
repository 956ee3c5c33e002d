import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CameraNetworks, DEFAULT_CAMERA_NETWORKS } from '../../../../main/video/onvif/camera-network';
import {
  classifyOnvifError,
  probeCamera,
  rtspWithCredentials,
  serviceXaddr,
  xaddrFromAddress,
} from '../../../../main/video/onvif/client';
import { VideoError } from '../../../../main/video/errors';
import { OnvifSim } from '../../../helpers/onvif-sim/sim';

describe('ONVIF client against the simulator (loopback)', () => {
  const sim = new OnvifSim({
    user: 'admin',
    pass: 's3cret',
    rtspUri: 'rtsp://127.0.0.1:8554/cam',
    width: 640,
    height: 360,
    fps: 10,
  });
  beforeAll(() => sim.start());
  afterAll(() => sim.stop());
  // The simulator is on loopback, which the default networks leave out.
  const networks = new CameraNetworks(['127.0.0.0/8']);

  it('reads device information, profiles, stream and snapshot URIs with digest auth', async () => {
    const p = await probeCamera({
      xaddr: xaddrFromAddress(sim.address),
      user: 'admin',
      pass: 's3cret',
      networks,
    });
    expect(p.info).toMatchObject({ manufacturer: 'HotPot Test', model: 'SIM-1', serialNumber: 'SIM0001' });
    expect(p.profiles).toEqual([
      {
        token: 'main',
        name: 'mainStream',
        width: 640,
        height: 360,
        fps: 10,
        encoding: 'H264',
        rtspUri: 'rtsp://127.0.0.1:8554/cam',
        snapshotUri: `http://${sim.address}/snapshot.jpg`,
      },
    ]);
    expect(sim.stats.soapCalls['GetStreamUri']).toBeGreaterThan(0);
  });

  it('says AUTH_FAILED for a wrong password and UNREACHABLE (refused) for nothing listening', async () => {
    const err = await probeCamera({ xaddr: sim.xaddr, user: 'admin', pass: 'wrong', networks }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(VideoError);
    expect((err as VideoError).code).toBe('CAMERA_AUTH_FAILED');
    const err2 = await probeCamera({
      xaddr: 'http://127.0.0.1:9/onvif/device_service',
      user: 'a',
      pass: 'b',
      networks,
    }).catch((e: unknown) => e);
    expect((err2 as VideoError).code).toBe('CAMERA_UNREACHABLE');
    expect((err2 as VideoError).data['reason']).toBe('refused');
  });

  it('sends nothing to an address outside the networks: CAMERA_NOT_ON_LAN before any request', async () => {
    const before = Object.values(sim.stats.soapCalls).reduce((a, b) => a + b, 0);
    const err = await probeCamera({
      xaddr: sim.xaddr,
      user: 'admin',
      pass: 's3cret',
      networks: new CameraNetworks(DEFAULT_CAMERA_NETWORKS),
    }).catch((e: unknown) => e);
    expect((err as VideoError).code).toBe('CAMERA_NOT_ON_LAN');
    expect(Object.values(sim.stats.soapCalls).reduce((a, b) => a + b, 0)).toBe(before);
  });

  it('normalizes typed addresses and refuses bad ones', () => {
    expect(xaddrFromAddress('192.168.1.20')).toBe('http://192.168.1.20/onvif/device_service');
    expect(xaddrFromAddress('cam:8080')).toBe('http://cam:8080/onvif/device_service');
    expect(() => xaddrFromAddress('http://u:p@cam')).toThrow(/own fields/);
    expect(() => xaddrFromAddress('')).toThrow(VideoError);
    expect(rtspWithCredentials('rtsp://h:554/a', 'ad min', 'p@ss')).toBe('rtsp://ad%20min:p%40ss@h:554/a');
  });
});

describe('what a failed probe says: the reason in fixed words, none of the remote text', () => {
  const at = 'http://192.168.1.20/onvif/device_service';
  // The texts node-onvif (lib/modules/soap.js, device.js) rejects with.
  const cases: Array<[string, string, string]> = [
    ['Network Error: connect ECONNREFUSED 192.168.1.20:80', 'CAMERA_UNREACHABLE', 'refused'],
    ['Network Error: socket hang up', 'CAMERA_UNREACHABLE', 'no-answer'],
    ['Network Error: connect EHOSTUNREACH 192.168.1.20:80', 'CAMERA_UNREACHABLE', 'no-answer'],
    ['Network Error: getaddrinfo ENOTFOUND cam', 'CAMERA_UNREACHABLE', 'host-not-found'],
    ['Failed to initialize the device: Error: 401 Unauthorized', 'CAMERA_AUTH_FAILED', 'auth-failed'],
    [
      'Failed to initialize the device: Error: 400 Bad Request - Sender not Authorized',
      'CAMERA_AUTH_FAILED',
      'auth-failed',
    ],
    ['Failed to initialize the device: Error: 405 Method Not Allowed', 'CAMERA_PROTOCOL', 'not-onvif'],
    ['Failed to initialize the device: Error: 404 Not Found', 'CAMERA_PROTOCOL', 'not-onvif'],
    ['Non-whitespace before first tag.\nLine: 0\nColumn: 1\nChar: <', 'CAMERA_PROTOCOL', 'not-onvif'],
    ['Network Error: Parse Error: Expected HTTP/', 'CAMERA_PROTOCOL', 'not-onvif'],
    [
      'Failed to initialize the device: Error: 500 Internal Server Error - Action not supported',
      'CAMERA_PROTOCOL',
      'unusable-answer',
    ],
    ['The device seems to not support the GetProfiles() method.', 'CAMERA_PROTOCOL', 'unusable-answer'],
  ];
  it.each(cases)('%s -> %s (%s)', (text, code, reason) => {
    const e = classifyOnvifError(new Error(text), at);
    expect([e.code, e.data]).toEqual([code, { xaddr: at, reason }]);
    expect(e.message).toContain(at);
    const own = e.message.replace(at, '');
    for (const remote of [
      /\b\d{3}\b/,
      /Method Not Allowed|Not Found|Internal Server|Sender|Action|Parse|ECONN|socket/,
    ])
      expect(own).not.toMatch(remote);
  });
});

describe('the services a camera names (GetCapabilities XAddrs)', () => {
  const nets = new CameraNetworks(DEFAULT_CAMERA_NETWORKS);
  const device = 'http://192.168.1.20/onvif/device_service';

  it("are used as named when on the networks, else reached at the camera's own checked address", () => {
    expect(serviceXaddr('http://192.168.1.21:8000/onvif/media', device, nets)).toBe(
      'http://192.168.1.21:8000/onvif/media',
    );
    expect(serviceXaddr('http://8.8.8.8:8000/onvif/media', device, nets)).toBe(
      'http://192.168.1.20:8000/onvif/media',
    );
    expect(serviceXaddr('http://127.0.0.1/onvif/media', device, nets)).toBe(
      'http://192.168.1.20/onvif/media',
    );
    expect(serviceXaddr('http://cam.example/onvif/media', device, nets)).toBe(
      'http://192.168.1.20/onvif/media',
    );
    expect(serviceXaddr('http://u:p@192.168.1.21/onvif/media', device, nets)).toBe(
      'http://192.168.1.21/onvif/media',
    );
    for (const odd of ['https://192.168.1.21/onvif/media', 'not a url', { _: 'x' }, undefined])
      expect(serviceXaddr(odd, device, nets)).toBe(device);
  });
});
