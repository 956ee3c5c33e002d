import { describe, expect, it } from 'vitest';
import type { CameraInfo, CameraProbe } from '../../../../main/video/onvif/client';
import type { DiscoveredDevice } from '../../../../main/video/onvif/discovery';
import { findMovedCamera } from '../../../../main/video/onvif/relocate';

const INFO: CameraInfo = {
  manufacturer: 'Acme',
  model: 'Dome-2',
  firmwareVersion: '1.0',
  serialNumber: 'SN-1',
  hardwareId: 'D2',
};
const device = (xaddr: string, hardware = 'Dome-2'): DiscoveredDevice => ({
  urn: `urn:uuid:${xaddr}`,
  name: 'cam',
  hardware,
  location: '',
  types: [],
  xaddrs: [xaddr],
  scopes: [],
  interfaceAddress: '192.168.1.2',
});
const probeOf =
  (info: Partial<CameraInfo>) =>
  async (xaddr: string): Promise<CameraProbe> => ({
    xaddr,
    info: { ...INFO, ...info },
    profiles: [],
  });
const OLD = 'http://192.168.1.20/onvif/device_service';

describe('findMovedCamera', () => {
  it('finds the device with the same serial among the new ones, asking only those of its hardware', async () => {
    const asked: string[] = [];
    const serials: Record<string, string> = { a: 'SN-9', b: 'SN-1', c: 'SN-1' };
    const found = await findMovedCamera({ xaddr: OLD, info: INFO }, new Set([OLD, 'http://known']), {
      discover: async () => [
        device('http://known'),
        device('http://a'),
        device('http://other', 'Bullet-5'),
        device('http://b'),
      ],
      probe: async (x) => {
        asked.push(x);
        return probeOf({ serialNumber: serials[x.slice(7)] })(x);
      },
    });
    expect(found).toMatchObject({ xaddr: 'http://b' });
    expect(asked).toEqual(['http://a', 'http://b']);
  });

  it('says why when it finds nothing', async () => {
    const none = { discover: async () => [], probe: probeOf({}) };
    expect(await findMovedCamera({ xaddr: OLD, info: { ...INFO, serialNumber: ' ' } }, new Set(), none)).toBe(
      'no-serial',
    );
    expect(await findMovedCamera({ xaddr: OLD, info: INFO }, new Set(), none)).toBe('not-discovered');
    const otherModel = {
      discover: async () => [device('http://a')],
      probe: probeOf({ model: 'Dome-3' }),
    };
    expect(await findMovedCamera({ xaddr: OLD, info: INFO }, new Set(), otherModel)).toBe('no-match');
    const failing = {
      discover: async () => [device('http://a')],
      probe: async () => Promise.reject(new Error('refused')),
    };
    expect(await findMovedCamera({ xaddr: OLD, info: INFO }, new Set(), failing)).toBe('no-match');
  });
});
