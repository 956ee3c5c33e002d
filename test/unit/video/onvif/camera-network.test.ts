// Which addresses a camera may have (video.cameraNetworks): the defaults, IPv6 and IPv4-mapped IPv6,
// host names (every address they resolve to must be inside; the checked address is what the node
// talks to), stream URIs, and a setting that is not a list of networks.
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../main/config/load';
import { VideoError } from '../../../../main/video/errors';
import {
  CameraNetworks,
  DEFAULT_CAMERA_NETWORKS,
  type ResolveHost,
} from '../../../../main/video/onvif/camera-network';
import { tempDir } from '../../../helpers/tmp';

const dir = tempDir('hotpot-camera-networks-');
afterAll(() => dir.cleanup());

/** A resolver over a fixed table (no live DNS), counting the lookups. */
function table(names: Record<string, string[]>): ResolveHost & { lookups: string[] } {
  const lookups: string[] = [];
  const resolve = async (host: string) => {
    lookups.push(host);
    const found = names[host];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { lookups });
}

const failureOf = async (
  p: Promise<unknown>,
): Promise<{ code: string; reason: unknown; message: string }> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof VideoError) return { code: e.code, reason: e.data['reason'], message: e.message };
    throw e;
  }
  throw new Error('expected a VideoError, got none');
};

describe('the default networks: the LAN ranges, no loopback, nothing public', () => {
  const nets = new CameraNetworks(DEFAULT_CAMERA_NETWORKS);

  it('allows private, link-local and CGNAT IPv4 and refuses loopback, public and edge addresses', () => {
    for (const ip of [
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.20',
      '169.254.10.1',
      '100.64.0.1',
    ])
      expect(nets.allows(ip), ip).toBe(true);
    for (const ip of [
      '127.0.0.1',
      '127.9.9.9',
      '0.0.0.0',
      '8.8.8.8',
      '172.32.0.1',
      '100.128.0.1',
      '192.169.0.1',
    ])
      expect(nets.allows(ip), ip).toBe(false);
  });

  it('allows unique-local and link-local IPv6 and refuses ::1, :: and global addresses', () => {
    for (const ip of ['fd12:3456::1', 'fc00::1', 'fe80::1', '[fe80::abcd]'])
      expect(nets.allows(ip), ip).toBe(true);
    for (const ip of ['::1', '[::1]', '::', '2001:db8::1', '2606:4700::1111'])
      expect(nets.allows(ip), ip).toBe(false);
  });

  it('judges an IPv4-mapped IPv6 address as the IPv4 address it carries, in either notation', () => {
    expect(nets.allows('::ffff:192.168.1.20')).toBe(true);
    expect(nets.allows('::ffff:c0a8:114')).toBe(true);
    expect(nets.allows('[::ffff:10.0.0.7]')).toBe(true);
    expect(nets.allows('::ffff:127.0.0.1')).toBe(false);
    expect(nets.allows('::ffff:7f00:1')).toBe(false);
    expect(nets.allows('::FFFF:8.8.8.8')).toBe(false);
  });

  it('an IPv6 network does not let IPv4 in, mapped or not (::/0 is every IPv6 address, no more)', () => {
    const v6 = new CameraNetworks(['::/0']);
    expect(v6.allows('2001:db8::1')).toBe(true);
    expect(v6.allows('8.8.8.8')).toBe(false);
    expect(v6.allows('::ffff:8.8.8.8')).toBe(false);
  });

  it('a name is not an address: allows() is false for it', () => {
    expect(nets.allows('cam.local')).toBe(false);
    expect(nets.allows('')).toBe(false);
  });

  it("refuses loopback with CAMERA_NOT_ON_LAN, a message naming the setting, and the reason 'not-on-lan'", async () => {
    const f = await failureOf(nets.pin('127.0.0.1', 'address'));
    expect(f).toMatchObject({ code: 'CAMERA_NOT_ON_LAN', reason: 'not-on-lan' });
    expect(f.message).toMatch(
      /camera address 127\.0\.0\.1 is not on the store's network.*video\.cameraNetworks/,
    );
    expect(await nets.pin('[fe80::1]', 'address')).toBe('fe80::1');
    expect(await nets.pin('::ffff:192.168.1.20', 'address')).toBe('192.168.1.20');
  });
});

describe('host names', () => {
  const names = table({
    'cam.local': ['192.168.1.20'],
    'cam6.local': ['fd00::5'],
    'mixed.local': ['192.168.1.20', '8.8.8.8'],
    'mapped.local': ['::ffff:127.0.0.1'],
    localhostish: ['127.0.0.1', '::1'],
  });
  const nets = new CameraNetworks(DEFAULT_CAMERA_NETWORKS, names);

  it('pins a name to the address it resolved to: the node talks to that address, resolved once', async () => {
    names.lookups.length = 0;
    expect(await nets.pinUrl('http://cam.local:8080/onvif/device_service', 'address')).toBe(
      'http://192.168.1.20:8080/onvif/device_service',
    );
    expect(await nets.pinUrl('http://cam6.local/onvif/device_service', 'address')).toBe(
      'http://[fd00::5]/onvif/device_service',
    );
    expect(names.lookups).toEqual(['cam.local', 'cam6.local']);
  });

  it('refuses a name when any address it resolves to is outside, and says which', async () => {
    for (const host of ['mixed.local', 'mapped.local', 'localhostish']) {
      const f = await failureOf(nets.pin(host, 'address'));
      expect(f, host).toMatchObject({ code: 'CAMERA_NOT_ON_LAN', reason: 'not-on-lan' });
    }
    expect((await failureOf(nets.pin('mixed.local', 'address'))).message).toMatch(
      /"mixed\.local" resolves to 8\.8\.8\.8, which is not on the store's network/,
    );
  });

  it("says a name that does not resolve is not found (reason 'host-not-found')", async () => {
    expect(await failureOf(nets.pin('nowhere.local', 'address'))).toMatchObject({
      code: 'CAMERA_UNREACHABLE',
      reason: 'host-not-found',
      message: expect.stringMatching(/"nowhere\.local" is not found; check its spelling/),
    });
  });

  it("with the system's resolver: localhost (from the hosts file, no network) is loopback, refused", async () => {
    expect(
      await failureOf(new CameraNetworks(DEFAULT_CAMERA_NETWORKS).pin('localhost', 'address')),
    ).toMatchObject({
      code: 'CAMERA_NOT_ON_LAN',
    });
  });
});

describe('stream URIs the camera returns', () => {
  const nets = new CameraNetworks(
    DEFAULT_CAMERA_NETWORKS,
    table({ 'cam.local': ['192.168.1.20'], 'far.example': ['8.8.8.8'] }),
  );

  it('accepts streams on the networks, by address or by a name resolving inside', async () => {
    await nets.checkStream('rtsp://192.168.1.20:554/Streaming/Channels/101');
    await nets.checkStream('rtsp://[fd00::1]:554/main');
    await nets.checkStream('rtsp://cam.local/main');
  });

  it("refuses one outside with the reason 'stream-not-on-lan', without repeating the camera's host", async () => {
    for (const uri of [
      'rtsp://8.8.8.8/cam',
      'rtsp://127.0.0.1:8554/cam',
      'rtsp://far.example/cam',
      'rtsp://[::1]/cam',
    ]) {
      const f = await failureOf(nets.checkStream(uri));
      expect(f, uri).toMatchObject({ code: 'CAMERA_NOT_ON_LAN', reason: 'stream-not-on-lan' });
      expect(f.message).toMatch(/video stream is not on the store's network/);
      expect(f.message).not.toMatch(/8\.8\.8\.8|127\.0\.0\.1|far\.example/);
    }
    expect(await failureOf(nets.checkStream('rtsp:///cam'))).toMatchObject({
      code: 'NO_STREAM',
      reason: 'stream-host-not-found',
    });
  });
});

describe('a setting that is not a list of networks', () => {
  it('is refused when the networks are built (BAD_OPTIONS naming the entry and the form)', () => {
    for (const bad of [
      '10.0.0.0/33',
      '::1/129',
      '192.168.1.20',
      'lan',
      '10.0.0/8',
      '10.0.0.0/-1',
      'cam.local/24',
    ]) {
      let err: unknown;
      try {
        new CameraNetworks(['192.168.0.0/16', bad]);
      } catch (e) {
        err = e;
      }
      expect(err, bad).toBeInstanceOf(VideoError);
      expect((err as VideoError).code).toBe('BAD_OPTIONS');
      expect((err as VideoError).message).toContain(`video.cameraNetworks: "${bad}" is not a network`);
    }
  });

  it('is refused by the configuration with the key, where it came from and an example', () => {
    expect(() =>
      loadConfig({
        flags: {},
        env: { HOTPOT_VIDEO_CAMERA_NETWORKS: '192.168.0.0/16, lan' },
        defaultDataDir: dir.path,
      }),
    ).toThrow(
      /video\.cameraNetworks.*"lan" is not a network; write an address and a prefix length, e\.g\. 192\.168\.0\.0\/16/s,
    );
  });

  it('the configuration defaults to the LAN ranges, and HOTPOT_VIDEO_CAMERA_NETWORKS is a comma-separated list', () => {
    expect(loadConfig({ flags: {}, env: {}, defaultDataDir: dir.path }).video.cameraNetworks).toEqual([
      ...DEFAULT_CAMERA_NETWORKS,
    ]);
    expect(
      loadConfig({
        flags: {},
        env: { HOTPOT_VIDEO_CAMERA_NETWORKS: '192.168.7.0/24, fd00::/8' },
        defaultDataDir: dir.path,
      }).video.cameraNetworks,
    ).toEqual(['192.168.7.0/24', 'fd00::/8']);
  });
});
