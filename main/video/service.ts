/**
 * The video service: the facade the API handlers and the composition root see. It opens the store
 * and the secret box, and delegates to the camera registry (main/video/camera-registry.ts), the
 * running capture workers (running-cameras.ts) and the recordings (recordings.ts); consent-gated
 * streaming and the `video.status` event are its own.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CameraView, RecordingView, StreamTargetView } from '../contract/video';
import type { Startable } from '../common/startable';
import { CameraRegistry, type AddCameraInput, type CameraSettings } from './camera-registry';
import { cameraView } from './camera-view';
import type { CaptureStatus } from './capture/protocol';
import { parseDetectorOptions } from './detect';
import { VideoError } from './errors';
import type { DiscoveredDevice } from './onvif/discovery';
import { Recordings } from './recordings';
import { VideoDb, type CameraRow, type ConsentRow } from './record/video-db';
import { LiveWatchers } from './live/watchers';
import { EventStore } from '../store/event-store';
import { RunningCameras, type CameraOutage } from './running-cameras';
import { SecretBox } from './secrets';
import type { VideoServiceDeps, VideoServiceOptions } from './service-options';
import type { FaceDetectorOptions } from './types';
import { rtmpUrlProblem } from './stream/rtmp';
import { StreamTargets, type StreamTargetInput } from './stream-targets';

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
  /** node.db's event store, where camera outages are kept (once started). */
  private events: EventStore | undefined;
  private timers: NodeJS.Timeout[] = [];
  private readonly registry: CameraRegistry;
  private readonly runs: RunningCameras;
  private readonly recs: Recordings;
  private readonly targets: StreamTargets;
  /**
   * Who watches which camera's live view (the hosts say, per socket and window): a camera nobody
   * watches encodes no live JPEG.
   */
  readonly liveWatchers: LiveWatchers;
  /** The detector options every capture worker runs, defaults filled (what each camera's "faces ≥ N px" is worked out for). */
  private readonly detector: FaceDetectorOptions;
  /** When each camera was last looked for at a new address (see findMovedCameras). */
  private readonly lookedForMs = new Map<string, number>();
  private lookingForMoved = false;

  constructor(
    private readonly opts: VideoServiceOptions,
    private readonly deps: VideoServiceDeps,
  ) {
    const vdb = (): VideoDb => this.vdb;
    this.detector = parseDetectorOptions(opts.detector);
    const recordingsDir = opts.recordingsDir ?? join(opts.dataDir, 'recordings');
    this.registry = new CameraRegistry(opts, {
      vdb,
      box: () => this.needBox(),
      nowMs: deps.nowMs,
      log: deps.log,
    });
    this.recs = new Recordings({ ...opts, recordingsDir }, { vdb, ...deps });
    this.targets = new StreamTargets({ vdb, box: () => this.needBox(), nowMs: deps.nowMs });
    this.runs = new RunningCameras(
      { ...opts, recordingsDir },
      {
        unseal: (sealed) => this.needBox().unseal(sealed),
        camera: (id) => this.vdb.camera(id),
        onSegment: (s) => {
          this.recs.index(s);
          this.emitStatus();
        },
        emit: deps.emit,
        emitStatus: () => this.emitStatus(),
        onOutage: (e) => this.keepOutage(e),
        log: deps.log,
      },
    );
    this.liveWatchers = new LiveWatchers((cameraId, watchers) => {
      this.runs.setLiveWatched(cameraId, watchers > 0);
      if (this.runs.started) this.emitStatus();
    });
  }

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
    this.events = new EventStore(this.deps.db(), this.deps.nowMs);
    this.runs.open();
    for (const c of this.registry.all()) this.runs.launch(c);
    this.timers.push(setInterval(() => this.retention(), this.opts.retention.everyMs));
    this.timers.push(setInterval(() => void this.anchorNow(), this.opts.anchor.everyMs));
    this.timers.push(setInterval(() => void this.findMovedCameras(), this.opts.relocate.everyMs));
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.runs.closeAll();
    await this.anchorNow().catch(() => undefined);
  }

  // ---------------------------------------------------------------- cameras

  /** WS-Discovery on every interface; marks cameras already added. */
  discover(): Promise<Array<DiscoveredDevice & { added: boolean }>> {
    return this.registry.discover();
  }

  /**
   * Adds a camera by address (or a discovered xaddr): reads its device information and profiles
   * over ONVIF with the given credentials, stores it with the password sealed, and starts it.
   */
  async addCamera(input: AddCameraInput): Promise<CameraView> {
    const row = await this.registry.add(input);
    this.runs.launch(row);
    return this.view(row);
  }

  /**
   * Looks for the cameras out for longer than `relocate.afterMs` at a new address, each at most once
   * per `relocate.retryMs`; a camera found is restarted there. One search at a time.
   */
  private async findMovedCameras(): Promise<void> {
    if (this.lookingForMoved) return;
    this.lookingForMoved = true;
    try {
      const now = this.deps.nowMs();
      const { afterMs, retryMs } = this.opts.relocate;
      for (const c of this.registry.all()) {
        const since = this.runs.outageSince(c.id);
        if (since === undefined || now - since < afterMs) continue;
        if (now - (this.lookedForMs.get(c.id) ?? -Infinity) < retryMs) continue;
        this.lookedForMs.set(c.id, now);
        const moved = await this.registry.relocate(c.id).catch((err: unknown) => {
          this.deps.log.warn({ cameraId: c.id, err }, 'looking for a moved camera failed');
          return undefined;
        });
        if (moved === undefined) continue;
        if (typeof moved === 'string') {
          this.deps.log.info({ cameraId: c.id, reason: moved }, 'camera not found at another address');
          continue;
        }
        await this.runs.halt(c.id);
        this.runs.launch(moved);
        this.emitStatus();
      }
    } finally {
      this.lookingForMoved = false;
    }
  }

  /**
   * Keeps a camera's outage in node.db's event store (stream `video`): `camera-outage-started`, then
   * `camera-outage-ended` with both times. A failing store costs the record, never the camera.
   */
  private keepOutage(e: CameraOutage): void {
    try {
      this.events?.append('video', e.endedAtMs === null ? 'camera-outage-started' : 'camera-outage-ended', e);
    } catch (err) {
      this.deps.log.error({ cameraId: e.cameraId, err }, 'could not keep a camera outage event');
    }
  }

  /** Stops and forgets a camera (its recordings stay until retention removes them). */
  async removeCamera(id: string): Promise<void> {
    this.registry.need(id);
    await this.runs.halt(id);
    this.registry.remove(id);
    this.emitStatus();
  }

  /** Every camera with its status. */
  cameras(): CameraView[] {
    return this.registry.all().map((c) => this.view(c));
  }

  /**
   * Changes a camera's privacy masks (normalized polygons), anonymization settings, recording switch
   * and the owner's caps on its size and rate (BAD_SETTINGS, nothing stored, for a bad value); a
   * change other than the masks restarts its capture.
   */
  configureCamera(id: string, input: CameraSettings): CameraView {
    const next = this.registry.configure(id, input);
    const restart = ['anonymize', 'recording', 'maxWidth', 'maxFps'] as const;
    if (restart.some((k) => input[k] !== undefined)) {
      // Detector, recorder and capture settings live in the worker's config: restart it.
      void this.runs.halt(id).then(() => this.runs.launch(next));
    } else this.runs.setMasks(id, next.masks);
    this.emitStatus();
    return this.view(next);
  }

  /** The capture worker's last status report for a camera (diagnostics: decoder pid, counters). */
  captureStatus(id: string): CaptureStatus | undefined {
    return this.runs.status(id);
  }

  /** The latest anonymized live JPEG of a camera (what the tile shows), if one arrived. */
  lastLiveJpeg(id: string): Uint8Array | undefined {
    return this.runs.lastLive(id);
  }

  /** An anonymized full-size JPEG of the camera's next frame. */
  async snapshot(id: string): Promise<Uint8Array> {
    this.registry.need(id);
    return this.runs.worker(id).snapshot();
  }

  // ---------------------------------------------------------------- recordings

  /** The recordings index, newest first. */
  recordings(opts: { cameraId?: string; limit: number; beforeMs?: number }): RecordingView[] {
    return this.recs.list(opts);
  }

  /** Re-hashes a recording's file and says whether it is unchanged and anchored. */
  verifyRecording(
    id: number,
  ): Promise<{ recording: RecordingView; fileMatches: boolean; sha256: string | null }> {
    return this.recs.verify(id);
  }

  /** Anchors every pending segment now (also runs on a timer). */
  anchorNow(): Promise<{ anchored: number; errors: string[] }> {
    return this.recs.anchorNow();
  }

  /** Runs retention now (also runs on a timer). */
  retention(): number[] {
    return this.recs.retention();
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
    this.registry.need(input.cameraId);
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
    for (const cameraId of this.runs.streamingUnder(id)) this.stopStream(cameraId, 'consent revoked');
  }

  /** The saved stream targets, each key shown only as its hint. */
  streamTargets(): StreamTargetView[] {
    return this.targets.list();
  }

  /** Saves a stream target (a preset or server URL, and its key sealed). */
  saveStreamTarget(input: StreamTargetInput): StreamTargetView {
    return this.targets.save(input);
  }

  deleteStreamTarget(id: number): void {
    this.targets.delete(id);
  }

  /**
   * Pushes a camera's anonymized feed to a saved stream target (`{ targetId }`) or an ingest URL
   * with its key (a string), only while a recorded consent covers this camera now; stops by itself
   * when the consent window ends. Throws NO_CONSENT otherwise. Either way the node's own RTMP client
   * publishes (main/video/stream/rtmp-client.ts): the key is on no command line.
   */
  startStream(
    cameraId: string,
    to: string | { targetId: number },
    bitrateKbps?: number,
  ): { consentId: number; endsMs: number } {
    this.registry.need(cameraId);
    const url = typeof to === 'string' ? to : this.targets.ingestUrlOf(to.targetId);
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
    this.runs.startStream(cameraId, { url, bitrateKbps }, consent, now);
    this.deps.log.info(
      {
        cameraId,
        consentId: consent.id,
        endsMs: consent.endsMs,
        ...(typeof to === 'string' ? {} : { targetId: to.targetId }),
      },
      'streaming started under consent',
    );
    this.emitStatus();
    return { consentId: consent.id, endsMs: consent.endsMs };
  }

  /** Stops a camera's stream (no-op when none runs). */
  stopStream(cameraId: string, reason = 'stopped by the user'): void {
    this.runs.stopStream(cameraId, reason);
  }

  // ---------------------------------------------------------------- internals

  private needBox(): SecretBox {
    if (!this.box) throw new VideoError('NOT_RUNNING', 'the video service is not started');
    return this.box;
  }

  private view(c: CameraRow): CameraView {
    return cameraView(
      c,
      this.runs.view(c.id),
      { capture: this.opts.capture, detector: this.detector, started: this.runs.started },
      this.liveWatchers.count(c.id),
    );
  }

  private emitStatus(): void {
    this.deps.emit({ name: 'video.status', payload: { cameras: this.cameras() } });
  }
}
