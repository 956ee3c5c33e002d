/**
 * Finding a camera that moved. A camera is the same device when its address changes (the router's
 * DHCP gave it another, it was plugged into another switch); its ONVIF address then stops answering
 * and its stream with it. WS-Discovery lists the devices on the LAN; the ones no stored camera holds
 * and whose hardware matches are asked, with this camera's own credentials, for their device
 * information, and the one with the same manufacturer, model and serial number is this camera at its
 * new address.
 *
 * Only devices of the same hardware are asked, so the credentials (sent as a WS-UsernameToken digest,
 * never in the clear) go only to cameras of the same kind, on the allowed networks (the probe checks).
 */
import type { CameraInfo, CameraProbe } from './client';
import type { DiscoveredDevice } from './discovery';

/** What {@link findMovedCamera} needs from the node. */
export interface FindMovedCameraDeps {
  /** WS-Discovery on every interface. */
  discover(): Promise<DiscoveredDevice[]>;
  /** The ONVIF probe of the device at `xaddr` with the camera's stored credentials. */
  probe(xaddr: string): Promise<CameraProbe>;
}

/** The camera as stored: where it was and who it is (its device information as stored: fields may be absent). */
export interface CameraIdentity {
  xaddr: string;
  info: Partial<Record<keyof CameraInfo, string>>;
}

/** Where the camera is now, with what its probe there said. */
export interface MovedCamera {
  xaddr: string;
  probe: CameraProbe;
}

/** Why a moved camera was not found (for the log and the status). */
export type NotFoundReason = 'no-serial' | 'not-discovered' | 'no-match';

/**
 * Looks for `camera` among the discovered devices that hold none of `knownXaddrs` (the stored
 * cameras' addresses). A camera without a serial number cannot be told from another of its model and
 * is not looked for.
 */
export async function findMovedCamera(
  camera: CameraIdentity,
  knownXaddrs: ReadonlySet<string>,
  deps: FindMovedCameraDeps,
): Promise<MovedCamera | NotFoundReason> {
  if (!(camera.info.serialNumber ?? '').trim()) return 'no-serial';
  const devices = (await deps.discover()).filter(
    (d) => !d.xaddrs.some((x) => knownXaddrs.has(x)) && sameHardware(d, camera.info),
  );
  if (devices.length === 0) return 'not-discovered';
  for (const d of devices)
    for (const xaddr of d.xaddrs) {
      const probe = await deps.probe(xaddr).catch(() => undefined);
      if (probe && sameDevice(probe.info, camera.info)) return { xaddr, probe };
    }
  return 'no-match';
}

/** Does the device's hardware scope name this camera's hardware or model (or say nothing)? */
function sameHardware(d: DiscoveredDevice, info: CameraIdentity['info']): boolean {
  const hw = norm(d.hardware);
  return hw === '' || hw === norm(info.hardwareId) || hw === norm(info.model);
}

function sameDevice(a: CameraInfo, b: CameraIdentity['info']): boolean {
  return (
    norm(a.serialNumber) === norm(b.serialNumber) &&
    norm(a.manufacturer) === norm(b.manufacturer) &&
    norm(a.model) === norm(b.model)
  );
}

const norm = (s: string | undefined): string => (s ?? '').trim().toLowerCase();
