import OnvifDevice from 'node-onvif/lib/modules/device.js';
import { VideoError } from '../errors';

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

/** Classifies a node-onvif failure into our codes so the status and the UI can say what to do. */
export function classifyOnvifError(err: unknown, xaddr: string): VideoError {
  const msg = err instanceof Error ? err.message : String(err);
  if (/not ?authori[sz]ed|401|unauthori[sz]ed|authentication|FailedAuthentication/i.test(msg)) {
    return new VideoError(
      'CAMERA_AUTH_FAILED',
      `camera at ${xaddr} refused the user name or password; check them and save again`,
      { xaddr, detail: msg },
      { cause: err },
    );
  }
  if (/Network Error|ECONNREFUSED|EHOSTUNREACH|ETIMEDOUT|socket hang up|timeout/i.test(msg)) {
    return new VideoError(
      'CAMERA_UNREACHABLE',
      `camera at ${xaddr} does not answer (${msg}); check that it is powered and on this network`,
      { xaddr, detail: msg },
      { cause: err },
    );
  }
  return new VideoError(
    'CAMERA_PROTOCOL',
    `camera at ${xaddr} gave an ONVIF answer the node cannot use (${msg})`,
    { xaddr, detail: msg },
    { cause: err },
  );
}

/**
 * Connects to a camera's ONVIF device service with WS-UsernameToken digest credentials and reads
 * GetDeviceInformation, GetProfiles, GetStreamUri (RTSP) and GetSnapshotUri for every profile
 * (node-onvif's `init` sequence). Throws a {@link VideoError} (UNREACHABLE, AUTH_FAILED or PROTOCOL).
 *
 * @example const probe = await probeCamera({ xaddr: 'http://192.168.1.20/onvif/device_service', user: 'admin', pass: 'pw' });
 */
export async function probeCamera(opts: {
  xaddr: string;
  user?: string;
  pass?: string;
}): Promise<CameraProbe> {
  const dev = new OnvifDevice({ xaddr: opts.xaddr, user: opts.user ?? '', pass: opts.pass ?? '' });
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
