import type { RemoteInfo } from 'node:dgram';
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import multicastDNS from 'multicast-dns';
import type { P2pLog } from './types';

// Why not @libp2p/mdns: it makes one multicast-dns socket with no `interface`, and multicast-dns then
// joins the group on every IPv4 interface (so it hears everything) but sends queries and responses
// through one interface only: `setMulticastInterface(defaultInterface())`, which is 0.0.0.0 (the
// kernel's route for 224.0.0.251) as soon as any non-loopback IPv4 interface exists. A back-office PC
// with Ethernet and Wi-Fi therefore announces itself on one of them only. Here each suitable
// interface gets its own socket with `interface: <its address>`, so queries and responses go out on
// every one, and each answers only queries from its own subnet with the addresses reachable there.

/** One IPv4 interface mDNS runs on. */
export interface MdnsInterface {
  name: string;
  address: string;
  /** e.g. `192.168.1.10/24`. */
  cidr: string;
}

/**
 * The interfaces to run mDNS on: the first IPv4 address of each non-loopback interface (or only the
 * named ones when `allow` is given); when there is none, the loopback interface, so a single machine
 * or a network namespace with only `lo` still works. IPv6 is not used (libp2p's mDNS profile is IPv4
 * in practice, and multicast-dns needs one socket per IPv6 scope).
 *
 * @example suitableInterfaces(os.networkInterfaces()) // [{ name: 'eth0', address: '192.168.1.10', cidr: '192.168.1.10/24' }]
 */
export function suitableInterfaces(
  all: NodeJS.Dict<NetworkInterfaceInfo[]>,
  allow?: readonly string[],
): MdnsInterface[] {
  const pick = (internal: boolean): MdnsInterface[] => {
    const out: MdnsInterface[] = [];
    for (const [name, infos] of Object.entries(all)) {
      if (allow !== undefined && !allow.includes(name)) continue;
      const v4 = (infos ?? []).find((i) => i.family === 'IPv4' && i.internal === internal);
      if (v4 !== undefined) out.push({ name, address: v4.address, cidr: v4.cidr ?? `${v4.address}/32` });
    }
    return out;
  };
  const external = pick(false);
  if (external.length > 0 || allow !== undefined)
    return allow !== undefined ? [...external, ...pick(true)] : external;
  return pick(true);
}

function ipv4ToInt(ip: string): number | null {
  const parts = ip.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const v = Number(p);
    if (v > 255) return null;
    n = n * 256 + v;
  }
  return n;
}

/** True when the IPv4 address `ip` lies in `cidr`. */
export function inSubnet(ip: string, cidr: string): boolean {
  const [base, bitsStr] = cidr.split('/');
  const a = ipv4ToInt(ip);
  const b = ipv4ToInt(base ?? '');
  const bits = Number(bitsStr);
  if (a === null || b === null || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  if (bits === 0) return true;
  const shift = 32 - bits;
  return Math.floor(a / 2 ** shift) === Math.floor(b / 2 ** shift);
}

/** The IPv4 host of a multiaddr like `/ip4/1.2.3.4/tcp/…`, else null. */
export function ipv4Of(ma: Multiaddr): string | null {
  const c = ma.getComponents()[0];
  return c?.name === 'ip4' && c.value !== undefined ? c.value : null;
}

/** Private, loopback and link-local IPv4 ranges: the only addresses ever announced over mDNS. */
export function isLanIpv4(ip: string): boolean {
  return ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8', '169.254.0.0/16'].some((c) =>
    inSubnet(ip, c),
  );
}

/** Options of the mDNS discovery. */
export interface MdnsDiscoveryOptions {
  /** Our peer id (the mDNS instance name; responses about it are ignored). */
  peerId: string;
  /** The service name, e.g. `mdnsServiceTag(chainId)`. */
  serviceTag: string;
  /** How often to query, ms (default 10 s). */
  intervalMs?: number;
  /** Restrict to these interface names (default: every suitable one, see `suitableInterfaces`). */
  interfaces?: readonly string[];
  /** How often to look for interfaces that came or went, ms (default 15 s). */
  rescanMs?: number;
  /** UDP port (default 5353) and group (default 224.0.0.251); tests may change them. */
  port?: number;
  group?: string;
}

/** What the discovery needs from the node. */
export interface MdnsDiscoveryDeps {
  /** Our current listen addresses (each ending in `/p2p/<id>`). */
  getMultiaddrs(): Multiaddr[];
  /** Called for each peer heard of (possibly repeatedly); addresses come without `/p2p`. */
  onPeer(peerId: string, addrs: Multiaddr[]): void;
  log: P2pLog;
  /** Defaults to `os.networkInterfaces`. */
  networkInterfaces?: () => NodeJS.Dict<NetworkInterfaceInfo[]>;
}

interface Responder {
  iface: MdnsInterface;
  mdns: multicastDNS.MulticastDNS;
}

const TXT_PREFIX = 'dnsaddr=';

/**
 * mDNS discovery with one responder per interface. Wire format as libp2p's mDNS spec (PTR to
 * `<name>.<serviceTag>`, TXT `dnsaddr=<multiaddr>/p2p/<id>`), with a chain-specific service tag so
 * two franchises on one LAN do not even find each other.
 *
 * @example
 * const d = new MdnsDiscovery({ peerId, serviceTag: mdnsServiceTag(chainId) }, { getMultiaddrs, onPeer, log });
 * await d.start();
 */
export class MdnsDiscovery {
  private readonly responders = new Map<string, Responder>();
  private queryTimer: NodeJS.Timeout | undefined;
  private rescanTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly opts: MdnsDiscoveryOptions,
    private readonly deps: MdnsDiscoveryDeps,
  ) {}

  /** The interfaces currently answered on. */
  interfaces(): MdnsInterface[] {
    return [...this.responders.values()].map((r) => r.iface);
  }

  /** Opens a responder per suitable interface and starts querying. */
  async start(): Promise<void> {
    this.rescan();
    this.queryAll();
    this.queryTimer = setInterval(() => this.queryAll(), this.opts.intervalMs ?? 10_000);
    this.rescanTimer = setInterval(() => this.rescan(), this.opts.rescanMs ?? 15_000);
    this.queryTimer.unref();
    this.rescanTimer.unref();
  }

  /** Stops querying and closes every socket. */
  async stop(): Promise<void> {
    clearInterval(this.queryTimer);
    clearInterval(this.rescanTimer);
    await Promise.all([...this.responders.keys()].map((k) => this.close(k)));
  }

  /** Sends one query on every interface now (also done every `intervalMs`). */
  queryAll(): void {
    for (const r of this.responders.values()) {
      r.mdns.query({ questions: [{ name: this.opts.serviceTag, type: 'PTR' }] }, (err: Error | null) => {
        if (err) this.deps.log.debug({ iface: r.iface.name, err: err.message }, 'mDNS query failed');
      });
    }
  }

  private rescan(): void {
    const found = suitableInterfaces(
      (this.deps.networkInterfaces ?? networkInterfaces)(),
      this.opts.interfaces,
    );
    const want = new Map(found.map((i) => [`${i.name}/${i.address}`, i]));
    for (const key of this.responders.keys()) if (!want.has(key)) void this.close(key);
    for (const [key, iface] of want) {
      if (this.responders.has(key)) continue;
      const mdns = multicastDNS({
        interface: iface.address,
        // Bind the wildcard address: a socket bound to the interface's unicast address would not
        // receive datagrams sent to the group.
        bind: '0.0.0.0',
        port: this.opts.port ?? 5353,
        ip: this.opts.group ?? '224.0.0.251',
        reuseAddr: true,
        loopback: true,
      });
      const r: Responder = { iface, mdns };
      mdns.on('query', (q: multicastDNS.QueryPacket, rinfo: RemoteInfo) => this.onQuery(r, q, rinfo));
      mdns.on('response', (p: multicastDNS.ResponsePacket) => this.onResponse(p));
      mdns.on('warning', (err: Error) =>
        this.deps.log.debug({ iface: iface.name, err: err.message }, 'mDNS warning'),
      );
      mdns.on('error', (err: Error) =>
        this.deps.log.warn({ iface: iface.name, err: err.message }, 'mDNS socket error'),
      );
      this.responders.set(key, r);
      this.deps.log.info({ iface: iface.name, address: iface.address }, 'mDNS responder started');
      // A responder added by a rescan queries at once so a new interface finds peers without waiting.
      if (this.queryTimer !== undefined)
        mdns.query({ questions: [{ name: this.opts.serviceTag, type: 'PTR' }] });
    }
  }

  private close(key: string): Promise<void> {
    const r = this.responders.get(key);
    this.responders.delete(key);
    if (r === undefined) return Promise.resolve();
    return new Promise((resolve) => r.mdns.destroy(() => resolve()));
  }

  private onQuery(r: Responder, q: multicastDNS.QueryPacket, rinfo: RemoteInfo): void {
    if (
      !q.questions.some(
        (x) => x.name === this.opts.serviceTag && (x.type === 'PTR' || (x.type as string) === 'ANY'),
      )
    )
      return;
    // Every socket bound to :5353 hears queries from every interface; answer only on the interface
    // the asker shares a subnet with.
    if (!inSubnet(rinfo.address, r.iface.cidr)) return;
    const ours = this.deps.getMultiaddrs().filter((ma) => {
      const ip = ipv4Of(ma);
      return ip !== null && isLanIpv4(ip) && ma.toString().includes('/p2p/');
    });
    const here = ours.filter((ma) => inSubnet(ipv4Of(ma) ?? '', r.iface.cidr));
    const addrs = (here.length > 0 ? here : ours)
      .map((ma) => TXT_PREFIX + ma.toString())
      .filter((s) => s.length <= 255);
    if (addrs.length === 0) return;
    const instance = `${this.opts.peerId}.${this.opts.serviceTag}`;
    r.mdns.respond({
      answers: [{ name: this.opts.serviceTag, type: 'PTR', class: 'IN', ttl: 120, data: instance }],
      additionals: addrs.map((data) => ({
        name: instance,
        type: 'TXT' as const,
        class: 'IN' as const,
        ttl: 120,
        data,
      })),
    });
  }

  private onResponse(p: multicastDNS.ResponsePacket): void {
    const records = [...(p.answers ?? []), ...(p.additionals ?? [])];
    const ptr = records.find((a) => a.type === 'PTR' && a.name === this.opts.serviceTag);
    if (ptr === undefined || ptr.type !== 'PTR') return;
    const instance = String(ptr.data);
    const peerId = instance.slice(0, instance.length - this.opts.serviceTag.length - 1);
    if (peerId === this.opts.peerId || peerId.length === 0 || peerId.length > 128) return;
    const addrs: Multiaddr[] = [];
    for (const rec of records) {
      if (rec.type !== 'TXT' || rec.name !== instance) continue;
      const datas = Array.isArray(rec.data) ? rec.data : [rec.data];
      for (const d of datas) {
        const s = typeof d === 'string' ? d : Buffer.from(d).toString('utf8');
        if (!s.startsWith(TXT_PREFIX)) continue;
        try {
          const ma = multiaddr(s.slice(TXT_PREFIX.length));
          const ip = ipv4Of(ma);
          if (ma.getComponents().at(-1)?.value !== peerId || ip === null || !isLanIpv4(ip)) continue;
          addrs.push(ma.decapsulateCode(0x01a5));
        } catch {
          // an address we cannot parse is skipped; the others may still work
        }
      }
    }
    if (addrs.length > 0) this.deps.onPeer(peerId, addrs);
  }
}
