/**
 * The capture worker of each camera while the video service runs: started from the camera's row,
 * restarted with backoff when it dies, stopped on request; and the stream each one may be pushing.
 * Raw frames stay inside the workers; what comes out here is status, anonymized JPEGs and segments.
 */
import { CameraWorker, type CameraWorkerEvents } from './capture/camera-worker';
import type { CaptureStatus, CaptureWorkerConfig } from './capture/protocol';
import { VideoError } from './errors';
import { backoffDelayMs } from './onvif/backoff';
import { rtspWithCredentials } from './onvif/client';
import type { ClosedSegment } from './record/segment-recorder';
import type { CameraRow } from './record/video-db';
import { recordingFormat } from './recording-format';
import {
  detectEveryFramesFor,
  type VideoEvent,
  type VideoLog,
  type VideoServiceOptions,
} from './service-options';
import type { CameraRunView } from './camera-view';
import { redactCredentials } from './redact';
import type { PrivacyMask } from './types';

/** One camera's running capture. */
interface RunningCamera {
  worker: CameraWorker | undefined;
  status: CaptureStatus | undefined;
  attempt: number;
  restartTimer: NodeJS.Timeout | undefined;
  stream: { id: number; consentId: number; endTimer: NodeJS.Timeout; url: string } | undefined;
  lastLive: Uint8Array | undefined;
  /** Why the worker could not be started at all (not built, bad input). */
  launchError?: string;
  /** What no text from the worker may show: the camera's password, a stream's key. */
  secrets: string[];
  /** Since when, and why, the camera has sent no frames (logged when it starts and when it ends). */
  outage: { sinceMs: number; reason: string } | undefined;
}

/** The video service's options a capture worker is configured from. */
export type RunningCamerasOptions = Pick<
  VideoServiceOptions,
  'segmentMs' | 'retention' | 'capture' | 'pipeline' | 'detector' | 'live' | 'workers' | 'fileInputs'
> & { recordingsDir: string };

/** What the running cameras need from the service. */
export interface RunningCamerasDeps {
  /** A camera's stored password, unsealed (for its RTSP URL). */
  unseal: (sealed: string) => string;
  /** The camera's row as stored now (a restart reads it anew), undefined once removed. */
  camera: (id: string) => CameraRow | undefined;
  onSegment: (s: ClosedSegment) => void;
  emit: (e: VideoEvent) => void;
  /** Something a camera's view shows changed. */
  emitStatus: () => void;
  /** A camera's outage started or ended (to keep, beside the log lines). */
  onOutage: (e: CameraOutage) => void;
  log: VideoLog;
}

/** A camera's outage: when it started and why; when it ended, once it has. */
export interface CameraOutage {
  cameraId: string;
  startedAtMs: number;
  reason: string;
  endedAtMs: number | null;
}

/** Every camera's capture worker, keyed by camera id. */
export class RunningCameras {
  private readonly running = new Map<string, RunningCamera>();
  /** Streams started so far: each one's id. */
  private streamsStarted = 0;
  private accepting = false;
  /** The cameras someone watches live: only their workers encode live JPEGs (kept across restarts). */
  private readonly liveWatched = new Set<string>();

  constructor(
    private readonly opts: RunningCamerasOptions,
    private readonly deps: RunningCamerasDeps,
  ) {}

  /** Is the service started (cameras launch and restart only then)? */
  get started(): boolean {
    return this.accepting;
  }

  /** From now on cameras launch. */
  open(): void {
    this.accepting = true;
  }

  /** Stops launching and stops every worker (each closes its open segment). */
  async closeAll(): Promise<void> {
    this.accepting = false;
    await Promise.all([...this.running.keys()].map((id) => this.halt(id)));
  }

  /** What the camera's view reads of its capture. */
  view(id: string): CameraRunView | undefined {
    const r = this.running.get(id);
    return r && { status: r.status, launchError: r.launchError, streaming: r.stream !== undefined };
  }

  /** Since when camera `id` has sent no frames (undefined while it streams or before it first failed). */
  outageSince(id: string): number | undefined {
    return this.running.get(id)?.outage?.sinceMs;
  }

  /** The capture worker's last status report for a camera. */
  status(id: string): CaptureStatus | undefined {
    return this.running.get(id)?.status;
  }

  /** The latest anonymized live JPEG of a camera, if one arrived. */
  lastLive(id: string): Uint8Array | undefined {
    return this.running.get(id)?.lastLive;
  }

  /** The camera's worker; NOT_RUNNING when it is not capturing. */
  worker(id: string): CameraWorker {
    const w = this.running.get(id)?.worker;
    if (!w)
      throw new VideoError('NOT_RUNNING', `camera ${id} is not capturing right now; see its status`, {
        cameraId: id,
      });
    return w;
  }

  /** Turns a camera's live JPEGs on (someone watches) or off (nobody does), now and for its next workers. */
  setLiveWatched(id: string, watched: boolean): void {
    if (watched) this.liveWatched.add(id);
    else this.liveWatched.delete(id);
    this.running.get(id)?.worker?.setLive(watched);
  }

  /** Hands new privacy masks to the running worker (no restart). */
  setMasks(id: string, masks: PrivacyMask[]): void {
    this.running.get(id)?.worker?.setMasks(masks);
  }

  /** Starts (or restarts) the capture worker of camera `c`. */
  launch(c: CameraRow): void {
    if (!this.accepting) return;
    const r: RunningCamera = this.running.get(c.id) ?? {
      worker: undefined,
      status: undefined,
      attempt: 0,
      restartTimer: undefined,
      stream: undefined,
      lastLive: undefined,
      secrets: [],
      outage: undefined,
    };
    this.running.set(c.id, r);
    const input = this.inputFor(c);
    r.secrets = this.opts.fileInputs?.[c.id] ? [] : [this.deps.unseal(c.passwordSealed)];
    let captureFile: string;
    let detectorFile: string;
    try {
      captureFile = this.opts.workers.capture();
      detectorFile = this.opts.workers.detector();
    } catch (err) {
      r.launchError = redactCredentials(
        `cannot start the capture worker: ${err instanceof Error ? err.message : String(err)}`,
        r.secrets,
      );
      this.deps.log.error({ cameraId: c.id, err }, 'capture worker not started');
      return;
    }
    r.launchError = undefined;
    const cfg = this.configFor(c, input, detectorFile);
    r.worker = new CameraWorker(captureFile, cfg, this.workerEvents(c.id, r));
    // A new worker makes no live JPEG until told someone watches.
    if (this.liveWatched.has(c.id)) r.worker.setLive(true);
  }

  /** Stops a camera's worker and forgets it. */
  async halt(id: string): Promise<void> {
    const r = this.running.get(id);
    if (!r) return;
    this.running.delete(id);
    clearTimeout(r.restartTimer);
    if (r.stream) clearTimeout(r.stream.endTimer);
    await r.worker?.stop();
  }

  /**
   * Pushes the camera's anonymized feed to `url` under `consent` until the consent's window ends
   * (`nowMs` is now); a stream already running is replaced.
   */
  startStream(
    cameraId: string,
    target: { url: string; bitrateKbps?: number },
    consent: { id: number; endsMs: number },
    nowMs: number,
  ): void {
    const worker = this.worker(cameraId);
    const r = this.running.get(cameraId)!;
    if (r.stream) this.stopStream(cameraId, 'replaced');
    const id = ++this.streamsStarted;
    worker.startStream(id, target.url, target.bitrateKbps);
    const endTimer = setTimeout(
      () => this.stopStream(cameraId, 'consent window ended'),
      Math.max(0, consent.endsMs - nowMs),
    );
    r.stream = { id, consentId: consent.id, endTimer, url: target.url };
    r.secrets = [...r.secrets, ...streamKeysOf(target.url)];
  }

  /** Stops a camera's stream (no-op when none runs). */
  stopStream(cameraId: string, reason: string): void {
    const r = this.running.get(cameraId);
    if (!r?.stream) return;
    clearTimeout(r.stream.endTimer);
    r.stream = undefined;
    r.worker?.stopStream();
    this.deps.log.info({ cameraId, reason }, 'streaming stopped');
    this.deps.emitStatus();
  }

  /** The cameras streaming under consent `consentId`. */
  streamingUnder(consentId: number): string[] {
    return [...this.running].filter(([, r]) => r.stream?.consentId === consentId).map(([id]) => id);
  }

  /** What the decoder reads: the camera's RTSP URL with its credentials, or a test rig's file. */
  private inputFor(c: CameraRow): string {
    const file = this.opts.fileInputs?.[c.id];
    return file
      ? file.path
      : rtspWithCredentials(c.stream.rtspUri, c.username, this.deps.unseal(c.passwordSealed));
  }

  /** The capture worker's config for camera `c`. */
  private configFor(c: CameraRow, input: string, detectorFile: string): CaptureWorkerConfig {
    const o = this.opts;
    const file = o.fileInputs?.[c.id];
    const format = recordingFormat(c.stream, o.capture, c.limits);
    return {
      cameraId: c.id,
      input,
      ...format,
      pixelFormat: o.capture.pixelFormat,
      ioTimeoutMs: o.capture.ioTimeoutMs,
      stallMs: o.capture.stallMs,
      restartInitialMs: o.capture.restartInitialMs,
      restartMaxMs: o.capture.restartMaxMs,
      loopFile: file?.loop,
      realtime: file !== undefined,
      pipeline: {
        detectEveryFrames: detectEveryFramesFor(format.fps, o.pipeline.detectFps),
        sceneChange: o.pipeline.sceneChange,
        deadlineMs: o.pipeline.deadlineMs,
        whenBehind: o.pipeline.whenBehind,
        maxTrackedFrames: o.pipeline.maxTrackedFrames,
        anonymize: c.anonymize,
        masks: c.masks,
      },
      detector: { options: o.detector, workerFile: detectorFile },
      record: c.recording
        ? {
            dir: o.recordingsDir,
            segmentMs: o.segmentMs,
            minFreeBytes: o.retention.minFreeBytes,
            retryMs: 5000,
          }
        : null,
      live: o.live,
    };
  }

  /**
   * What the worker tells, for the status, events, the API and logs: every text in it (ffmpeg's and
   * the camera's words among them) without credentials.
   */
  private workerEvents(cameraId: string, r: RunningCamera): CameraWorkerEvents {
    const clean = (text: string): string => redactCredentials(text, r.secrets);
    return {
      onStatus: (s) => {
        r.status = { ...s, message: clean(s.message), recordingMessage: clean(s.recordingMessage) };
        if (s.state === 'streaming') r.attempt = 0;
        this.noteOutage(cameraId, r, r.status);
        this.deps.emitStatus();
      },
      onLive: (jpeg, atMs) => {
        r.lastLive = jpeg;
        // The bytes themselves: the hosts send them only to those watching (binary on /ws, cloned over IPC).
        this.deps.emit({ name: 'video.live', payload: { cameraId, atMs, jpeg } });
      },
      onSegment: (s) => this.deps.onSegment(s),
      onStreamEnded: (id, reason) => {
        // Only the stream running now: a replaced or stopped one's end may arrive after the next began.
        if (r.stream?.id === id) {
          clearTimeout(r.stream.endTimer);
          r.stream = undefined;
          this.deps.log.warn({ cameraId, reason: reason && clean(reason) }, 'stream ended');
          this.deps.emitStatus();
        }
      },
      onExit: (reason) => this.restartLater(cameraId, r, clean(reason)),
    };
  }

  /**
   * Logs and reports when a camera stops sending frames (once, with why) and when it sends again
   * (with how long it was out).
   */
  private noteOutage(cameraId: string, r: RunningCamera, s: CaptureStatus): void {
    const down = s.state === 'stalled' || s.state === 'reconnecting' || s.state === 'error';
    if (down && !r.outage) {
      r.outage = { sinceMs: Date.now(), reason: s.message };
      this.deps.log.warn({ cameraId, reason: s.message }, 'camera outage started');
      this.deps.onOutage({ cameraId, startedAtMs: r.outage.sinceMs, reason: s.message, endedAtMs: null });
    } else if (s.state === 'streaming' && r.outage) {
      const { sinceMs, reason } = r.outage;
      r.outage = undefined;
      const endedMs = Date.now();
      this.deps.log.info(
        { cameraId, reason, startedAt: new Date(sinceMs).toISOString(), seconds: (endedMs - sinceMs) / 1000 },
        'camera outage ended',
      );
      this.deps.onOutage({ cameraId, startedAtMs: sinceMs, reason, endedAtMs: endedMs });
    }
  }

  /** The worker died (not a normal stop): restart it with backoff, the status says why. */
  private restartLater(cameraId: string, r: RunningCamera, reason: string): void {
    r.worker = undefined;
    r.status = r.status ? { ...r.status, state: 'error', message: `${reason}; restarting` } : undefined;
    if (r.status) this.noteOutage(cameraId, r, r.status);
    this.deps.emitStatus();
    if (!this.accepting) return;
    const delay = backoffDelayMs(
      r.attempt++,
      { initialMs: this.opts.capture.restartInitialMs, maxMs: this.opts.capture.restartMaxMs },
      Math.random,
    );
    r.restartTimer = setTimeout(() => {
      const cur = this.deps.camera(cameraId);
      if (cur && this.accepting) this.launch(cur);
    }, delay);
  }
}

/**
 * The parts of a stream target that are its key: an RTMP URL's last path segment
 * (`rtmp://live.example/app/KEY`), its query values and its password.
 */
function streamKeysOf(url: string): string[] {
  try {
    const u = new URL(url);
    const last = u.pathname.split('/').filter(Boolean).at(-1);
    return [last, u.password, ...u.searchParams.values()]
      .filter((v): v is string => !!v)
      .map((v) => decodeURIComponent(v));
  } catch {
    return [url];
  }
}
