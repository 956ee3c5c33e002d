import OnvifDevice from 'node-onvif/lib/modules/device.js';
import { VideoError, type CameraFailureReason, type VideoErrorCode } from '../errors';
import type { CameraNetworks } from './camera-network';

/** What GetDeviceInformation says about a camera. */
export interface CameraInfo {
  manufacturer: string;
  model: string;
  firmwareVersion: string;
  serialNumber: string;
  hardwareId: string;
}

/** One media profile with the URIs GetStreamUri and GetSnapshotUri returned for it. */
export interface CameraProfile {
  token: string;
  name: string;
  width: number;
  height: number;
  fps: number;
  encoding: string;
  rtspUri: string;
  snapshotUri: string;
}

/** Everything learned from a camera by GetDeviceInformation, GetProfiles, GetStreamUri, GetSnapshotUri. */
export interface CameraProbe {
  xaddr: string;
  info: CameraInfo;
  profiles: CameraProfile[];
}

/** Turns what a user typed ("192.168.1.20", "cam.local:8080", or a full URL) into a device service URL. */
export function xaddrFromAddress(address: string): string {
  const a = address.trim();
  if (a.length === 0 || a.length > 512)
    throw new VideoError('BAD_ADDRESS', `camera address must be 1..512 characters, got ${a.length}`);
  let url: URL;
  try {
    url = new URL(/^https?:\/\//i.test(a) ? a : `http://${a}`);
  } catch {
    throw new VideoError(
      'BAD_ADDRESS',
      `"${a}" is not a host, host:port or http URL; enter e.g. 192.168.1.20 or 192.168.1.20:8080`,
    );
  }
  if (url.username || url.password)
    throw new VideoError(
      'BAD_ADDRESS',
      'put the camera user and password in their own fields, not in the address',
    );
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/onvif/device_service';
  return url.toString();
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The reasons an ONVIF request fails for. */
type OnvifFailure = Extract<
  CameraFailureReason,
  'auth-failed' | 'refused' | 'host-not-found' | 'no-answer' | 'not-onvif' | 'unusable-answer'
>;

/** The failures node-onvif reports as text (it keeps no error codes), each with its reason. */
const FAILURES: Array<[RegExp, OnvifFailure]> = [
  [/not ?authori[sz]ed|\b401\b|unauthori[sz]ed|authentication|FailedAuthentication/i, 'auth-failed'],
  [/ECONNREFUSED/, 'refused'],
  [/ENOTFOUND|EAI_AGAIN/, 'host-not-found'],
  // Something answered at that port, but not in HTTP (llhttp's "Parse Error: Expected HTTP/").
  [/Parse Error|HPE_/, 'not-onvif'],
  [/Network Error|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|socket hang up|timeout/i, 'no-answer'],
  // An HTTP status without a SOAP fault (soap.js: "405 Method Not Allowed"; with a fault it adds
  // " - <reason>"), or a body that is not XML (xml2js's parse errors): not an ONVIF service.
  [/(?:^|: )[1-5]\d\d [A-Za-z']+(?:[ -][A-Za-z']+)*$/, 'not-onvif'],
  [
    /Non-whitespace before first tag|Unexpected close tag|Unclosed root tag|Text data outside of root node|Invalid character/i,
    'not-onvif',
  ],
];

/** What the owner reads for each reason (`at` is the address they gave): what went wrong and what to do. */
function failureMessage(reason: OnvifFailure, at: string): [VideoErrorCode, string] {
  switch (reason) {
    case 'auth-failed':
      return [
        'CAMERA_AUTH_FAILED',
        `camera at ${at} refused the user name or password; check them and save again`,
      ];
    case 'refused':
      return [
        'CAMERA_UNREACHABLE',
        `camera at ${at} does not answer: the connection was refused (nothing listens at that port); ` +
          'check that it is powered and that the address and port are right',
      ];
    case 'host-not-found':
      return [
        'CAMERA_UNREACHABLE',
        `camera at ${at} does not answer: its host is not found; check the address`,
      ];
    case 'no-answer':
      return [
        'CAMERA_UNREACHABLE',
        `camera at ${at} does not answer (no reply in time); check that it is powered and on this network`,
      ];
    case 'not-onvif':
      return [
        'CAMERA_PROTOCOL',
        `the device at ${at} answers, but not as an ONVIF camera; check the address and port (the ` +
          "camera's ONVIF port, often 80, 8000 or 8080) and that ONVIF is enabled on it",
      ];
    case 'unusable-answer':
      return [
        'CAMERA_PROTOCOL',
        `camera at ${at} gave an ONVIF answer the node cannot use; check that ONVIF is enabled on it ` +
          'and its firmware is current',
      ];
  }
}

/**
 * Classifies a node-onvif failure into our codes so the status and the UI can say what to do. The
 * message and `data.reason` are the node's own words: what answered at the address may be anything,
 * so none of its text (status line, fault, body) is passed on; `cause` keeps it for the log.
 */
export function classifyOnvifError(err: unknown, xaddr: string): VideoError {
  const msg = err instanceof Error ? err.message : String(err);
  const reason = FAILURES.find(([re]) => re.test(msg))?.[1] ?? 'unusable-answer';
  const [code, message] = failureMessage(reason, xaddr);
  return new VideoError(code, message, { xaddr, reason }, { cause: err });
}

/**
 * Where node-onvif sends a service's requests, given the XAddr the camera named for it
 * (GetCapabilities): that XAddr when its host is an address inside `networks`, else the same port and
 * path on the device's own checked address (node-onvif's `keepAddr`). So a camera cannot send the
 * owner's credentials, or the node's requests, off the store's network.
 *
 * @example serviceXaddr('http://8.8.8.8:8000/onvif/media', 'http://192.168.1.20/onvif/device_service', nets); // 'http://192.168.1.20:8000/onvif/media'
 */
export function serviceXaddr(given: unknown, deviceXaddr: string, networks: CameraNetworks): string {
  if (typeof given !== 'string') return deviceXaddr;
  let u: URL;
  try {
    u = new URL(given);
  } catch {
    return deviceXaddr;
  }
  if (u.protocol !== 'http:') return deviceXaddr;
  u.username = '';
  u.password = '';
  if (!networks.allows(u.hostname)) u.hostname = new URL(deviceXaddr).hostname;
  // The WHATWG form, so that node-onvif's legacy url.parse reads the host this check read.
  return u.toString();
}

/**
 * Connects to a camera's ONVIF device service with WS-UsernameToken digest credentials and reads
 * GetDeviceInformation, GetProfiles, GetStreamUri (RTSP) and GetSnapshotUri for every profile
 * (node-onvif's `init` sequence). The device's host must be inside `networks` (a name is resolved
 * once and its address used, before any request); the services the camera names are held there too
 * ({@link serviceXaddr}). Throws a {@link VideoError}: NOT_ON_LAN, UNREACHABLE, AUTH_FAILED or
 * PROTOCOL, the reason in `data.reason`.
 *
 * @example const probe = await probeCamera({ xaddr: 'http://192.168.1.20/onvif/device_service', user: 'admin', pass: 'pw', networks });
 */
export async function probeCamera(opts: {
  xaddr: string;
  user?: string;
  pass?: string;
  networks: CameraNetworks;
}): Promise<CameraProbe> {
  const target = await opts.networks.pinUrl(opts.xaddr, 'address');
  const dev = new OnvifDevice({ xaddr: target, user: opts.user ?? '', pass: opts.pass ?? '' });
  dev._getXaddr = (given) => serviceXaddr(given, target, opts.networks);
  try {
    await dev.init();
  } catch (err) {
    throw classifyOnvifError(err, opts.xaddr);
  }
  const info = dev.information ?? {};
  const profiles: CameraProfile[] = dev.profile_list.map((p) => ({
    token: p.token,
    name: str(p.name),
    width: p.video.encoder?.resolution.width ?? p.video.source?.bounds.width ?? 0,
    height: p.video.encoder?.resolution.height ?? p.video.source?.bounds.height ?? 0,
    fps: p.video.encoder?.framerate ?? 0,
    encoding: str(p.video.encoder?.encoding),
    rtspUri: str(p.stream.rtsp),
    snapshotUri: str(p.snapshot),
  }));
  if (!profiles.some((p) => p.rtspUri.startsWith('rtsp://'))) {
    throw new VideoError(
      'NO_STREAM',
      `camera at ${opts.xaddr} has no media profile with an RTSP stream URI`,
      { xaddr: opts.xaddr },
    );
  }
  return {
    xaddr: opts.xaddr,
    info: {
      manufacturer: str(info['Manufacturer']),
      model: str(info['Model']),
      firmwareVersion: str(info['FirmwareVersion']),
      serialNumber: str(info['SerialNumber']),
      hardwareId: str(info['HardwareId']),
    },
    profiles,
  };
}

/** The RTSP URL with the camera's credentials filled in (cameras check RTSP auth separately from ONVIF). */
export function rtspWithCredentials(rtspUri: string, user?: string, pass?: string): string {
  if (!user) return rtspUri;
  const u = new URL(rtspUri);
  u.username = encodeURIComponent(user);
  u.password = encodeURIComponent(pass ?? '');
  return u.toString();
}
