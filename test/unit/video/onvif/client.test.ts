import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeCamera, rtspWithCredentials, xaddrFromAddress } from '../../../../main/video/onvif/client';
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

  it('reads device information, profiles, stream and snapshot URIs with digest auth', async () => {
    const p = await probeCamera({ xaddr: xaddrFromAddress(sim.address), user: 'admin', pass: 's3cret' });
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

  it('says AUTH_FAILED for a wrong password and UNREACHABLE for nothing listening', async () => {
    const err = await probeCamera({ xaddr: sim.xaddr, user: 'admin', pass: 'wrong' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(VideoError);
    expect((err as VideoError).code).toBe('CAMERA_AUTH_FAILED');
    const err2 = await probeCamera({
      xaddr: 'http://127.0.0.1:9/onvif/device_service',
      user: 'a',
      pass: 'b',
    }).catch((e: unknown) => e);
    expect((err2 as VideoError).code).toBe('CAMERA_UNREACHABLE');
  });

  it('normalizes typed addresses and refuses bad ones', () => {
    expect(xaddrFromAddress('192.168.1.20')).toBe('http://192.168.1.20/onvif/device_service');
    expect(xaddrFromAddress('cam:8080')).toBe('http://cam:8080/onvif/device_service');
    expect(() => xaddrFromAddress('http://u:p@cam')).toThrow(/own fields/);
    expect(() => xaddrFromAddress('')).toThrow(VideoError);
    expect(rtspWithCredentials('rtsp://h:554/a', 'ad min', 'p@ss')).toBe('rtsp://ad%20min:p%40ss@h:554/a');
  });
});
