import { randomUUID } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import onvifSoap from 'node-onvif/lib/modules/soap.js';
import { VideoError } from '../errors';
import { probeInterfaceAddresses, probeInterfacesIpv6 } from './probe-interfaces';

/** The WS-Discovery multicast groups and port (WS-Discovery 2005/04 §2.4, ONVIF Core §7.3). */
export const WS_DISCOVERY_ADDRESS = '239.255.255.250';
export const WS_DISCOVERY_ADDRESS_IPV6 = 'ff02::c';
export const WS_DISCOVERY_PORT = 3702;
const MAX_DATAGRAM_BYTES = 64 * 1024;

/** The probe types sent: cameras answer to one or the other depending on their firmware. */
export const DEFAULT_PROBE_TYPES = [
  { prefix: 'dn', ns: 'http://www.onvif.org/ver10/network/wsdl', name: 'NetworkVideoTransmitter' },
  { prefix: 'tds', ns: 'http://www.onvif.org/ver10/device/wsdl', name: 'Device' },
] as const;

/** A device that answered a probe. */
export interface DiscoveredDevice {
  /** The device's endpoint reference (stable across restarts), e.g. `urn:uuid:…`. */
  urn: string;
  name: string;
  hardware: string;
  location: string;
  types: string[];
  /**
   * Device service URLs from its answers over both families, IPv4 answers' first, e.g.
   * `http://192.168.1.20/onvif/device_service`, `http://[fe80::1%25eth0]/onvif/device_service`.
   */
  xaddrs: string[];
  scopes: string[];
  /**
   * The local address of the interface its first answer came in on: IPv4 when it answered over
   * IPv4, else the interface's IPv6 address (link-local with its zone, `fe80::2%eth0`).
   */
  interfaceAddress: string;
}

/** Options of {@link discoverCameras}. */
export interface DiscoveryOptions {
  /** How long to listen after the first probe. */
  timeoutMs?: number;
  /** Each probe type is sent this many times per interface (UDP loses datagrams). */
  repeats?: number;
  /** Gap between repeated probes. */
  intervalMs?: number;
  /** Local IPv4 addresses to probe from; default: every IPv4 interface (loopback included only when it is the only one). */
  interfaceAddresses?: string[];
  /** Names of the interfaces to probe `ff02::c` on; default: every one with IPv6 (loopback only when it is the only one); `[]`: no IPv6. */
  ipv6Interfaces?: string[];
}

/** Builds one WS-Discovery Probe envelope. */
export function probeXml(messageId: string, type: { prefix: string; ns: string; name: string }): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing">' +
    '<s:Header>' +
    '<a:Action s:mustUnderstand="1">http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action>' +
    `<a:MessageID>urn:uuid:${messageId}</a:MessageID>` +
    '<a:ReplyTo><a:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address></a:ReplyTo>' +
    '<a:To s:mustUnderstand="1">urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To>' +
    '</s:Header><s:Body>' +
    '<Probe xmlns="http://schemas.xmlsoap.org/ws/2005/04/discovery">' +
    `<d:Types xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:${type.prefix}="${type.ns}">${type.prefix}:${type.name}</d:Types>` +
    '</Probe></s:Body></s:Envelope>'
  );
}

type Xml = Record<string, unknown>;
const text = (v: unknown): string =>
  typeof v === 'string'
    ? v
    : v && typeof v === 'object' && typeof (v as Xml)['_'] === 'string'
      ? ((v as Xml)['_'] as string)
      : '';
const words = (v: unknown): string[] => text(v).split(/\s+/).filter(Boolean);

/**
 * Parses a ProbeMatches answer. Returns undefined for anything that is not an answer to one of
 * `ourMessageIds` (other probers' traffic, Hello/Bye, garbage).
 */
export async function parseProbeMatch(
  xml: string,
  ourMessageIds: ReadonlySet<string>,
): Promise<Omit<DiscoveredDevice, 'interfaceAddress'>[] | undefined> {
  let doc: Xml;
  try {
    doc = await onvifSoap.parse(xml);
  } catch {
    return undefined;
  }
  const header = doc['Header'] as Xml | undefined;
  const relatesTo = text(header?.['RelatesTo']);
  if (!ourMessageIds.has(relatesTo)) return undefined;
  const matches = (doc['Body'] as Xml | undefined)?.['ProbeMatches'] as Xml | undefined;
  if (!matches) return undefined;
  const list = ([] as unknown[]).concat(matches['ProbeMatch'] ?? []);
  const out: Omit<DiscoveredDevice, 'interfaceAddress'>[] = [];
  for (const m of list) {
    if (!m || typeof m !== 'object') continue;
    const pm = m as Xml;
    const urn = text((pm['EndpointReference'] as Xml | undefined)?.['Address']);
    const xaddrs = words(pm['XAddrs']).filter((x) => /^https?:\/\//.test(x));
    if (!urn || xaddrs.length === 0) continue;
    const scopes = words(pm['Scopes']);
    const scope = (kind: string): string => {
      const s = scopes.find((x) => x.startsWith(`onvif://www.onvif.org/${kind}/`));
      return s ? decodeURIComponent(s.split('/').pop() ?? '').replace(/_/g, ' ') : '';
    };
    out.push({
      urn,
      name: scope('name'),
      hardware: scope('hardware'),
      location: scope('location'),
      types: words(pm['Types']),
      xaddrs,
      scopes,
    });
  }
  return out;
}

/** Where one probing socket sends, and what answers on it are recorded with. */
interface ProbeRoute {
  family: 'IPv4' | 'IPv6';
  /** The local address the socket binds. */
  bindAddress: string;
  /** What `setMulticastInterface` takes: the IPv4 address, or `::%<zone>`. */
  multicastInterface: string;
  /** The group to send to, scoped for IPv6 (`ff02::c%eth0`). */
  group: string;
  /** The interface's name, for the zone of link-local XAddrs (IPv6 only). */
  interfaceName?: string;
  interfaceAddress: string;
}

/** A link-local XAddr without a zone (`http://[fe80::1]/…`) gets the one of the interface it came in on. */
export function withZone(xaddr: string, interfaceName: string): string {
  return xaddr.replace(
    /^(https?:\/\/\[)(fe[89ab][0-9a-f]:[0-9a-f:.]*)\]/i,
    (_, head: string, ip: string) => `${head}${ip}%25${encodeURIComponent(interfaceName)}]`,
  );
}

/**
 * One device per endpoint reference from its answers: the fields of its first IPv4 answer (else its
 * first), the XAddrs of all of them without repeats, IPv4 answers' first.
 */
export function mergeAnswers(
  answers: ReadonlyArray<{ family: 'IPv4' | 'IPv6'; device: DiscoveredDevice }>,
): DiscoveredDevice[] {
  const byUrn = new Map<string, DiscoveredDevice[]>();
  const ordered = [
    ...answers.filter((a) => a.family === 'IPv4'),
    ...answers.filter((a) => a.family === 'IPv6'),
  ];
  for (const { device } of ordered) byUrn.set(device.urn, [...(byUrn.get(device.urn) ?? []), device]);
  return [...byUrn.values()].map((list) => ({
    ...list[0]!,
    xaddrs: [...new Set(list.flatMap((d) => d.xaddrs))],
  }));
}

/**
 * WS-Discovery of ONVIF cameras on every interface, over IPv4 (239.255.255.250) and IPv6
 * (`ff02::c`, link-local: scoped to each interface). node-onvif's `startProbe` binds one unbound
 * IPv4 socket, so the kernel sends its multicast out of the default-route interface only; a
 * back-office PC with a separate camera LAN would never see its cameras. Here one socket per
 * interface and family is bound with `setMulticastInterface`, and both probe types
 * (NetworkVideoTransmitter and Device) are sent `repeats` times on each. Answers are parsed with
 * node-onvif's SOAP parser and merged by endpoint reference, so a camera answering over both
 * families is listed once with all its XAddrs. An interface or family that cannot send (no IPv6,
 * EADDRNOTAVAIL, ENETUNREACH) is skipped; when no probe could be sent at all, DISCOVERY_FAILED.
 *
 * @example const cams = await discoverCameras({ timeoutMs: 2000 }); cams[0].xaddrs[0]
 */
export async function discoverCameras(opts: DiscoveryOptions = {}): Promise<DiscoveredDevice[]> {
  const timeoutMs = opts.timeoutMs ?? 3000;
  const repeats = opts.repeats ?? 3;
  const intervalMs = opts.intervalMs ?? 150;
  const routes = probeRoutes(opts);
  const answers: Array<{ family: 'IPv4' | 'IPv6'; device: DiscoveredDevice }> = [];
  const ids = new Set<string>();
  const open: Array<{ socket: Socket; route: ProbeRoute }> = [];
  const pending: Promise<void>[] = [];
  const sentFrom = new Set<ProbeRoute>();
  const failures = new Set<string>();

  const onAnswer = (route: ProbeRoute, buf: Buffer): void => {
    if (buf.length > MAX_DATAGRAM_BYTES) return;
    pending.push(
      parseProbeMatch(buf.toString('utf8'), ids).then((list) => {
        for (const d of list ?? []) {
          const xaddrs = route.interfaceName
            ? d.xaddrs.map((x) => withZone(x, route.interfaceName!))
            : d.xaddrs;
          answers.push({
            family: route.family,
            device: { ...d, xaddrs, interfaceAddress: route.interfaceAddress },
          });
        }
      }),
    );
  };

  for (const route of routes) {
    const socket = await openProbeSocket(route, (buf) => onAnswer(route, buf)).catch((err: unknown) => {
      failures.add(`${route.family} ${route.multicastInterface}: ${errorCode(err)}`);
      return undefined;
    });
    if (socket) open.push({ socket, route });
  }
  const failed = (): VideoError =>
    new VideoError(
      'DISCOVERY_FAILED',
      `camera discovery could not send a probe over IPv4 or IPv6 (${[...failures].join('; ') || 'no interface with an address'}); check that a network interface is up`,
      { failures: [...failures] },
    );
  if (open.length === 0) throw failed();
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  const deadline = Date.now() + timeoutMs;
  try {
    for (let i = 0; i < repeats; i++) {
      for (const type of DEFAULT_PROBE_TYPES) {
        const id = randomUUID();
        ids.add(`urn:uuid:${id}`);
        const buf = Buffer.from(probeXml(id, type), 'utf8');
        for (const { socket, route } of open)
          socket.send(buf, WS_DISCOVERY_PORT, route.group, (err) => {
            if (!err) sentFrom.add(route);
            else failures.add(`${route.family} ${route.group}: ${errorCode(err)}`);
          });
      }
      if (i < repeats - 1) await sleep(intervalMs);
    }
    await sleep(Math.max(0, deadline - Date.now()));
    await Promise.all(pending);
  } finally {
    for (const { socket } of open) socket.close();
  }
  if (sentFrom.size === 0) throw failed();
  return mergeAnswers(answers);
}

/** One route per IPv4 address and one per IPv6 interface to probe from. */
function probeRoutes(opts: DiscoveryOptions): ProbeRoute[] {
  return [
    ...(opts.interfaceAddresses ?? probeInterfaceAddresses()).map((address): ProbeRoute => ({
      family: 'IPv4',
      bindAddress: address,
      multicastInterface: address,
      group: WS_DISCOVERY_ADDRESS,
      interfaceAddress: address,
    })),
    ...probeInterfacesIpv6(opts.ipv6Interfaces ? { names: opts.ipv6Interfaces } : {}).map(
      (i): ProbeRoute => ({
        family: 'IPv6',
        bindAddress: '::',
        multicastInterface: `::%${i.zone}`,
        group: `${WS_DISCOVERY_ADDRESS_IPV6}%${i.zone}`,
        interfaceName: i.name,
        interfaceAddress: i.address,
      }),
    ),
  ];
}

/** A socket bound for `route`, sending multicast out of its interface only (hop limit 1); rejects when that cannot be set up. */
function openProbeSocket(route: ProbeRoute, onMessage: (buf: Buffer) => void): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s =
      route.family === 'IPv4'
        ? createSocket({ type: 'udp4', reuseAddr: false })
        : createSocket({ type: 'udp6', reuseAddr: false, ipv6Only: true });
    s.once('error', (err) => {
      s.close();
      reject(err);
    });
    s.on('message', onMessage);
    s.bind({ address: route.bindAddress, port: 0 }, () => {
      try {
        s.setMulticastInterface(route.multicastInterface);
        s.setMulticastTTL(1);
        s.removeAllListeners('error');
        // Send failures arrive in each send's callback; nothing else is expected here.
        s.on('error', () => undefined);
        resolve(s);
      } catch (err) {
        s.close();
        reject(err);
      }
    });
  });
}

const errorCode = (err: unknown): string =>
  err && typeof err === 'object' && typeof (err as { code?: unknown }).code === 'string'
    ? (err as { code: string }).code
    : String(err);
