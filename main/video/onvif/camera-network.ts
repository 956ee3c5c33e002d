/**
 * Which addresses a camera may have: the networks of `video.cameraNetworks`, the store's LAN ranges by
 * default. Adding a camera by address sends SOAP, with the owner's credentials, to whatever the
 * address names, and the node's ffmpeg later opens whatever RTSP URI the camera returns; both are
 * held to these networks so "add camera" cannot probe loopback, the node's own ports or the
 * internet. A host name is resolved once and every address it resolves to must be inside; the node
 * then talks to the address it checked, never to the name again (so a second lookup cannot rebind
 * it). An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is judged as the IPv4 address it carries.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { LAN_NETWORKS } from '../../common/lan-networks';
import { VideoError, type CameraFailureReason } from '../errors';

/** The networks cameras may be on unless `video.cameraNetworks` says otherwise: the store's LAN. */
export const DEFAULT_CAMERA_NETWORKS: readonly string[] = LAN_NETWORKS;

/** Which part of a camera named an address: the one the owner typed, or a stream URI the camera returned. */
export type CameraAddressRole = 'address' | 'stream';

/** How a host name is resolved (node:dns/promises `lookup` with `all: true`; tests pass a table). */
export type ResolveHost = (host: string) => Promise<Array<{ address: string; family: number }>>;

const resolveWithDns: ResolveHost = (host) => dnsLookup(host, { all: true });

const MAPPED_DOTTED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;
const MAPPED_HEX = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i;

/** The IP without URL brackets, an IPv4-mapped IPv6 address as its IPv4 address. */
function plainIp(ip: string): string {
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  const dotted = MAPPED_DOTTED.exec(bare);
  if (dotted) return dotted[1]!;
  const hex = MAPPED_HEX.exec(bare);
  if (hex) {
    const hi = parseInt(hex[1]!, 16);
    const lo = parseInt(hex[2]!, 16);
    return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
  }
  return bare;
}

/** CAMERA_NOT_ON_LAN for the address the owner gave (`subject` says what it is: "camera address 8.8.8.8"). */
const addressNotOnLan = (subject: string): VideoError =>
  new VideoError(
    'CAMERA_NOT_ON_LAN',
    `${subject} is not on the store's network, so the node does not contact it; cameras may only be ` +
      'on the networks of the setting video.cameraNetworks (the LAN ranges by default): add the ' +
      "camera's network there if it really is the store's",
    { reason: 'not-on-lan' satisfies CameraFailureReason },
  );

/** CAMERA_NOT_ON_LAN for a stream URI the camera returned (its host is the camera's word, so it is not repeated). */
const streamNotOnLan = (): VideoError =>
  new VideoError(
    'CAMERA_NOT_ON_LAN',
    "the camera's video stream is not on the store's network, so the node will not open it; set the " +
      "camera's stream address to its LAN address, or add that network to the setting video.cameraNetworks",
    { reason: 'stream-not-on-lan' satisfies CameraFailureReason },
  );

/**
 * The networks cameras may be on, from CIDR strings ("192.168.0.0/16", "fc00::/7").
 *
 * @example
 * const nets = new CameraNetworks(['192.168.0.0/16']);
 * nets.allows('192.168.1.20'); // true
 * await nets.pin('cam.local', 'address'); // '192.168.1.20', or throws CAMERA_NOT_ON_LAN
 */
export class CameraNetworks {
  private readonly v4 = new BlockList();
  // Separate lists: BlockList judges an IPv4 address against IPv6 subnets too (as ::ffff:a.b.c.d),
  // so "::/0" in one list would let every IPv4 address in.
  private readonly v6 = new BlockList();

  /** Throws BAD_OPTIONS naming the first entry that is not a CIDR. */
  constructor(
    readonly cidrs: readonly string[],
    private readonly resolve: ResolveHost = resolveWithDns,
  ) {
    for (const cidr of cidrs) {
      const m = /^([^/\s]+)\/(\d{1,3})$/.exec(cidr.trim());
      const family = m ? isIP(m[1]!) : 0;
      const prefix = m ? Number(m[2]) : NaN;
      if (!m || family === 0 || prefix > (family === 4 ? 32 : 128))
        throw new VideoError(
          'BAD_OPTIONS',
          `video.cameraNetworks: "${cidr}" is not a network; write an address and a prefix length, e.g. 192.168.0.0/16 or fc00::/7`,
          { cidr },
        );
      if (family === 4) this.v4.addSubnet(m[1]!, prefix, 'ipv4');
      else this.v6.addSubnet(m[1]!, prefix, 'ipv6');
    }
  }

  /** Whether the IP address (IPv4, IPv6, bracketed or IPv4-mapped) is inside; false for anything that is not an IP. */
  allows(ip: string): boolean {
    const a = plainIp(ip);
    const family = isIP(a);
    if (family === 4) return this.v4.check(a, 'ipv4');
    if (family === 6) return this.v6.check(a, 'ipv6');
    return false;
  }

  /**
   * The address to talk to for `host` (an IP, bracketed IPv6, or a name to resolve): the IP itself,
   * or the first address the name resolves to when every one of them is inside. Throws
   * CAMERA_NOT_ON_LAN (a single address outside refuses the name); for a name that does not
   * resolve, CAMERA_UNREACHABLE 'host-not-found' (the owner's address) or NO_STREAM (a stream's).
   */
  async pin(host: string, role: CameraAddressRole): Promise<string> {
    const ip = plainIp(host);
    if (isIP(ip) !== 0) {
      if (this.allows(ip)) return ip;
      throw role === 'address' ? addressNotOnLan(`camera address ${ip}`) : streamNotOnLan();
    }
    const found = host.length === 0 ? [] : await this.resolve(host).catch(() => []);
    if (found.length === 0 && role === 'stream')
      throw new VideoError(
        'NO_STREAM',
        "the camera's video stream names a host the node cannot find; set the camera's stream address to its LAN IP",
        { reason: 'stream-host-not-found' satisfies CameraFailureReason },
      );
    if (found.length === 0)
      throw new VideoError(
        'CAMERA_UNREACHABLE',
        `camera host name "${host}" is not found; check its spelling, or enter the camera's IP address`,
        { reason: 'host-not-found' satisfies CameraFailureReason },
      );
    const outside = found.find((f) => !this.allows(f.address));
    if (outside && role === 'stream') throw streamNotOnLan();
    if (outside) throw addressNotOnLan(`camera host name "${host}" resolves to ${outside.address}, which`);
    return plainIp(found[0]!.address);
  }

  /**
   * Checks the host of a stream URI the camera returned (rtsp://host:port/path); throws as
   * {@link pin} with role 'stream', NO_STREAM for a URI without a host.
   */
  async checkStream(rtspUri: string): Promise<void> {
    let host = '';
    try {
      host = new URL(rtspUri).hostname;
    } catch {
      // no host: pin('') says NO_STREAM
    }
    await this.pin(host, 'stream');
  }

  /**
   * `url` with its host replaced by the checked address {@link pin} gives (IPv6 in brackets); the
   * port, path and query stay.
   */
  async pinUrl(url: string, role: CameraAddressRole): Promise<string> {
    const u = new URL(url);
    const ip = await this.pin(u.hostname, role);
    u.hostname = isIP(ip) === 6 ? `[${ip}]` : ip;
    return u.toString();
  }
}
