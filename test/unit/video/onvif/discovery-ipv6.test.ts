import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  discoverCameras,
  mergeAnswers,
  withZone,
  type DiscoveredDevice,
} from '../../../../main/video/onvif/discovery';
import { VideoError } from '../../../../main/video/errors';
import { bundleEntry, REPO_ROOT, runInNetns } from '../../../helpers/onvif-sim/bundle';

interface DiscoverRun {
  devices: Array<{ urn: string; name: string; xaddrs: string[]; interfaceAddress: string }>;
  sims: Array<{
    urn: string;
    discovery: string;
    xaddr: string;
    xaddrIpv6: string;
    stats: { probesByType: Record<string, number> };
  }>;
}

const device = (urn: string, xaddrs: string[], interfaceAddress: string): DiscoveredDevice => ({
  urn,
  name: 'Cam',
  hardware: '',
  location: '',
  types: [],
  xaddrs,
  scopes: [],
  interfaceAddress,
});

describe('WS-Discovery over IPv6 (ff02::c)', () => {
  it('finds a camera that answers only on ff02::c, and lists one answering on both groups once', async () => {
    const script = await bundleEntry(
      join(REPO_ROOT, 'test/helpers/onvif-sim/discover-script.ts'),
      'discover-script.mjs',
    );
    const run = await runInNetns(script, ['1200', 'ipv6,both,ipv4'], 60_000, { ipv6Multicast: true });
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout.trim().split('\n').pop()!) as DiscoverRun;
    const [v6only, both, v4only] = out.sims as [
      DiscoverRun['sims'][0],
      DiscoverRun['sims'][0],
      DiscoverRun['sims'][0],
    ];
    const found = (urn: string) => out.devices.filter((d) => d.urn === urn);

    expect(found(v6only.urn)).toEqual([
      expect.objectContaining({ name: 'Front Door', xaddrs: [v6only.xaddrIpv6], interfaceAddress: '::1' }),
    ]);
    expect(v6only.xaddrIpv6).toMatch(/^http:\/\/\[::1\]:\d+\/onvif\/device_service$/);
    // Once, with the XAddr of each family, the IPv4 one first.
    expect(found(both.urn)).toEqual([
      expect.objectContaining({
        name: 'Kitchen',
        xaddrs: [both.xaddr, both.xaddrIpv6],
        interfaceAddress: '127.0.0.1',
      }),
    ]);
    expect(found(v4only.urn)).toEqual([expect.objectContaining({ name: 'Garage', xaddrs: [v4only.xaddr] })]);
    expect(out.devices).toHaveLength(3);
    // 3 repeats × both types on each group the camera joined (lo only in the namespace).
    expect(v6only.stats.probesByType).toEqual({ NetworkVideoTransmitter: 3, Device: 3 });
    expect(both.stats.probesByType).toEqual({ NetworkVideoTransmitter: 6, Device: 6 });
    expect(v4only.stats.probesByType).toEqual({ NetworkVideoTransmitter: 3, Device: 3 });
  });

  it('still finds IPv4 cameras where IPv6 multicast cannot be sent (ENETUNREACH on lo)', async () => {
    const script = await bundleEntry(
      join(REPO_ROOT, 'test/helpers/onvif-sim/discover-script.ts'),
      'discover-script.mjs',
    );
    const run = await runInNetns(script, ['800', 'ipv4,ipv6']);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout.trim().split('\n').pop()!) as DiscoverRun;
    expect(out.devices.map((d) => d.urn)).toEqual([out.sims[0]!.urn]);
    expect(out.sims[1]!.stats.probesByType).toEqual({});
  });

  it('fails with DISCOVERY_FAILED when no probe can be sent on either family', async () => {
    const err = await discoverCameras({ timeoutMs: 10, interfaceAddresses: [], ipv6Interfaces: [] }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(VideoError);
    expect((err as VideoError).code).toBe('DISCOVERY_FAILED');
  });

  it('merges answers by endpoint reference, IPv4 XAddrs first whatever arrived first', () => {
    const v6 = device('urn:uuid:a', ['http://[fe80::1%25eth0]/onvif/device_service'], 'fe80::2%eth0');
    const v4 = device('urn:uuid:a', ['http://192.168.1.20/onvif/device_service'], '192.168.1.2');
    const other = device('urn:uuid:b', ['http://[2001:db8::7]/onvif/device_service'], 'fe80::2%eth0');
    expect(
      mergeAnswers([
        { family: 'IPv6', device: v6 },
        { family: 'IPv6', device: other },
        { family: 'IPv4', device: v4 },
        { family: 'IPv6', device: v6 },
      ]),
    ).toEqual([{ ...v4, xaddrs: [...v4.xaddrs, ...v6.xaddrs] }, other]);
  });

  it('gives a link-local XAddr without a zone the zone of the interface it came in on', () => {
    expect(withZone('http://[fe80::1]:8080/onvif/device_service', 'eth0')).toBe(
      'http://[fe80::1%25eth0]:8080/onvif/device_service',
    );
    for (const x of [
      'http://[fe80::1%25eth1]/onvif/device_service',
      'http://[2001:db8::1]/onvif/device_service',
      'http://[::1]:80/onvif/device_service',
      'http://192.168.1.20/onvif/device_service',
    ])
      expect(withZone(x, 'eth0')).toBe(x);
  });
});
