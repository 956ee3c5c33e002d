import { randomUUID } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { networkInterfaces } from 'node:os';
import onvifSoap from 'node-onvif/lib/modules/soap.js';

/** The WS-Discovery multicast group and port (WS-Discovery 2005/04, ONVIF Core §7.3). */
export const WS_DISCOVERY_ADDRESS = '239.255.255.250';
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
  /** Device service URLs, e.g. `http://192.168.1.20/onvif/device_service`. */
  xaddrs: string[];
  scopes: string[];
  /** The local IPv4 address of the interface the answer came in on. */
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
}

/** The IPv4 addresses of the host's interfaces that can carry multicast discovery. */
export function probeInterfaceAddresses(): string[] {
  const all: Array<{ address: string; internal: boolean }> = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? [])
      if (a.family === 'IPv4') all.push({ address: a.address, internal: a.internal });
  }
  const external = all.filter((a) => !a.internal).map((a) => a.address);
  return external.length > 0 ? external : all.map((a) => a.address);
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

/**
 * WS-Discovery of ONVIF cameras on every IPv4 interface. node-onvif's `startProbe` binds one
 * unbound socket, so the kernel sends its multicast out of the default-route interface only; a
 * back-office PC with a separate camera LAN would never see its cameras. Here one socket per
 * interface is bound to that interface's address with `setMulticastInterface`, and both probe
 * types (NetworkVideoTransmitter and Device) are sent `repeats` times. Answers are parsed with
 * node-onvif's SOAP parser and deduplicated by endpoint reference.
 *
 * @example const cams = await discoverCameras({ timeoutMs: 2000 }); cams[0].xaddrs[0]
 */
export async function discoverCameras(opts: DiscoveryOptions = {}): Promise<DiscoveredDevice[]> {
  const timeoutMs = opts.timeoutMs ?? 3000;
  const repeats = opts.repeats ?? 3;
  const intervalMs = opts.intervalMs ?? 150;
  const addresses = opts.interfaceAddresses ?? probeInterfaceAddresses();
  const found = new Map<string, DiscoveredDevice>();
  const ids = new Set<string>();
  const sockets: Socket[] = [];
  const pending: Promise<void>[] = [];

  const open = (address: string): Promise<Socket | undefined> =>
    new Promise((resolve) => {
      const s = createSocket({ type: 'udp4', reuseAddr: false });
      s.once('error', () => {
        s.close();
        resolve(undefined);
      });
      s.on('message', (buf) => {
        if (buf.length > MAX_DATAGRAM_BYTES) return;
        pending.push(
          parseProbeMatch(buf.toString('utf8'), ids).then((list) => {
            for (const d of list ?? [])
              if (!found.has(d.urn)) found.set(d.urn, { ...d, interfaceAddress: address });
          }),
        );
      });
      s.bind({ address, port: 0 }, () => {
        try {
          s.setMulticastInterface(address);
          s.setMulticastTTL(1);
          s.removeAllListeners('error');
          s.on('error', () => undefined);
          resolve(s);
        } catch {
          s.close();
          resolve(undefined);
        }
      });
    });

  for (const a of addresses) {
    const s = await open(a);
    if (s) sockets.push(s);
  }
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  const deadline = Date.now() + timeoutMs;
  try {
    for (let i = 0; i < repeats; i++) {
      for (const type of DEFAULT_PROBE_TYPES) {
        const id = randomUUID();
        ids.add(`urn:uuid:${id}`);
        const buf = Buffer.from(probeXml(id, type), 'utf8');
        for (const s of sockets) s.send(buf, WS_DISCOVERY_PORT, WS_DISCOVERY_ADDRESS);
      }
      if (i < repeats - 1) await sleep(intervalMs);
    }
    await sleep(Math.max(0, deadline - Date.now()));
    await Promise.all(pending);
  } finally {
    for (const s of sockets) s.close();
  }
  return [...found.values()];
}
