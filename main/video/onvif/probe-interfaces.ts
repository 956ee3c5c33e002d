import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

/** An interface WS-Discovery can probe from over IPv6. */
export interface Ipv6ProbeInterface {
  /** The interface's name, e.g. `eth0`. */
  name: string;
  /**
   * The zone that names it in a scoped address (`ff02::c%<zone>`): its name, or on Windows its
   * index, as Node's dgram expects.
   */
  zone: string;
  /** Its link-local address with the zone (`fe80::1%eth0`), else its first IPv6 address. */
  address: string;
}

/**
 * The IPv4 addresses of the host's interfaces that can carry multicast discovery: every external
 * one, loopback only when there is no other.
 */
export function probeInterfaceAddresses(): string[] {
  const all: Array<{ address: string; internal: boolean }> = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? [])
      if (a.family === 'IPv4') all.push({ address: a.address, internal: a.internal });
  }
  const external = all.filter((a) => !a.internal).map((a) => a.address);
  return external.length > 0 ? external : all.map((a) => a.address);
}

/**
 * The host's interfaces that have IPv6, for probing `ff02::c` on each: every external one, loopback
 * only when there is no other. Node does not say which carry multicast; one that does not fails its
 * send and is skipped then.
 *
 * @example probeInterfacesIpv6({ names: ['eth0'] }) // [{ name: 'eth0', zone: 'eth0', address: 'fe80::1%eth0' }]
 */
export function probeInterfacesIpv6(opts: { names?: readonly string[] } = {}): Ipv6ProbeInterface[] {
  const all: Array<Ipv6ProbeInterface & { internal: boolean }> = [];
  for (const [name, list] of Object.entries(networkInterfaces())) {
    if (opts.names && !opts.names.includes(name)) continue;
    const v6 = (list ?? []).filter(
      (a): a is NetworkInterfaceInfo & { family: 'IPv6' } => a.family === 'IPv6',
    );
    if (v6.length === 0) continue;
    const linkLocal = v6.find((a) => /^fe[89ab]/i.test(a.address));
    const zone = process.platform === 'win32' && linkLocal ? String(linkLocal.scopeid) : name;
    all.push({
      name,
      zone,
      address: linkLocal ? `${linkLocal.address}%${name}` : v6[0]!.address,
      internal: v6.every((a) => a.internal),
    });
  }
  const pick = opts.names ? all : all.some((a) => !a.internal) ? all.filter((a) => !a.internal) : all;
  return pick.map(({ name, zone, address }) => ({ name, zone, address }));
}
