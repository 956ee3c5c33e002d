/**
 * The cameras the node knows: found by WS-Discovery, added by address after an ONVIF probe (the
 * password sealed before it is stored), configured and removed. Rows only; starting and stopping
 * their capture is main/video/running-cameras.ts.
 */
import { randomUUID } from 'node:crypto';
import { DEFAULT_ANONYMIZE_OPTIONS, checkPrivacyMask, parseAnonymizeOptions } from './anonymize/index';
import { VideoError } from './errors';
import { CameraNetworks } from './onvif/camera-network';
import { probeCamera, xaddrFromAddress } from './onvif/client';
import { discoverCameras, type DiscoveredDevice } from './onvif/discovery';
import { chooseStreams } from './onvif/profiles';
import { findMovedCamera, type NotFoundReason } from './onvif/relocate';
import type { CameraRow, VideoDb } from './record/video-db';
import { checkCaptureLimits, type CaptureLimits } from './recording-format';
import type { SecretBox } from './secrets';
import type { VideoLog, VideoServiceOptions } from './service-options';
import type { AnonymizeOptions, PrivacyMask } from './types';

/**
 * How a camera is added: its address (or a discovered xaddr), credentials, optionally a name, the
 * profile to record (else its largest, the main stream) and the owner's caps on what it records.
 */
export interface AddCameraInput extends Partial<CaptureLimits> {
  address: string;
  name?: string;
  username: string;
  password: string;
  profileToken?: string;
}

/** A change to a camera's settings (what is absent stays; a cap set to null is removed). */
export interface CameraSettings extends Partial<CaptureLimits> {
  masks?: PrivacyMask[];
  anonymize?: Partial<AnonymizeOptions>;
  recording?: boolean;
}

/** What the registry uses: the store and the secret box (both once the service started), a clock, a log. */
export interface CameraRegistryDeps {
  vdb: () => VideoDb;
  box: () => SecretBox;
  nowMs: () => number;
  log: VideoLog;
}

/** The stored cameras. */
export class CameraRegistry {
  /** Where cameras may be: their addresses and their streams' (`cameraNetworks`, checked when built). */
  private readonly networks: CameraNetworks;

  /** Throws BAD_OPTIONS when an entry of `cameraNetworks` is not a CIDR. */
  constructor(
    private readonly opts: Pick<VideoServiceOptions, 'discovery' | 'cameraNetworks'>,
    private readonly deps: CameraRegistryDeps,
  ) {
    this.networks = new CameraNetworks(opts.cameraNetworks);
  }

  /** Every stored camera. */
  all(): CameraRow[] {
    return this.deps.vdb().cameras();
  }

  /** The camera's row as stored now, if any. */
  find(id: string): CameraRow | undefined {
    return this.deps.vdb().camera(id);
  }

  /** The camera's row; CAMERA_NOT_FOUND when there is none. */
  need(id: string): CameraRow {
    const c = this.deps.vdb().camera(id);
    if (!c)
      throw new VideoError('CAMERA_NOT_FOUND', `no camera with id ${id}; list cameras to see their ids`, {
        id,
      });
    return c;
  }

  /** WS-Discovery on every interface; marks cameras already added. */
  async discover(): Promise<Array<DiscoveredDevice & { added: boolean }>> {
    const found = await discoverCameras(this.opts.discovery);
    const known = new Set(
      this.deps
        .vdb()
        .cameras()
        .map((c) => c.xaddr),
    );
    return found.map((d) => ({ ...d, added: d.xaddrs.some((x) => known.has(x)) }));
  }

  /**
   * Reads the camera's device information and profiles over ONVIF with the given credentials and
   * stores it with the password sealed; returns the stored row. The camera's address must be on the
   * allowed networks before any request is sent (CAMERA_NOT_ON_LAN), and so must the hosts of the
   * streams it returns, which the node's ffmpeg would open.
   */
  async add(input: AddCameraInput): Promise<CameraRow> {
    checkCaptureLimits(input);
    const box = this.deps.box();
    const vdb = this.deps.vdb();
    const xaddr = xaddrFromAddress(input.address);
    if (vdb.cameras().some((c) => c.xaddr === xaddr))
      throw new VideoError('CAMERA_EXISTS', `a camera at ${xaddr} is already added`, { xaddr });
    const probe = await probeCamera({
      xaddr,
      user: input.username,
      pass: input.password,
      networks: this.networks,
    });
    const streams = chooseStreams(probe.profiles, input.profileToken);
    for (const s of [streams.main, streams.sub]) {
      if (s) await this.networks.checkStream(s.rtspUri);
    }
    const row: CameraRow = {
      id: randomUUID(),
      name: input.name?.trim() || `${probe.info.manufacturer} ${probe.info.model}`.trim() || xaddr,
      xaddr,
      username: input.username,
      passwordSealed: box.seal(input.password),
      stream: streams.main,
      subStream: streams.sub,
      limits: { maxWidth: input.maxWidth ?? null, maxFps: input.maxFps ?? null },
      info: { ...probe.info },
      masks: [],
      anonymize: { ...DEFAULT_ANONYMIZE_OPTIONS },
      recording: true,
      createdAtMs: this.deps.nowMs(),
    };
    this.deps.vdb().putCamera(row);
    this.deps.log.info(
      { cameraId: row.id, xaddr, profile: streams.main.token, subStream: streams.sub?.token ?? null },
      'camera added',
    );
    return row;
  }

  /**
   * Looks for camera `id` at a new address when its own no longer answers (see onvif/relocate.ts).
   * When found, stores its new address and stream URIs (its profile by token, the streams' hosts
   * checked like at add) and returns the row; else why it was not found.
   */
  async relocate(id: string): Promise<CameraRow | NotFoundReason> {
    const c = this.need(id);
    const pass = this.deps.box().unseal(c.passwordSealed);
    const found = await findMovedCamera(c, new Set(this.all().map((x) => x.xaddr)), {
      discover: () => discoverCameras(this.opts.discovery),
      probe: (xaddr) => probeCamera({ xaddr, user: c.username, pass, networks: this.networks }),
    });
    if (typeof found === 'string') return found;
    const streams = chooseStreams(found.probe.profiles, c.stream.token);
    for (const s of [streams.main, streams.sub]) {
      if (s) await this.networks.checkStream(s.rtspUri);
    }
    const row: CameraRow = { ...c, xaddr: found.xaddr, stream: streams.main, subStream: streams.sub };
    this.deps.vdb().putCamera(row);
    this.deps.log.warn(
      { cameraId: c.id, from: c.xaddr, to: found.xaddr, serialNumber: c.info.serialNumber },
      'camera found at a new address',
    );
    return row;
  }

  /** Checks and stores new settings of camera `id`; returns the stored row (nothing is stored when a setting is refused). */
  configure(id: string, input: CameraSettings): CameraRow {
    const c = this.need(id);
    if (input.masks) input.masks.forEach((m, i) => checkPrivacyMask(m, i));
    checkCaptureLimits(input);
    const next: CameraRow = {
      ...c,
      masks: input.masks ?? c.masks,
      anonymize: input.anonymize
        ? parseAnonymizeOptions({ ...c.anonymize, ...input.anonymize })
        : c.anonymize,
      recording: input.recording ?? c.recording,
      limits: {
        maxWidth: input.maxWidth === undefined ? c.limits.maxWidth : input.maxWidth,
        maxFps: input.maxFps === undefined ? c.limits.maxFps : input.maxFps,
      },
    };
    this.deps.vdb().putCamera(next);
    return next;
  }

  /** Forgets a camera (its recordings stay until retention removes them). */
  remove(id: string): void {
    this.deps.vdb().removeCamera(id);
  }
}
