/**
 * The cameras the node knows: found by WS-Discovery, added by address after an ONVIF probe (the
 * password sealed before it is stored), configured and removed. Rows only; starting and stopping
 * their capture is main/video/running-cameras.ts.
 */
import { randomUUID } from 'node:crypto';
import { DEFAULT_ANONYMIZE_OPTIONS, checkPrivacyMask, parseAnonymizeOptions } from './anonymize/index';
import { VideoError } from './errors';
import { probeCamera, xaddrFromAddress } from './onvif/client';
import { discoverCameras, type DiscoveredDevice } from './onvif/discovery';
import type { CameraRow, VideoDb } from './record/video-db';
import type { SecretBox } from './secrets';
import type { VideoLog, VideoServiceOptions } from './service-options';
import type { AnonymizeOptions, PrivacyMask } from './types';

/** How a camera is added: its address (or a discovered xaddr), credentials, optionally a name and a profile. */
export interface AddCameraInput {
  address: string;
  name?: string;
  username: string;
  password: string;
  profileToken?: string;
}

/** A change to a camera's settings (what is absent stays). */
export interface CameraSettings {
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
  constructor(
    private readonly opts: Pick<VideoServiceOptions, 'capture' | 'discovery'>,
    private readonly deps: CameraRegistryDeps,
  ) {}

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
   * stores it with the password sealed; returns the stored row.
   */
  async add(input: AddCameraInput): Promise<CameraRow> {
    const box = this.deps.box();
    const vdb = this.deps.vdb();
    const xaddr = xaddrFromAddress(input.address);
    if (vdb.cameras().some((c) => c.xaddr === xaddr))
      throw new VideoError('CAMERA_EXISTS', `a camera at ${xaddr} is already added`, { xaddr });
    const probe = await probeCamera({ xaddr, user: input.username, pass: input.password });
    const profiles = probe.profiles.filter((p) => p.rtspUri.startsWith('rtsp://'));
    const profile =
      (input.profileToken ? profiles.find((p) => p.token === input.profileToken) : undefined) ?? profiles[0]!;
    const size = this.captureSize(profile.width, profile.height);
    const row: CameraRow = {
      id: randomUUID(),
      name: input.name?.trim() || `${probe.info.manufacturer} ${probe.info.model}`.trim() || xaddr,
      xaddr,
      username: input.username,
      passwordSealed: box.seal(input.password),
      rtspUri: profile.rtspUri,
      profileToken: profile.token,
      width: size.width,
      height: size.height,
      fps: Math.min(this.opts.capture.fps, profile.fps || this.opts.capture.fps),
      info: { ...probe.info },
      masks: [],
      anonymize: { ...DEFAULT_ANONYMIZE_OPTIONS },
      recording: true,
      createdAtMs: this.deps.nowMs(),
    };
    this.deps.vdb().putCamera(row);
    this.deps.log.info({ cameraId: row.id, xaddr }, 'camera added');
    return row;
  }

  /** Checks and stores new settings of camera `id`; returns the stored row. */
  configure(id: string, input: CameraSettings): CameraRow {
    const c = this.need(id);
    if (input.masks) input.masks.forEach((m, i) => checkPrivacyMask(m, i));
    const next: CameraRow = {
      ...c,
      masks: input.masks ?? c.masks,
      anonymize: input.anonymize
        ? parseAnonymizeOptions({ ...c.anonymize, ...input.anonymize })
        : c.anonymize,
      recording: input.recording ?? c.recording,
    };
    this.deps.vdb().putCamera(next);
    return next;
  }

  /** Forgets a camera (its recordings stay until retention removes them). */
  remove(id: string): void {
    this.deps.vdb().removeCamera(id);
  }

  /** The decode size for a profile of w×h: at most `capture.maxWidth` wide, even sides, aspect kept. */
  private captureSize(w: number, h: number): { width: number; height: number } {
    const srcW = w > 0 ? w : 1280;
    const srcH = h > 0 ? h : 720;
    const scale = Math.min(1, this.opts.capture.maxWidth / srcW);
    return {
      width: Math.max(2, Math.round((srcW * scale) / 2) * 2),
      height: Math.max(2, Math.round((srcH * scale) / 2) * 2),
    };
  }
}
