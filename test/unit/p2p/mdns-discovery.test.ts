import type { NetworkInterfaceInfo } from 'node:os';
import { multiaddr } from '@multiformats/multiaddr';
import { describe, expect, it } from 'vitest';
import { inSubnet, ipv4Of, isLanIpv4, suitableInterfaces } from '../../../main/p2p/mdns-discovery';

const v4 = (address: string, cidr: string, internal = false): NetworkInterfaceInfo => ({
  address,
  cidr,
  netmask: '255.255.255.0',
  family: 'IPv4',
  mac: '00:00:00:00:00:00',
  internal,
});
const v6 = (address: string): NetworkInterfaceInfo => ({
  address,
  cidr: `${address}/64`,
  netmask: 'ffff:ffff:ffff:ffff::',
  family: 'IPv6',
  mac: '00:00:00:00:00:00',
  internal: false,
  scopeid: 0,
});

describe('mDNS interface choice', () => {
  const host = {
    lo: [v4('127.0.0.1', '127.0.0.1/8', true)],
    eth0: [v6('fe80::1'), v4('192.168.1.10', '192.168.1.10/24')],
    wlan0: [v4('10.0.0.5', '10.0.0.5/16'), v4('10.0.0.6', '10.0.0.6/16')],
    docker0: [v6('fe80::2')],
  };

  it('uses every non-loopback IPv4 interface, one address each (not only the first interface)', () => {
    expect(suitableInterfaces(host)).toEqual([
      { name: 'eth0', address: '192.168.1.10', cidr: '192.168.1.10/24' },
      { name: 'wlan0', address: '10.0.0.5', cidr: '10.0.0.5/16' },
    ]);
  });

  it('falls back to loopback when it is all there is (a network namespace)', () => {
    expect(suitableInterfaces({ lo: host.lo })).toEqual([
      { name: 'lo', address: '127.0.0.1', cidr: '127.0.0.1/8' },
    ]);
  });

  it('honours an explicit list', () => {
    expect(suitableInterfaces(host, ['wlan0', 'lo']).map((i) => i.name)).toEqual(['wlan0', 'lo']);
    expect(suitableInterfaces(host, ['nope'])).toEqual([]);
  });

  it('matches subnets and LAN ranges', () => {
    expect(inSubnet('192.168.1.77', '192.168.1.10/24')).toBe(true);
    expect(inSubnet('192.168.2.77', '192.168.1.10/24')).toBe(false);
    expect(inSubnet('10.0.255.1', '10.0.0.5/16')).toBe(true);
    expect(inSubnet('1.2.3.4', '0.0.0.0/0')).toBe(true);
    expect(inSubnet('300.1.1.1', '10.0.0.0/8')).toBe(false);
    expect(inSubnet('10.1.1.1', '10.0.0.0/33')).toBe(false);
    expect(['10.1.2.3', '172.20.0.1', '192.168.0.1', '127.0.0.1', '169.254.3.4'].every(isLanIpv4)).toBe(true);
    expect(['8.8.8.8', '172.32.0.1', '100.64.0.1'].some(isLanIpv4)).toBe(false);
    expect(ipv4Of(multiaddr('/ip4/192.168.1.2/tcp/4510'))).toBe('192.168.1.2');
    expect(ipv4Of(multiaddr('/ip6/::1/tcp/4510'))).toBeNull();
  });
});
