/**
 * One camera's capture loop: decoder frames → privacy pipeline (detect, track, anonymize) → exits.
 * This is where raw camera frames live (ARCHITECTURE §6): they come from the decoder, the newest
 * one waits for the pipeline (an older one is zeroed, never passed on), and only what the pipeline
 * returns — an {@link AnonymizedFrame} — reaches the recorder, live view, snapshots and stream.
 * The live view encodes only while someone watches (between 'live-on' and 'live-off').
 * Messages out never carry raw pixels. The capture worker runs one session; tests drive one directly.
 */
import type { FrameKernels } from '../../../native/index';
import { serializeError } from '../../common/errors';
import { FaceTracker } from '../detect/tracker';
import { VideoError } from '../errors';
import { backoffDelayMs } from '../onvif/backoff';
import type { AnonymizedFrame } from '../pipeline/anonymized-frame';
import { PrivacyPipeline } from '../pipeline/pipeline';
import type { FaceDetector } from '../types';
import { CaptureStatusReporter } from './capture-status';
import type { CaptureSinks, FrameExit, StreamExit } from './capture-sinks';
import { frameBytesOf, type Decoder, type DecoderOptions } from './decoder';
import { FrameReader } from './frame-reader';
import type { CaptureStatus, CaptureWorkerConfig, FromCaptureWorker, ToCaptureWorker } from './protocol';

/** The session's way out: messages to its owner (pictures in them are anonymized JPEGs), and closing. */
export interface CapturePort {
  post(m: FromCaptureWorker, transfer?: ArrayBuffer[]): void;
  close(): void;
}

/** What a capture session runs on; the worker passes the real ones, tests their own. */
export interface CaptureSessionDeps {
  port: CapturePort;
  /** Loaded already; the session disposes of it when it stops. */
  detector: FaceDetector;
  kernels: FrameKernels;
  /** Starts the frame source (ffmpeg in the worker: `startDecoder`). */
  startDecoder: (opts: DecoderOptions) => Decoder;
  sinks: CaptureSinks;
  /** Wall clock (frame capture times, stall detection) and a monotonic one (detection deadlines). */
  clock: { wallMs: () => number; monoMs: () => number };
  /** Jitter of the reconnect backoff. */
  random: () => number;
}

/**
 * Owns one camera's decode → detect → anonymize → exits loop: restarts the decoder with backoff
 * when it ends, restarts a stalled one, keeps only the newest raw frame while the pipeline is busy,
 * answers the owner's messages ({@link ToCaptureWorker}) and reports its status.
 *
 * @example
 * const session = new CaptureSession(cfg, { port, detector, kernels, startDecoder, sinks, clock, random: Math.random });
 * session.start(); port.on('message', (m) => session.handle(m));
 */
export class CaptureSession {
  private readonly reporter: CaptureStatusReporter;
  private readonly pipeline: PrivacyPipeline;
  private readonly recorder: FrameExit | undefined;
  private readonly live: FrameExit | undefined;
  /** Does anyone watch the live view ('live-on')? Until then the live exit encodes nothing. */
  private liveOn = false;
  private stream: StreamExit | undefined;
  private stopping = false;
  private decoder: Decoder | undefined;
  private attempt = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private pending: { data: Uint8Array; atMs: number } | undefined;
  private processing = false;
  /** Since when (wall clock) frames have come out without their faces looked for; null while they are. */
  private untreatedSinceMs: number | null = null;
  private detectionsSeen = 0;
  private readonly snapshotWaiters: number[] = [];

  constructor(
    private readonly cfg: CaptureWorkerConfig,
    private readonly deps: CaptureSessionDeps,
  ) {
    this.reporter = new CaptureStatusReporter(cfg.record !== null, (m) => deps.port.post(m));
    this.status.detector = deps.detector.description;
    this.pipeline = new PrivacyPipeline(cfg.pipeline, {
      detector: deps.detector,
      tracker: cfg.pipeline.detectEveryFrames > 1 ? new FaceTracker() : undefined,
      kernels: deps.kernels,
      nowMs: deps.clock.monoMs,
    });
    this.recorder = cfg.record
      ? deps.sinks.recorder({
          onSegment: (segment) => {
            if (this.status.recording !== 'on') {
              this.status.recording = 'on';
              this.status.recordingMessage = '';
              this.reporter.report();
            }
            this.deps.port.post({ type: 'segment', segment });
          },
          onError: (code, message) => {
            this.status.recording = code === 'DISK_FULL' ? 'disk-full' : 'failed';
            this.status.recordingMessage = message;
            this.reporter.report();
          },
        })
      : undefined;
    this.live = cfg.live
      ? deps.sinks.live((jpeg, atMs) => {
          // A JPEG still coming out of the encoder after 'live-off' goes nowhere.
          if (!this.liveOn) return;
          this.status.stats.liveJpegs++;
          const copy = new Uint8Array(jpeg);
          this.deps.port.post({ type: 'live', jpeg: copy, atMs }, [copy.buffer]);
        })
      : undefined;
  }

  /** The status as last computed (its counters move with every frame). */
  get status(): CaptureStatus {
    return this.reporter.status;
  }

  /** Starts the stall watchdog and the decoder. */
  start(): void {
    this.watchdog = setInterval(() => this.checkStall(), Math.min(1000, this.cfg.stallMs / 2));
    this.reporter.setState('starting', `connecting to the camera (${this.status.detector})`);
    this.startCapture();
  }

  /** Handles one message of the owner. */
  handle(m: ToCaptureWorker): void {
    switch (m.type) {
      case 'set-masks':
        this.pipeline.setMasks(m.masks);
        break;
      case 'snapshot':
        this.snapshotWaiters.push(m.id);
        break;
      case 'live-on':
        this.liveOn = true;
        break;
      case 'live-off':
        // The encoder (an ffmpeg) ends; the next 'live-on' starts another.
        this.liveOn = false;
        void this.live?.close();
        break;
      case 'stream-start':
        this.startStream(m.id, m.url, m.bitrateKbps);
        break;
      case 'stream-stop': {
        const s = this.stream;
        this.stream = undefined;
        this.status.streaming = false;
        this.reporter.report();
        void s?.stop();
        break;
      }
      case 'stop':
        void this.stop();
        break;
    }
  }

  /** Stops the decoder, closes every exit and the detector, reports 'stopped' and closes the port. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.watchdog);
    clearTimeout(this.restartTimer);
    this.decoder?.kill();
    await Promise.allSettled([
      this.recorder?.close(),
      this.live?.close(),
      this.stream?.stop(),
      this.deps.detector.dispose(),
    ]);
    this.reporter.setState('stopped', 'stopped');
    this.deps.port.post({ type: 'stopped' });
    this.deps.port.close();
  }

  private exits(f: AnonymizedFrame): void {
    this.recorder?.write(f);
    if (this.liveOn) this.live?.write(f);
    this.stream?.write(f);
    while (this.snapshotWaiters.length > 0) {
      const id = this.snapshotWaiters.shift()!;
      this.deps.sinks.snapshot(f).then(
        (jpeg) => {
          const copy = new Uint8Array(jpeg);
          this.deps.port.post({ type: 'snapshot', id, jpeg: copy }, [copy.buffer]);
        },
        (err: unknown) =>
          this.deps.port.post({
            type: 'snapshot',
            id,
            error: serializeError(new VideoError('SNAPSHOT_UNAVAILABLE', String(err))),
          }),
      );
    }
  }

  private async drain(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    const cfg = this.cfg;
    try {
      while (this.pending && !this.stopping) {
        const { data, atMs } = this.pending;
        this.pending = undefined;
        const out = await this.pipeline.process(
          { format: cfg.pixelFormat, width: cfg.width, height: cfg.height, data },
          atMs,
        );
        const { rawDropped, liveJpegs } = this.status.stats;
        this.status.stats = { ...this.pipeline.stats, rawDropped, liveJpegs };
        this.noteTreatment(out);
        // A frame that finished after stop began goes nowhere (the exits are closing).
        if (out && !this.stopping) this.exits(out);
      }
    } catch (err) {
      this.reporter.setState(
        'error',
        `the privacy pipeline failed: ${err instanceof Error ? err.message : String(err)}`,
      );
    } finally {
      this.processing = false;
    }
  }

  /**
   * Says in the status when no frame has had its faces looked for in `stallMs` (a detector that
   * hangs or died, frames that cannot be treated): they are blurred whole or dropped meanwhile, and
   * the message says why until the detector answers again. Frames covered by tracked boxes alone
   * neither count as looked for nor start the wait.
   */
  private noteTreatment(out: AnonymizedFrame | null): void {
    const answered = this.pipeline.stats.detections !== this.detectionsSeen;
    this.detectionsSeen = this.pipeline.stats.detections;
    if (out?.treatment === 'faces') {
      if (!answered) return;
      this.untreatedSinceMs = null;
      if (this.status.state === 'streaming' && this.status.message !== this.receiving())
        this.reporter.setState('streaming', this.receiving());
      return;
    }
    const now = this.deps.clock.wallMs();
    this.untreatedSinceMs ??= now;
    if (now - this.untreatedSinceMs < this.cfg.stallMs || this.status.state !== 'streaming') return;
    if (this.status.message !== this.receiving()) return; // said already
    const treatment = out === null ? 'dropped' : 'blurred whole';
    const why = this.pipeline.lastError || 'the face detector is behind';
    this.reporter.setState(
      'streaming',
      `${this.receiving()}, but no frame's faces were looked for in ${Math.round(this.cfg.stallMs / 1000)} s (${why}): every frame is ${treatment}`,
    );
  }

  private receiving(): string {
    return `receiving ${this.cfg.width}x${this.cfg.height} at ${this.cfg.fps} fps`;
  }

  private onRawFrame(data: Uint8Array): void {
    const now = this.deps.clock.wallMs();
    if (this.status.state !== 'streaming') {
      this.attempt = 0;
      this.untreatedSinceMs = null;
      this.status.decoderPid = this.decoder?.pid() ?? null;
      this.reporter.setState('streaming', this.receiving());
    }
    this.status.lastFrameAtMs = now;
    if (this.pending) {
      // The pipeline is behind: the older raw frame is destroyed, never passed on.
      this.pending.data.fill(0);
      this.status.stats.rawDropped++;
    }
    this.pending = { data, atMs: now };
    void this.drain();
  }

  private startCapture(): void {
    if (this.stopping) return;
    const cfg = this.cfg;
    const reader = new FrameReader(frameBytesOf(cfg.pixelFormat, cfg.width, cfg.height), (data) =>
      this.onRawFrame(data),
    );
    try {
      this.decoder = this.deps.startDecoder({
        input: cfg.input,
        width: cfg.width,
        height: cfg.height,
        fps: cfg.fps,
        pixelFormat: cfg.pixelFormat,
        ioTimeoutMs: cfg.ioTimeoutMs,
        loopFile: cfg.loopFile,
        realtime: cfg.realtime,
        ffmpegPath: cfg.ffmpegPath,
      });
    } catch (err) {
      this.reporter.setState(
        'error',
        `cannot start ffmpeg: ${err instanceof Error ? err.message : String(err)}`,
      );
      return;
    }
    const d = this.decoder;
    d.stdout.on('data', (c: Buffer) => reader.push(c));
    d.stdout.on('error', () => undefined);
    setTimeout(() => {
      this.status.decoderPid = d.pid();
      this.reporter.report(true);
    }, 200);
    void d.done.then((reason) => {
      reader.reset();
      if (this.stopping || this.decoder !== d) return;
      this.reconnect(
        reason === null
          ? this.cleanEnd(d)
          : reason === 'killed'
            ? this.status.message
            : `ffmpeg stopped: ${reason}`,
      );
    });
  }

  /** The decoder ended (`why`, for the status): start a new one after a backoff. */
  private reconnect(why: string): void {
    this.decoder = undefined;
    this.status.decoderPid = null;
    const delay = backoffDelayMs(
      this.attempt++,
      { initialMs: this.cfg.restartInitialMs, maxMs: this.cfg.restartMaxMs },
      this.deps.random,
    );
    this.status.restarts++;
    this.reporter.setState('reconnecting', `${why}; reconnecting in ${Math.round(delay / 100) / 10} s`);
    this.restartTimer = setTimeout(() => this.startCapture(), delay);
  }

  /**
   * Why decoder `d` ended cleanly. ffmpeg also ends cleanly when its socket timeout (`ioTimeoutMs`)
   * gives up on a camera that went silent — it says "Connection timed out" — and that can happen
   * before the watchdog's `stallMs` does (a loaded machine delivers the last frames late): the cause
   * is then the same stall the watchdog reports.
   */
  private cleanEnd(d: Decoder): string {
    if (!/timed out/i.test(d.stderrTail())) return 'the stream ended';
    const last = this.status.lastFrameAtMs;
    const silentMs = Math.max(this.cfg.ioTimeoutMs, last === null ? 0 : this.deps.clock.wallMs() - last);
    return `no frame for ${Math.round(silentMs / 1000)} s (stream stalled)`;
  }

  /** The watchdog's beat: report, and kill a decoder that has sent nothing for `stallMs`. */
  private checkStall(): void {
    this.reporter.report(true);
    const last = this.status.lastFrameAtMs;
    const now = this.deps.clock.wallMs();
    if (this.status.state === 'streaming' && last !== null && now - last > this.cfg.stallMs) {
      this.reporter.setState(
        'stalled',
        `no frame for ${Math.round((this.deps.clock.wallMs() - last) / 1000)} s (stream stalled); restarting ffmpeg`,
      );
      this.decoder?.kill();
    }
  }

  private startStream(id: number, url: string, bitrateKbps: number | undefined): void {
    void this.stream?.stop();
    const s = this.deps.sinks.stream({ url, bitrateKbps });
    this.stream = s;
    this.status.streaming = true;
    this.reporter.report();
    void s.done.then((reason) => {
      if (this.stream === s) {
        this.stream = undefined;
        this.status.streaming = false;
        this.reporter.report();
      }
      this.deps.port.post({ type: 'stream-ended', id, reason });
    });
  }
}
