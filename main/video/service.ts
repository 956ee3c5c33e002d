import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Startable } from '../common/startable';
import type { Db } from '../store/db';
import { DEFAULT_ANONYMIZE_OPTIONS, checkPrivacyMask, parseAnonymizeOptions } from './anonymize/index';
import { CameraWorker } from './capture/camera-worker';
import type { CaptureStatus, CaptureWorkerConfig } from './capture/protocol';
import { VideoError } from './errors';
import { backoffDelayMs } from './onvif/backoff';
import { probeCamera, rtspWithCredentials, xaddrFromAddress } from './onvif/client';
import { discoverCameras, type DiscoveredDevice, type DiscoveryOptions } from './onvif/discovery';
import { DEFAULT_SCENE_CHANGE, type SceneChangeOptions } from './pipeline/scene-change';
import { anchorPending, type MediaAnchorer } from './record/anchor';
import { hashFile } from './record/hash';
import { applyRetention } from './record/retention';
import type { ClosedSegment } from './record/segment-recorder';
import { VideoDb, type CameraRow, type ConsentRow, type RecordingRow } from './record/video-db';
import { SecretBox } from './secrets';
import { rtmpUrlProblem } from './stream/rtmp';
import type { AnonymizeOptions, FaceDetectorOptions, PixelFormat, PrivacyMask } from './types';

/** A camera's state as the UI shows it. */
export type CameraState = 'online' | 'offline' | 'auth-failed' | 'streaming' | 'error' | 'stopped';

/** One camera with its live status (never its password). */
export interface CameraView {
  id: string;
  name: string;
  xaddr: string;
  username: string;
  width: number;
  height: number;
  fps: number;
  info: Record<string, string>;
  masks: PrivacyMask[];
  anonymize: AnonymizeOptions;
  state: CameraState;
  message: string;
  recording: CaptureStatus['recording'];
  recordingMessage: string;
  streaming: boolean;
  stats: CaptureStatus['stats'] | null;
  lastFrameAtMs: number | null;
}

/** A recording with its verification state. */
export interface RecordingView extends Omit<RecordingRow, 'path'> {
  file: string;
  /** 'anchored' when on the chain, 'pending' while waiting for the next batch. */
  anchorState: 'anchored' | 'pending';
}

/** Options of {@link VideoService}. */
export interface VideoServiceOptions {
  dataDir: string;
  /** Where segments go (default `<dataDir>/recordings`). */
  recordingsDir?: string;
  segmentMs: number;
  retention: { maxAgeMs: number; minFreeBytes: number; everyMs: number };
  anchor: { everyMs: number; maxBatch: number };
  capture: {
    maxWidth: number;
    fps: number;
    pixelFormat: PixelFormat;
    ioTimeoutMs: number;
    stallMs: number;
    restartInitialMs: number;
    restartMaxMs: number;
  };
  pipeline: {
    /** Detections per second at least: the detector runs on every ⌊fps / detectFps⌋-th frame (every frame when fps ≤ detectFps), the tracker covers those between. */
    detectFps: number;
    /** Frames that look like a new scene are looked at out of schedule (null: never). */
    sceneChange: SceneChangeOptions | null;
    deadlineMs: number;
    whenBehind: 'blur' | 'drop';
    maxTrackedFrames: number;
  };
  detector: Partial<FaceDetectorOptions>;
  live: { fps: number; outWidthPx: number };
  /** Bundled worker files, resolved when a camera starts (the node passes `() => workerPath('capture')`, `() => workerPath('detector')`). */
  workers: { capture: () => string; detector?: () => string };
  /** Test rigs: play a file instead of RTSP for a camera id (never set in production). */
  fileInputs?: Record<string, { path: string; loop: boolean }>;
  discovery?: DiscoveryOptions;
}

/** The events the video service pushes to the UI (`video.status`, `video.live` of the contract). */
export type VideoEvent =
  | { name: 'video.status'; payload: { cameras: CameraView[] } }
  | { name: 'video.live'; payload: { cameraId: string; atMs: number; jpegBase64: string } };

/** What the video service uses from the rest of the node. */
export interface VideoServiceDeps {
  /** node.db (opened by main/store with VIDEO_MIGRATIONS applied); read at start. */
  db: () => Db;
  /** Pushes events to the UI. */
  emit: (e: VideoEvent) => void;
  /** Puts segment hashes on the chain; without it segments stay 'pending'. */
  anchorer?: MediaAnchorer;
  nowMs: () => number;
  log: {
    info(o: object, m: string): void;
    warn(o: object, m: string): void;
    error(o: object, m: string): void;
  };
}

interface Running {
  worker: CameraWorker | undefined;
  status: CaptureStatus | undefined;
  attempt: number;
  restartTimer: NodeJS.Timeout | undefined;
  stream: { consentId: number; endTimer: NodeJS.Timeout; url: string } | undefined;
  lastLive: Uint8Array | undefined;
  /** Why the worker could not be started at all (not built, bad input). */
  launchError?: string;
}

/**
 * The cameras of the store: registry (credentials sealed), one capture worker per camera (raw
 * frames stay inside it), recordings index, retention, anchoring in batches, consent-gated
 * streaming. Start/stop through the lifecycle.
 *
 * @example const video = new VideoService(opts, { db, emit: bus.emit, anchorer, nowMs: Date.now, log }); await video.start();
 */
export class VideoService implements Startable {
  private vdbOrUndefined: VideoDb | undefined;
  private box: SecretBox | undefined;
  private readonly running = new Map<string, Running>();
  private timers: NodeJS.Timeout[] = [];
  private started = false;
  private anchoring = false;

  constructor(
    private readonly opts: VideoServiceOptions,
    private readonly deps: VideoServiceDeps,
  ) {}

  private get vdb(): VideoDb {
    if (!this.vdbOrUndefined) throw new VideoError('NOT_RUNNING', 'the video service is not started');
    return this.vdbOrUndefined;
  }

  private get recordingsDir(): string {
    return this.opts.recordingsDir ?? join(this.opts.dataDir, 'recordings');
  }

  async start(): Promise<void> {
    this.vdbOrUndefined = new VideoDb(this.deps.db());
    mkdirSync(this.recordingsDir, { recursive: true });
    this.box = await SecretBox.open({ dataDir: this.opts.dataDir });
    this.started = true;
    for (const c of this.vdb.cameras()) this.launch(c);
    this.timers.push(setInterval(() => this.retention(), this.opts.retention.everyMs));
    this.timers.push(setInterval(() => void this.anchorNow(), this.opts.anchor.everyMs));
  }

  async stop(): Promise<void> {
    this.started = false;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await Promise.all([...this.running.keys()].map((id) => this.halt(id)));
    await this.anchorNow().catch(() => undefined);
  }

  // ---------------------------------------------------------------- cameras

  /** WS-Discovery on every interface; marks cameras already added. */
  async discover(): Promise<Array<DiscoveredDevice & { added: boolean }>> {
    const found = await discoverCameras(this.opts.discovery);
    const known = new Set(this.vdb.cameras().map((c) => c.xaddr));
    return found.map((d) => ({ ...d, added: d.xaddrs.some((x) => known.has(x)) }));
  }

  /**
   * Adds a camera by address (or a discovered xaddr): reads its device information and profiles
   * over ONVIF with the given credentials, stores it with the password sealed, and starts it.
   */
  async addCamera(input: {
    address: string;
    name?: string;
    username: string;
    password: string;
    profileToken?: string;
  }): Promise<CameraView> {
    const box = this.needBox();
    const xaddr = xaddrFromAddress(input.address);
    if (this.vdb.cameras().some((c) => c.xaddr === xaddr))
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
    this.vdb.putCamera(row);
    this.deps.log.info({ cameraId: row.id, xaddr }, 'camera added');
    this.launch(row);
    return this.view(row);
  }

  /** Stops and forgets a camera (its recordings stay until retention removes them). */
  async removeCamera(id: string): Promise<void> {
    this.needCamera(id);
    await this.halt(id);
    this.vdb.removeCamera(id);
    this.emitStatus();
  }

  /** Every camera with its status. */
  cameras(): CameraView[] {
    return this.vdb.cameras().map((c) => this.view(c));
  }

  /** Replaces a camera's privacy masks (normalized polygons) and its anonymization settings. */
  configureCamera(
    id: string,
    input: { masks?: PrivacyMask[]; anonymize?: Partial<AnonymizeOptions>; recording?: boolean },
  ): CameraView {
    const c = this.needCamera(id);
    if (input.masks) input.masks.forEach((m, i) => checkPrivacyMask(m, i));
    const next: CameraRow = {
      ...c,
      masks: input.masks ?? c.masks,
      anonymize: input.anonymize
        ? parseAnonymizeOptions({ ...c.anonymize, ...input.anonymize })
        : c.anonymize,
      recording: input.recording ?? c.recording,
    };
    this.vdb.putCamera(next);
    const r = this.running.get(id);
    if (input.anonymize !== undefined || input.recording !== undefined) {
      // Detector and recorder settings live in the worker's config: restart it.
      void this.halt(id).then(() => this.launch(next));
    } else r?.worker?.setMasks(next.masks);
    this.emitStatus();
    return this.view(next);
  }

  /** The capture worker's last status report for a camera (diagnostics: decoder pid, counters). */
  captureStatus(id: string): CaptureStatus | undefined {
    return this.running.get(id)?.status;
  }

  /** The latest anonymized live JPEG of a camera (what the tile shows), if one arrived. */
  lastLiveJpeg(id: string): Uint8Array | undefined {
    return this.running.get(id)?.lastLive;
  }

  /** An anonymized full-size JPEG of the camera's next frame. */
  async snapshot(id: string): Promise<Uint8Array> {
    this.needCamera(id);
    const w = this.running.get(id)?.worker;
    if (!w)
      throw new VideoError('NOT_RUNNING', `camera ${id} is not capturing right now; see its status`, {
        cameraId: id,
      });
    return w.snapshot();
  }

  // ---------------------------------------------------------------- recordings

  /** The recordings index, newest first. */
  recordings(opts: { cameraId?: string; limit: number; beforeMs?: number }): RecordingView[] {
    return this.vdb.recordings(opts).map((r) => this.recView(r));
  }

  /** Re-hashes a recording's file and says whether it is unchanged and anchored. */
  async verifyRecording(
    id: number,
  ): Promise<{ recording: RecordingView; fileMatches: boolean; sha256: string | null }> {
    const r = this.vdb.recording(id);
    if (!r || r.deletedAtMs !== null)
      throw new VideoError(
        'RECORDING_NOT_FOUND',
        `recording ${id} does not exist (or retention deleted it)`,
        { id },
      );
    if (!existsSync(r.path)) return { recording: this.recView(r), fileMatches: false, sha256: null };
    const h = await hashFile(r.path);
    return { recording: this.recView(r), fileMatches: h.sha256Hex === r.sha256, sha256: h.sha256Hex };
  }

  /** Anchors every pending segment now (also runs on a timer). */
  async anchorNow(): Promise<{ anchored: number; errors: string[] }> {
    if (!this.deps.anchorer || this.anchoring) return { anchored: 0, errors: [] };
    this.anchoring = true;
    try {
      const r = await anchorPending(this.vdb, this.deps.anchorer, { maxBatch: this.opts.anchor.maxBatch });
      if (r.errors.length > 0)
        this.deps.log.warn({ errors: r.errors }, 'anchoring failed for some cameras; retrying next round');
      return r;
    } finally {
      this.anchoring = false;
    }
  }

  /** Runs retention now (also runs on a timer). */
  retention(): number[] {
    try {
      return applyRetention(
        this.vdb,
        {
          dir: this.recordingsDir,
          maxAgeMs: this.opts.retention.maxAgeMs,
          minFreeBytes: this.opts.retention.minFreeBytes,
        },
        this.deps.nowMs(),
      );
    } catch (err) {
      this.deps.log.error({ err }, 'retention failed');
      return [];
    }
  }

  // ---------------------------------------------------------------- consent and streaming

  /** Records a consent: who agreed, to what, for which camera and time window. */
  addConsent(input: {
    cameraId: string;
    grantedBy: string;
    scope: string;
    startsMs: number;
    endsMs: number;
    note?: string;
  }): ConsentRow {
    this.needCamera(input.cameraId);
    if (!(input.endsMs > input.startsMs))
      throw new VideoError(
        'CONSENT_INVALID',
        `consent window must end after it starts (${input.startsMs} → ${input.endsMs})`,
      );
    if (input.grantedBy.trim().length === 0)
      throw new VideoError('CONSENT_INVALID', 'say who gave the consent (grantedBy is empty)');
    const id = this.vdb.addConsent({
      cameraId: input.cameraId,
      grantedBy: input.grantedBy.trim(),
      scope: input.scope.trim(),
      startsMs: input.startsMs,
      endsMs: input.endsMs,
      note: input.note ?? '',
      createdAtMs: this.deps.nowMs(),
    });
    return this.vdb.consent(id)!;
  }

  consents(cameraId?: string): ConsentRow[] {
    return this.vdb.consents(cameraId);
  }

  /** Revokes a consent; a stream running under it stops now. */
  revokeConsent(id: number): void {
    if (!this.vdb.revokeConsent(id, this.deps.nowMs()))
      throw new VideoError('CONSENT_INVALID', `consent ${id} does not exist or is already revoked`, { id });
    for (const [cameraId, r] of this.running)
      if (r.stream?.consentId === id) this.stopStream(cameraId, 'consent revoked');
  }

  /**
   * Pushes a camera's anonymized feed to an RTMP URL, only while a recorded consent covers this
   * camera now; stops by itself when the consent window ends. Throws NO_CONSENT otherwise.
   */
  startStream(cameraId: string, url: string, bitrateKbps?: number): { consentId: number; endsMs: number } {
    this.needCamera(cameraId);
    const problem = rtmpUrlProblem(url);
    if (problem) throw new VideoError('STREAM_FAILED', problem);
    const now = this.deps.nowMs();
    const consent = this.vdb.consentCovering(cameraId, now);
    if (!consent) {
      throw new VideoError(
        'NO_CONSENT',
        `streaming this camera needs a recorded consent whose window covers now; none does. Record who consented and for which time window first`,
        { cameraId, atMs: now },
      );
    }
    const r = this.running.get(cameraId);
    if (!r?.worker)
      throw new VideoError('NOT_RUNNING', `camera ${cameraId} is not capturing right now; see its status`, {
        cameraId,
      });
    if (r.stream) this.stopStream(cameraId, 'replaced');
    r.worker.startStream(url, bitrateKbps);
    const endTimer = setTimeout(
      () => this.stopStream(cameraId, 'consent window ended'),
      Math.max(0, consent.endsMs - now),
    );
    r.stream = { consentId: consent.id, endTimer, url };
    this.deps.log.info(
      { cameraId, consentId: consent.id, endsMs: consent.endsMs },
      'streaming started under consent',
    );
    this.emitStatus();
    return { consentId: consent.id, endsMs: consent.endsMs };
  }

  /** Stops a camera's stream (no-op when none runs). */
  stopStream(cameraId: string, reason = 'stopped by the user'): void {
    const r = this.running.get(cameraId);
    if (!r?.stream) return;
    clearTimeout(r.stream.endTimer);
    r.stream = undefined;
    r.worker?.stopStream();
    this.deps.log.info({ cameraId, reason }, 'streaming stopped');
    this.emitStatus();
  }

  // ---------------------------------------------------------------- internals

  private needBox(): SecretBox {
    if (!this.box) throw new VideoError('NOT_RUNNING', 'the video service is not started');
    return this.box;
  }

  private needCamera(id: string): CameraRow {
    const c = this.vdb.camera(id);
    if (!c)
      throw new VideoError('CAMERA_NOT_FOUND', `no camera with id ${id}; list cameras to see their ids`, {
        id,
      });
    return c;
  }

  private captureSize(w: number, h: number): { width: number; height: number } {
    const srcW = w > 0 ? w : 1280;
    const srcH = h > 0 ? h : 720;
    const scale = Math.min(1, this.opts.capture.maxWidth / srcW);
    return {
      width: Math.max(2, Math.round((srcW * scale) / 2) * 2),
      height: Math.max(2, Math.round((srcH * scale) / 2) * 2),
    };
  }

  private launch(c: CameraRow): void {
    if (!this.started) return;
    const r: Running = this.running.get(c.id) ?? {
      worker: undefined,
      status: undefined,
      attempt: 0,
      restartTimer: undefined,
      stream: undefined,
      lastLive: undefined,
    };
    this.running.set(c.id, r);
    const file = this.opts.fileInputs?.[c.id];
    const input = file
      ? file.path
      : rtspWithCredentials(c.rtspUri, c.username, this.needBox().unseal(c.passwordSealed));
    const cfg: CaptureWorkerConfig = {
      cameraId: c.id,
      input,
      width: c.width,
      height: c.height,
      fps: c.fps,
      pixelFormat: this.opts.capture.pixelFormat,
      ioTimeoutMs: this.opts.capture.ioTimeoutMs,
      stallMs: this.opts.capture.stallMs,
      restartInitialMs: this.opts.capture.restartInitialMs,
      restartMaxMs: this.opts.capture.restartMaxMs,
      loopFile: file?.loop,
      realtime: file !== undefined,
      pipeline: {
        detectEveryFrames: detectEveryFramesFor(c.fps, this.opts.pipeline.detectFps),
        sceneChange: this.opts.pipeline.sceneChange,
        deadlineMs: this.opts.pipeline.deadlineMs,
        whenBehind: this.opts.pipeline.whenBehind,
        maxTrackedFrames: this.opts.pipeline.maxTrackedFrames,
        anonymize: c.anonymize,
        masks: c.masks,
      },
      detector: { options: this.opts.detector },
      record: c.recording
        ? {
            dir: this.recordingsDir,
            segmentMs: this.opts.segmentMs,
            minFreeBytes: this.opts.retention.minFreeBytes,
            retryMs: 5000,
          }
        : null,
      live: this.opts.live,
    };
    let captureFile: string;
    try {
      captureFile = this.opts.workers.capture();
      cfg.detector.workerFile = this.opts.workers.detector?.();
    } catch (err) {
      r.launchError = `cannot start the capture worker: ${err instanceof Error ? err.message : String(err)}`;
      this.deps.log.error({ cameraId: c.id, err }, 'capture worker not started');
      return;
    }
    r.launchError = undefined;
    r.worker = new CameraWorker(captureFile, cfg, {
      onStatus: (s) => {
        r.status = s;
        if (s.state === 'streaming') r.attempt = 0;
        this.emitStatus();
      },
      onLive: (jpeg, atMs) => {
        r.lastLive = jpeg;
        this.deps.emit({
          name: 'video.live',
          payload: { cameraId: c.id, atMs, jpegBase64: Buffer.from(jpeg).toString('base64') },
        });
      },
      onSegment: (s) => this.onSegment(s),
      onStreamEnded: (reason) => {
        if (r.stream) {
          clearTimeout(r.stream.endTimer);
          r.stream = undefined;
          this.deps.log.warn({ cameraId: c.id, reason }, 'stream ended');
          this.emitStatus();
        }
      },
      onExit: (reason) => {
        // The worker died (not a normal stop): restart it with backoff, status says why.
        r.worker = undefined;
        r.status = r.status ? { ...r.status, state: 'error', message: `${reason}; restarting` } : undefined;
        this.emitStatus();
        if (!this.started) return;
        const delay = backoffDelayMs(
          r.attempt++,
          { initialMs: this.opts.capture.restartInitialMs, maxMs: this.opts.capture.restartMaxMs },
          Math.random,
        );
        r.restartTimer = setTimeout(() => {
          const cur = this.vdb.camera(c.id);
          if (cur && this.started) this.launch(cur);
        }, delay);
      },
    });
  }

  private async halt(id: string): Promise<void> {
    const r = this.running.get(id);
    if (!r) return;
    this.running.delete(id);
    clearTimeout(r.restartTimer);
    if (r.stream) clearTimeout(r.stream.endTimer);
    await r.worker?.stop();
  }

  private onSegment(s: ClosedSegment): void {
    try {
      this.vdb.addRecording({
        cameraId: s.cameraId,
        path: s.path,
        startMs: s.startMs,
        endMs: s.endMs,
        bytes: s.bytes,
        frames: s.frames,
        sha256: s.sha256Hex,
        cid: s.cid,
      });
    } catch (err) {
      this.deps.log.error({ err, path: s.path }, 'could not index a closed segment');
    }
    this.emitStatus();
  }

  private view(c: CameraRow): CameraView {
    const running = this.running.get(c.id);
    const s = running?.status;
    const st = running?.launchError
      ? { state: 'error' as const, message: running.launchError }
      : cameraState(s, this.started);
    return {
      id: c.id,
      name: c.name,
      xaddr: c.xaddr,
      username: c.username,
      width: c.width,
      height: c.height,
      fps: c.fps,
      info: c.info,
      masks: c.masks,
      anonymize: c.anonymize,
      ...st,
      recording: s?.recording ?? (c.recording ? 'on' : 'off'),
      recordingMessage: s?.recordingMessage ?? '',
      streaming: this.running.get(c.id)?.stream !== undefined,
      stats: s?.stats ?? null,
      lastFrameAtMs: s?.lastFrameAtMs ?? null,
    };
  }

  private recView(r: RecordingRow): RecordingView {
    const { path, ...rest } = r;
    return {
      ...rest,
      file: path.slice(this.recordingsDir.length + 1),
      anchorState: r.anchor ? 'anchored' : 'pending',
    };
  }

  private emitStatus(): void {
    this.deps.emit({ name: 'video.status', payload: { cameras: this.cameras() } });
  }
}

/** Maps the capture worker's state to what the camera tile says. */
export function cameraState(
  s: CaptureStatus | undefined,
  running: boolean,
): { state: CameraState; message: string } {
  if (!running) return { state: 'stopped', message: 'the video service is stopped' };
  if (!s) return { state: 'online', message: 'starting' };
  if (/401|Unauthorized|authori[sz]ation failed/i.test(s.message))
    return {
      state: 'auth-failed',
      message: `the camera refused the stored user name or password for RTSP: ${s.message}`,
    };
  switch (s.state) {
    case 'streaming':
      return { state: 'streaming', message: s.message };
    case 'starting':
      return { state: 'online', message: s.message };
    case 'stalled':
    case 'reconnecting':
      return { state: 'offline', message: s.message };
    case 'error':
      return { state: 'error', message: s.message };
    case 'stopped':
      return { state: 'stopped', message: s.message };
  }
}

/** The detection cadence for a camera: every k-th frame so that detection runs at ≥ `detectFps` (every frame when the camera is slower). */
export function detectEveryFramesFor(fps: number, detectFps: number): number {
  return Math.max(1, Math.floor(fps / detectFps));
}

/**
 * The node's defaults for the video service (the composition root passes `dataDir` and the worker
 * files). Detection: ssd_mobilenetv1 at score ≥ 0.2 — the tiny face detector was measured to let
 * clear faces in group photos through (bench video --parts privacy). Frames travel as yuv420p, what
 * cameras send and x264 takes: rgb24 doubled the bytes per frame and made the decoder and the
 * recorder convert every frame (bench video --parts cameras, one 1080p15 camera, tiny@416 on WASM:
 * 0.72 → 0.56 CPU s per video s).
 */
export function defaultVideoOptions(
  dataDir: string,
  workers: VideoServiceOptions['workers'],
): VideoServiceOptions {
  return {
    dataDir,
    segmentMs: 60_000,
    retention: { maxAgeMs: 30 * 86_400_000, minFreeBytes: 2 * 1024 ** 3, everyMs: 60_000 },
    anchor: { everyMs: 5 * 60_000, maxBatch: 64 },
    capture: {
      maxWidth: 1280,
      fps: 10,
      pixelFormat: 'yuv420p',
      ioTimeoutMs: 10_000,
      stallMs: 8_000,
      restartInitialMs: 1_000,
      restartMaxMs: 60_000,
    },
    // At least 5 detections a second (every 2nd frame at the default 10 fps) with the tracker between,
    // and at once on a frame that looks like a new scene: a tracker knows only the faces it has seen,
    // so after a hard cut it let faces through until the next detection (bench video --parts
    // pipeline; test/unit/video/detect/scene-cut.test.ts). Frames the detector cannot reach in time
    // are blurred whole, never passed.
    pipeline: {
      detectFps: 5,
      sceneChange: { ...DEFAULT_SCENE_CHANGE },
      deadlineMs: 1_500,
      whenBehind: 'blur',
      maxTrackedFrames: 6,
    },
    // 512 px: the scale face-api's ssd was trained at (it pads every input to 512²; the ONNX path
    // runs the frame's own shape, 512×288 for 16:9).
    detector: { model: 'ssd_mobilenetv1', inputSizePx: 512, minScore: 0.2 },
    live: { fps: 2, outWidthPx: 480 },
    workers,
  };
}

/** Exposes the capture worker's raw status (pids, counters) for diagnostics and tests. */
export type { CaptureStatus };
