import { createHash, randomUUID } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Options of the ONVIF device simulator. */
export interface OnvifSimOptions {
  /** Address the HTTP services listen on and advertise. */
  host?: string;
  httpPort?: number;
  user: string;
  pass: string;
  /** What GetStreamUri answers (the RTSP server of test/helpers/rtsp). */
  rtspUri: string;
  name?: string;
  /**
   * Answer WS-Discovery probes on UDP 3702 (only inside a network namespace): `true` or `'ipv4'` on
   * 239.255.255.250; `'ipv6'` only on `ff02::c` joined on loopback (`ipv6Interface`), with its
   * services on `[::1]`; `'both'` on both groups, each answer naming the services on its own family
   * (HTTP listens on `[::1]` too, at the same port).
   */
  discovery?: boolean | 'ipv4' | 'ipv6' | 'both';
  /** The interface `ff02::c` is joined on (default `lo`). */
  ipv6Interface?: string;
  /** What GetDeviceInformation says (default SIM0001): cameras of one model differ by it. */
  serialNumber?: string;
  width?: number;
  height?: number;
  fps?: number;
  /**
   * The media profiles GetProfiles lists, in this order (default: one, token "main", of
   * width×height at fps, streaming `rtspUri`). A profile without its own `rtspUri` streams `rtspUri`.
   */
  profiles?: SimProfile[];
}

/** One media profile of the simulated camera. */
export interface SimProfile {
  token: string;
  name: string;
  width: number;
  height: number;
  fps: number;
  rtspUri?: string;
}

/** Counts of what the simulator received, for assertions. */
export interface OnvifSimStats {
  probesByType: Record<string, number>;
  soapCalls: Record<string, number>;
  authFailures: number;
}

const DEVICE_PATH = '/onvif/device_service';
const MEDIA_PATH = '/onvif/media_service';

/**
 * A small ONVIF camera: device and media SOAP services over HTTP with WS-UsernameToken digest
 * authentication (SHA-1(nonce ‖ created ‖ password), base64; ONVIF Core §5.12), and a WS-Discovery
 * responder on 239.255.255.250:3702 that answers NetworkVideoTransmitter and Device probes.
 */
/**
 * A camera as many are sold: a 1080p main stream and a 640×360 sub-stream, the sub-stream listed
 * first (the node must not take profiles[0]); RTSP on 127.0.0.1:8554 (nothing listens there).
 */
export function mainAndSubStreamCamera(): OnvifSimOptions {
  return {
    user: 'admin',
    pass: 'pw',
    rtspUri: 'rtsp://127.0.0.1:8554/main',
    profiles: [
      {
        token: 'sub',
        name: 'subStream',
        width: 640,
        height: 360,
        fps: 15,
        rtspUri: 'rtsp://127.0.0.1:8554/sub',
      },
      { token: 'main', name: 'mainStream', width: 1920, height: 1080, fps: 25 },
    ],
  };
}

export class OnvifSim {
  readonly urn = `urn:uuid:${randomUUID()}`;
  readonly stats: OnvifSimStats = { probesByType: {}, soapCalls: {}, authFailures: 0 };
  private http: Server | undefined;
  private udp: Socket | undefined;
  private http6: Server | undefined;
  private udp6: Socket | undefined;
  private port = 0;
  private movedRtspUri: string | undefined;

  constructor(private readonly opts: OnvifSimOptions) {}

  get host(): string {
    return this.opts.host ?? (this.opts.discovery === 'ipv6' ? '::1' : '127.0.0.1');
  }

  /** The device service URL. */
  get xaddr(): string {
    return `http://${this.address}${DEVICE_PATH}`;
  }

  /** The device service URL its answers on `ff02::c` name (on `[::1]`). */
  get xaddrIpv6(): string {
    return `http://[::1]:${this.port}${DEVICE_PATH}`;
  }

  /** host:port, as a user would type it into "add by address" (`[::1]:80` for an IPv6 host). */
  get address(): string {
    return `${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
  }

  /** The families it answers WS-Discovery on. */
  private get discoveryFamilies(): Array<'IPv4' | 'IPv6'> {
    const d = this.opts.discovery;
    if (d === 'both') return ['IPv4', 'IPv6'];
    if (d === 'ipv6') return ['IPv6'];
    return d ? ['IPv4'] : [];
  }

  async start(): Promise<void> {
    await this.startHttp(this.opts.httpPort ?? 0);
    if (this.opts.discovery) await this.startDiscovery();
  }

  /** Makes the camera vanish from the network (HTTP and discovery stop answering). */
  async stop(): Promise<void> {
    for (const server of [this.http, this.http6]) {
      await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
      server?.closeAllConnections();
    }
    this.http = undefined;
    this.http6 = undefined;
    for (const socket of [this.udp, this.udp6])
      await new Promise<void>((r) => (socket ? socket.close(() => r()) : r()));
    this.udp = undefined;
    this.udp6 = undefined;
  }

  /**
   * Brings a stopped camera back at another address (a new port, as if DHCP gave it another): the same
   * device (its endpoint reference and serial number stay), its stream now at `rtspUri`.
   */
  async moveTo(rtspUri: string): Promise<void> {
    this.movedRtspUri = rtspUri;
    await this.startHttp(0);
    if (this.opts.discovery) await this.startDiscovery();
  }

  /** Brings a stopped camera back on the same port. */
  async restart(): Promise<void> {
    await this.startHttp(this.port);
    if (this.opts.discovery) await this.startDiscovery();
  }

  private async startHttp(port: number): Promise<void> {
    const serve = () => createServer((req, res) => void this.handle(req, res));
    this.http = await listen(serve(), port, this.host);
    this.port = (this.http.address() as AddressInfo).port;
    if (this.discoveryFamilies.includes('IPv6') && this.host !== '::1')
      this.http6 = await listen(serve(), this.port, '::1');
  }

  private async startDiscovery(): Promise<void> {
    for (const family of this.discoveryFamilies) {
      const s = createSocket({ type: family === 'IPv4' ? 'udp4' : 'udp6', reuseAddr: true });
      if (family === 'IPv4') this.udp = s;
      else this.udp6 = s;
      this.answerProbes(s, family === 'IPv4' ? this.xaddr : this.xaddrIpv6);
      await new Promise<void>((resolve) =>
        s.bind(3702, () => {
          if (family === 'IPv4') s.addMembership('239.255.255.250', this.host);
          else s.addMembership('ff02::c', `::%${this.opts.ipv6Interface ?? 'lo'}`);
          resolve();
        }),
      );
    }
  }

  /** Answers the probes `s` receives with a ProbeMatch naming `xaddr`. */
  private answerProbes(s: Socket, xaddr: string): void {
    s.on('message', (buf, rinfo) => {
      const xml = buf.toString('utf8');
      if (!/<(\w+:)?Probe[\s>]/.test(xml)) return;
      const types = /<(?:\w+:)?Types[^>]*>([^<]*)</.exec(xml)?.[1] ?? '';
      const kind = /NetworkVideoTransmitter/.test(types)
        ? 'NetworkVideoTransmitter'
        : /Device/.test(types)
          ? 'Device'
          : '';
      this.stats.probesByType[kind || 'other'] = (this.stats.probesByType[kind || 'other'] ?? 0) + 1;
      if (!kind && types.trim() !== '') return;
      const messageId = /<(?:\w+:)?MessageID[^>]*>([^<]*)</.exec(xml)?.[1] ?? '';
      const reply = Buffer.from(this.probeMatch(messageId, xaddr), 'utf8');
      s.send(reply, rinfo.port, rinfo.address);
    });
  }

  private probeMatch(relatesTo: string, xaddr: string): string {
    const name = encodeURIComponent((this.opts.name ?? 'Sim Camera').replace(/ /g, '_'));
    return (
      '<?xml version="1.0" encoding="UTF-8"?>' +
      '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" ' +
      'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl" xmlns:tds="http://www.onvif.org/ver10/device/wsdl">' +
      '<s:Header>' +
      `<a:MessageID>urn:uuid:${randomUUID()}</a:MessageID><a:RelatesTo>${relatesTo}</a:RelatesTo>` +
      '<a:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:To>' +
      '<a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</a:Action>' +
      '</s:Header><s:Body><d:ProbeMatches><d:ProbeMatch>' +
      `<a:EndpointReference><a:Address>${this.urn}</a:Address></a:EndpointReference>` +
      '<d:Types>dn:NetworkVideoTransmitter tds:Device</d:Types>' +
      `<d:Scopes>onvif://www.onvif.org/type/video_encoder onvif://www.onvif.org/name/${name} onvif://www.onvif.org/hardware/HPS-SIM1 onvif://www.onvif.org/location/kitchen</d:Scopes>` +
      `<d:XAddrs>${xaddr}</d:XAddrs><d:MetadataVersion>1</d:MetadataVersion>` +
      '</d:ProbeMatch></d:ProbeMatches></s:Body></s:Envelope>'
    );
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const op = /<s:Body>\s*<(?:\w+:)?(\w+)/.exec(body)?.[1] ?? '';
    this.stats.soapCalls[op] = (this.stats.soapCalls[op] ?? 0) + 1;
    if (op !== 'GetSystemDateAndTime' && !this.authorized(body)) {
      this.stats.authFailures++;
      res.writeHead(400, { 'content-type': 'application/soap+xml' });
      res.end(
        envelope(
          '<s:Fault><s:Code><s:Value>s:Sender</s:Value><s:Subcode><s:Value>ter:NotAuthorized</s:Value></s:Subcode></s:Code><s:Reason><s:Text xml:lang="en">Sender not Authorized</s:Text></s:Reason></s:Fault>',
        ),
      );
      return;
    }
    const answer = this.answer(op, body);
    if (!answer) {
      res.writeHead(400, { 'content-type': 'application/soap+xml' });
      res.end(
        envelope(
          '<s:Fault><s:Code><s:Value>s:Receiver</s:Value><s:Subcode><s:Value>ter:ActionNotSupported</s:Value></s:Subcode></s:Code><s:Reason><s:Text xml:lang="en">Action not supported</s:Text></s:Reason></s:Fault>',
        ),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'application/soap+xml; charset=utf-8' });
    res.end(envelope(answer));
  }

  private authorized(body: string): boolean {
    const user = /<(?:\w+:)?Username>([^<]*)</.exec(body)?.[1];
    const digest = /<(?:\w+:)?Password[^>]*>([^<]*)</.exec(body)?.[1];
    const nonce = /<(?:\w+:)?Nonce[^>]*>([^<]*)</.exec(body)?.[1];
    const created = /<(?:\w+:)?Created[^>]*>([^<]*)</.exec(body)?.[1];
    if (user === undefined || digest === undefined || nonce === undefined || created === undefined)
      return false;
    const want = createHash('sha1')
      .update(
        Buffer.concat([Buffer.from(nonce, 'base64'), Buffer.from(created), Buffer.from(this.opts.pass)]),
      )
      .digest('base64');
    return user === this.opts.user && want === digest;
  }

  /** The media profiles this camera lists. */
  get profiles(): SimProfile[] {
    return (
      this.opts.profiles ?? [
        {
          token: 'main',
          name: 'mainStream',
          width: this.opts.width ?? 640,
          height: this.opts.height ?? 360,
          fps: this.opts.fps ?? 10,
        },
      ]
    );
  }

  private answer(op: string, body: string): string | undefined {
    const base = `http://${this.address}`;
    switch (op) {
      case 'GetSystemDateAndTime': {
        const d = new Date();
        return `<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>NTP</tt:DateTimeType><tt:DaylightSavings>false</tt:DaylightSavings><tt:UTCDateTime><tt:Time><tt:Hour>${d.getUTCHours()}</tt:Hour><tt:Minute>${d.getUTCMinutes()}</tt:Minute><tt:Second>${d.getUTCSeconds()}</tt:Second></tt:Time><tt:Date><tt:Year>${d.getUTCFullYear()}</tt:Year><tt:Month>${d.getUTCMonth() + 1}</tt:Month><tt:Day>${d.getUTCDate()}</tt:Day></tt:Date></tt:UTCDateTime></tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>`;
      }
      case 'GetCapabilities':
        return `<tds:GetCapabilitiesResponse><tds:Capabilities><tt:Device><tt:XAddr>${base}${DEVICE_PATH}</tt:XAddr></tt:Device><tt:Media><tt:XAddr>${base}${MEDIA_PATH}</tt:XAddr><tt:StreamingCapabilities><tt:RTP_TCP>true</tt:RTP_TCP></tt:StreamingCapabilities></tt:Media></tds:Capabilities></tds:GetCapabilitiesResponse>`;
      case 'GetDeviceInformation':
        return `<tds:GetDeviceInformationResponse><tds:Manufacturer>HotPot Test</tds:Manufacturer><tds:Model>SIM-1</tds:Model><tds:FirmwareVersion>1.0.0</tds:FirmwareVersion><tds:SerialNumber>${this.opts.serialNumber ?? 'SIM0001'}</tds:SerialNumber><tds:HardwareId>HPS-SIM1</tds:HardwareId></tds:GetDeviceInformationResponse>`;
      case 'GetProfiles':
        return `<trt:GetProfilesResponse>${this.profiles.map(profileXml).join('')}</trt:GetProfilesResponse>`;
      case 'GetStreamUri': {
        const token = /<(?:\w+:)?ProfileToken>([^<]*)</.exec(body)?.[1];
        const profile = this.profiles.find((p) => p.token === token) ?? this.profiles[0]!;
        return `<trt:GetStreamUriResponse><trt:MediaUri><tt:Uri>${profile.rtspUri ?? this.movedRtspUri ?? this.opts.rtspUri}</tt:Uri><tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout></trt:MediaUri></trt:GetStreamUriResponse>`;
      }
      case 'GetSnapshotUri':
        return `<trt:GetSnapshotUriResponse><trt:MediaUri><tt:Uri>${base}/snapshot.jpg</tt:Uri><tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout></trt:MediaUri></trt:GetSnapshotUriResponse>`;
      default:
        return undefined;
    }
  }
}

function profileXml(p: SimProfile): string {
  return `<trt:Profiles token="${p.token}" fixed="true"><tt:Name>${p.name}</tt:Name><tt:VideoSourceConfiguration token="vsc"><tt:Name>vs</tt:Name><tt:SourceToken>vs0</tt:SourceToken><tt:Bounds x="0" y="0" width="${p.width}" height="${p.height}"/></tt:VideoSourceConfiguration><tt:VideoEncoderConfiguration token="vec-${p.token}"><tt:Name>h264</tt:Name><tt:Encoding>H264</tt:Encoding><tt:Resolution><tt:Width>${p.width}</tt:Width><tt:Height>${p.height}</tt:Height></tt:Resolution><tt:Quality>5</tt:Quality><tt:RateControl><tt:FrameRateLimit>${p.fps}</tt:FrameRateLimit><tt:EncodingInterval>1</tt:EncodingInterval><tt:BitrateLimit>1024</tt:BitrateLimit></tt:RateControl></tt:VideoEncoderConfiguration></trt:Profiles>`;
}

function listen(server: Server, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

function envelope(body: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:tt="http://www.onvif.org/ver10/schema" ' +
    'xmlns:tds="http://www.onvif.org/ver10/device/wsdl" xmlns:trt="http://www.onvif.org/ver10/media/wsdl" xmlns:ter="http://www.onvif.org/ver10/error">' +
    `<s:Body>${body}</s:Body></s:Envelope>`
  );
}
