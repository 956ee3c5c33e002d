import { anonymizeFrame, failClosed } from '../anonymize';
import { VideoError } from '../errors';
import type { AnonymizeOptions, FaceBox, FaceDetector, Frame, PrivacyMask } from '../types';
import { frameProblem, type FrameKernels } from '../../../native/index';
import type { AnonymizedFrame, Treatment } from './anonymized-frame';
import { SceneWatch, type SceneChangeOptions } from './scene-change';

/**
 * Carries face boxes across frames (`FaceTracker` of main/video/detect has this shape). `update`
 * takes a fresh detection (full-frame pixels) for frame `frameIndex`; `predict` gives the boxes to
 * cover on `frameIndex`: on a frame the detector skipped, and on a detected one after its `update`.
 */
export interface FaceTracker {
  update(detections: readonly FaceBox[], frameIndex: number): void;
  predict(frameIndex: number): FaceBox[];
}

/** Options of {@link PrivacyPipeline}. */
export interface PrivacyPipelineOptions {
  /** Run the detector on every k-th frame (1 = every frame); the tracker covers the frames between. */
  detectEveryFrames: number;
  /**
   * Between scheduled detections, a frame that looks like a new scene (a hard cut, a PTZ move, the
   * lights going on) is looked at at once: the tracker only knows the faces of the old scene.
   * Omitted or null: only the schedule (tests of the gap this closes).
   */
  sceneChange?: SceneChangeOptions | null;
  /** A detection that takes longer than this fails closed for the frame it was for. */
  deadlineMs: number;
  /** What to do with a frame whose detection missed the deadline: blur it whole, or drop it. */
  whenBehind: 'blur' | 'drop';
  /** Tracked boxes older than this many frames since the last successful detection are not trusted: fail closed. */
  maxTrackedFrames: number;
  anonymize: AnonymizeOptions;
  masks: PrivacyMask[];
}

/** Narrow dependencies: the detector (a worker behind an async interface), a tracker, the pixel kernels, a clock. */
export interface PrivacyPipelineDeps {
  detector: FaceDetector;
  tracker?: FaceTracker;
  kernels: FrameKernels;
  nowMs: () => number;
}

/** Counters the status shows. */
export interface PipelineStats {
  frames: number;
  detections: number;
  detectionsLate: number;
  failClosed: number;
  dropped: number;
  lastDetectMs: number;
  detectorErrors: number;
  /** Detections run out of schedule because the picture changed too much for the tracker. */
  sceneChanges: number;
  /**
   * Frames that could not be treated at all (their bytes do not match their size, a size of 0 or
   * beyond the kernels' limit, an unknown pixel format): dropped with their pixels wiped (also in `dropped`).
   */
  badFrames: number;
}

/**
 * The only place raw frames become exit-able: frame → detector (on a downscaled copy, every k-th
 * frame, tracker in between) → anonymizer → {@link AnonymizedFrame}. Fails closed: a frame whose
 * detection did not arrive within `deadlineMs`, or whose tracked boxes are too old, is blurred
 * whole (or dropped); a frame whose faces were not looked for never comes out untreated. A frame
 * that cannot be treated at all (its bytes do not match its size) is dropped with its pixels wiped.
 * Frames are processed one at a time, in order; the frame's buffer is modified in place.
 *
 * @example const out = await pipeline.process(frame, Date.now()); if (out) recorder.write(out);
 */
export class PrivacyPipeline {
  readonly stats: PipelineStats = {
    frames: 0,
    detections: 0,
    detectionsLate: 0,
    failClosed: 0,
    dropped: 0,
    lastDetectMs: 0,
    detectorErrors: 0,
    sceneChanges: 0,
    badFrames: 0,
  };
  /** Why the last frame that was not treated normally was blurred whole or dropped (for the status message). */
  lastError = '';
  private frameIndex = 0;
  private lastGoodDetectionFrame = -Infinity;
  private lastDetectionAttempt = -Infinity;
  /** Present when frames between scheduled detections are checked for a new scene. */
  private readonly scene: SceneWatch | undefined;
  private detecting: Promise<unknown> | undefined;
  private masks: PrivacyMask[];

  constructor(
    private readonly opts: PrivacyPipelineOptions,
    private readonly deps: PrivacyPipelineDeps,
  ) {
    if (!Number.isInteger(opts.detectEveryFrames) || opts.detectEveryFrames < 1)
      throw new VideoError(
        'BAD_OPTIONS',
        `detectEveryFrames must be an integer ≥ 1, got ${opts.detectEveryFrames}`,
      );
    if (opts.detectEveryFrames > 1 && !deps.tracker)
      throw new VideoError(
        'BAD_OPTIONS',
        'detecting every k-th frame needs a tracker to cover the frames between; pass one or set detectEveryFrames to 1',
      );
    if (!(opts.deadlineMs > 0))
      throw new VideoError('BAD_OPTIONS', `deadlineMs must be > 0, got ${opts.deadlineMs}`);
    this.masks = opts.masks;
    if (opts.sceneChange && opts.detectEveryFrames > 1) this.scene = new SceneWatch(opts.sceneChange);
  }

  /** Replaces the camera's privacy masks (from the mask editor); applies from the next frame. */
  setMasks(masks: PrivacyMask[]): void {
    this.masks = masks;
  }

  /**
   * Anonymizes `frame` in place and returns it branded, or null when it was dropped (fail closed
   * with `whenBehind: 'drop'`, or a frame the kernels cannot treat: `badFrames`); a dropped frame's
   * pixels are wiped. The caller must not keep any other reference to the raw frame.
   */
  async process(frame: Frame, capturedAtMs: number): Promise<AnonymizedFrame | null> {
    this.stats.frames++;
    // A frame the kernels cannot treat can be neither looked at nor blurred: it is dropped, and its
    // pixels are wiped first so nothing can leak them later.
    const bad = frameProblem(frame);
    if (bad !== null) {
      this.stats.badFrames++;
      this.stats.dropped++;
      this.lastError = `a frame was dropped: ${bad}`;
      if (frame.data instanceof Uint8Array) frame.data.fill(0);
      return null;
    }
    const index = this.frameIndex++;
    let faces: FaceBox[] | undefined;
    // the raw frame is observed before anonymization changes it in place
    const newScene = this.scene?.observe(frame) === true;
    const due = index - this.lastDetectionAttempt >= this.opts.detectEveryFrames;
    if (due || newScene) {
      if (!due) this.stats.sceneChanges++;
      this.lastDetectionAttempt = index;
      faces = await this.detectWithDeadline(frame, index);
      if (faces) this.scene?.markDetected();
      // With a tracker, a detected frame is covered as the frames around it are: every detection,
      // the faces held from earlier detections (one the detector missed just this once stays
      // covered), each at its held size (no box breathing with the cadence).
      if (faces && this.deps.tracker) faces = this.deps.tracker.predict(index);
    } else if (this.deps.tracker && index - this.lastGoodDetectionFrame <= this.opts.maxTrackedFrames) {
      faces = this.deps.tracker.predict(index);
    }
    try {
      return this.treat(frame, faces, capturedAtMs);
    } catch (err) {
      // The anonymizer refused (bad options or masks): the frame goes nowhere, its pixels wiped.
      frame.data.fill(0);
      this.stats.dropped++;
      throw err;
    }
  }

  /** Anonymizes `frame` in place: its `faces` covered, or blurred whole (or dropped) when they were not looked for. */
  private treat(frame: Frame, faces: FaceBox[] | undefined, capturedAtMs: number): AnonymizedFrame | null {
    if (faces === undefined) {
      this.stats.failClosed++;
      if (this.opts.whenBehind === 'drop') {
        this.stats.dropped++;
        // The raw pixels are destroyed before the frame is let go, so nothing can leak them later.
        frame.data.fill(0);
        return null;
      }
      failClosed(frame, this.deps.kernels);
      // Masks still apply: a fail-closed frame is blurred and also has its private areas filled.
      anonymizeFrame(frame, [], this.masks, this.opts.anonymize, this.deps.kernels);
      return markAnonymized(frame, 'fail-closed', 0, capturedAtMs);
    }
    const regions = anonymizeFrame(frame, faces, this.masks, this.opts.anonymize, this.deps.kernels);
    return markAnonymized(frame, 'faces', regions.length, capturedAtMs);
  }

  private async detectWithDeadline(frame: Frame, index: number): Promise<FaceBox[] | undefined> {
    if (this.detecting) {
      // The detector is still busy with an earlier frame: this one cannot be looked at in time.
      this.stats.detectionsLate++;
      this.lastError = 'the face detector is still busy with an earlier frame';
      return undefined;
    }
    const t0 = this.deps.nowMs();
    // The detector takes its downscaled copy synchronously inside detect() (only that small copy
    // crosses to the detector's worker), so the frame may be anonymized in place right after.
    const job = this.deps.detector.detect(frame).then((full) => {
      this.stats.detections++;
      this.stats.lastDetectMs = this.deps.nowMs() - t0;
      this.deps.tracker?.update(full, index);
      return full;
    });
    const settled = job.finally(() => {
      if (this.detecting === settled) this.detecting = undefined;
    });
    this.detecting = settled;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), this.opts.deadlineMs);
    });
    try {
      const r = await Promise.race([job, late]);
      if (r === undefined) {
        this.stats.detectionsLate++;
        this.lastError = `the face detector did not answer within ${this.opts.deadlineMs} ms`;
        return undefined;
      }
      this.lastGoodDetectionFrame = index;
      return r;
    } catch (err) {
      // A detector failure is the same as no detection: fail closed for this frame.
      this.stats.detectorErrors++;
      this.lastError = err instanceof Error ? err.message : String(err);
      return undefined;
    } finally {
      clearTimeout(timer);
      settled.catch(() => undefined);
    }
  }
}

function markAnonymized(
  frame: Frame,
  treatment: Treatment,
  faces: number,
  capturedAtMs: number,
): AnonymizedFrame {
  return Object.assign(frame, { treatment, faces, capturedAtMs }) as unknown as AnonymizedFrame;
}
