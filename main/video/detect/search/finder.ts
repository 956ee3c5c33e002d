import { frameKernels, type FrameKernels } from '../../../../native';
import type { FaceBox, FaceDetectorOptions, Frame, Rect } from '../../types';
import { MIN_FACE_AT_INPUT_PX, SMALL_FACE_NET_MAX_PX, smallFaceUpscale } from '../coverage';
import { DetectorEngine, mapBoxesToFrame, prepareDetectorInput } from '../engine';
import { cropToRgb24 } from './crop';
import { MotionMap } from './motion';
import { contains, evenRect, mergeWindows, tileRect } from './windows';

/**
 * The small-face pass shows the tiny detector each full-resolution window enlarged (2× at 1080p:
 * faces from 16 px; see `smallFaceUpscale`) and at its own size (faces of 48–145 px that the
 * whole-frame pass misses: on the multi-scale set, 2× alone found 43 of 46 faces of 48–64 px, both
 * scales all 46, for 23% more time).
 */
function fineScales(frame: Frame): [number, number] {
  return [smallFaceUpscale(frame.width, frame.height), 1];
}

/** Largest window side in frame pixels at upscale `up` (at 2×: 480, the network then runs at 960 px). */
export function windowMaxPx(up: number): number {
  return 2 * Math.floor(SMALL_FACE_NET_MAX_PX / up / 2);
}
/**
 * The tiny detector's score threshold in the small-face pass. Its scores are not the whole-frame
 * model's: they are mapped so that this threshold lands on the anonymizer's default (0.2), and a
 * higher `--thresh` still drops the weaker ones (see {@link fineScore}).
 */
export const FINE_MIN_SCORE = 0.15;
const DEFAULT_THRESHOLD = 0.2;
/**
 * With the small-face pass on, the tiny detector also sees the whole frame at this size: a second
 * opinion on large faces. ssd_mobilenetv1 missed whole faces of 300–360 px under motion blur and in
 * low light (scores 0.03–0.15) that the tiny detector found at 0.25–0.71 (the face set, 1080p);
 * those two faces were nearly all the visible face area left. About 7 ms here (416×256 at 1080p).
 * Only its boxes where the whole-frame model found nothing are kept (see `find`).
 */
export const WHOLE_TINY_PX = 416;

/** A small-face-pass score on the scale the anonymizer's threshold reads: [FINE_MIN_SCORE, 1] → [0.2, 1]. */
export function fineScore(s: number): number {
  return DEFAULT_THRESHOLD + ((s - FINE_MIN_SCORE) * (1 - DEFAULT_THRESHOLD)) / (1 - FINE_MIN_SCORE);
}
/** A detection whose moved cells exceed this share of the frame is a new scene: every window is looked at. */
const NEW_SCENE_SHARE = 0.35;
/**
 * One window of the slow sweep is added to every this many 'motion' detections, when the budget
 * has room (a safety net for a face the first look missed and that has not moved since: every
 * face that comes, goes or turns moves the picture).
 */
const SWEEP_EVERY_DETECTIONS = 5;
/** A small face found is looked for again at its place until this many looks in a row did not find it. */
const KNOWN_MISSES = 3;
/**
 * Network pixels the 'motion' pass may spend on one detection: 1.4 M, about 50 ms of the tiny
 * detector on this machine (a 960 px square, 0.92 M, takes 32 ms), so that with the whole-frame
 * passes a camera's detections at 5 a second fit in about half a core (85 ms a detection on the
 * bench's 1080p CCTV clip). Windows where faces were or something moved that do not fit are returned
 * whole, to be blurred (the smallest are looked at first); the sweep's window is skipped.
 */
const MOTION_BUDGET_NET_PX = 1_400_000;

/** What one `find` looked at (for stats and benchmarks). */
export interface FindReport {
  exhaustive: boolean;
  windows: number;
  /** Network pixels the small-face pass ran (the sum over windows and scales): its cost. */
  netPx: number;
  /** Windows the budget left unexamined and returned whole, to be blurred. */
  unexamined: number;
}

interface KnownFace {
  box: Rect;
  /** Looks at its place in a row that did not find it. */
  misses: number;
}

/**
 * Finds faces on full frames at several scales: the configured model on the whole frame downscaled
 * (`inputSizePx`: large faces), and, unless `smallFaces` is 'off', the tiny detector on the whole
 * frame at {@link WHOLE_TINY_PX} (large faces the first misses) and on full-resolution windows shown
 * enlarged (faces down to `smallFacePassMinPx`).
 * Which windows: see `FaceDetectorOptions.smallFaces`. Keeps state between calls (the motion map,
 * the small faces found, the sweep position): one finder per camera or file.
 */
export class FaceFinder {
  private readonly motion = new MotionMap();
  private known: KnownFace[] = [];
  private detections = 0;
  private sweepAt = 0;
  /** What the last `find` did. */
  lastReport: FindReport = { exhaustive: false, windows: 0, netPx: 0, unexamined: 0 };

  private constructor(
    readonly options: FaceDetectorOptions,
    private readonly coarse: DetectorEngine,
    private readonly fine: DetectorEngine | undefined,
    private readonly kernels: FrameKernels,
  ) {}

  static async create(
    options: FaceDetectorOptions,
    kernels: FrameKernels = frameKernels(),
  ): Promise<FaceFinder> {
    const coarse = await DetectorEngine.create(options);
    const fine =
      options.smallFaces === 'off'
        ? undefined
        : await DetectorEngine.create({
            model: 'tiny_face_detector',
            inputSizePx: SMALL_FACE_NET_MAX_PX,
            minScore: FINE_MIN_SCORE,
            backend: options.backend,
          }).catch(async (err: unknown) => {
            await coarse.dispose();
            throw err;
          });
    return new FaceFinder(options, coarse, fine, kernels);
  }

  /** e.g. 'ssd_mobilenetv1@512 + tiny_face_detector@416 and 2–3× windows (motion) (onnx)' */
  get description(): string {
    const base = `${this.options.model}@${this.options.inputSizePx}`;
    const fine = this.fine
      ? ` + tiny_face_detector@${WHOLE_TINY_PX} and 2–3× windows (${this.options.smallFaces})`
      : '';
    return `${base}${fine} (${this.coarse.backend})`;
  }

  /** The smallest face the whole-frame pass finds on this frame, in frame pixels. */
  private coarseMinFacePx(frame: Frame): number {
    const scale = Math.min(1, this.options.inputSizePx / Math.max(frame.width, frame.height));
    return Math.ceil(MIN_FACE_AT_INPUT_PX[this.options.model] / scale);
  }

  /** Faces on `frame` (rgb24 or yuv420p, not modified), in its pixels. */
  async find(frame: Frame): Promise<FaceBox[]> {
    const whole = (engine: DetectorEngine, sizePx: number): Promise<FaceBox[]> => {
      const prep = prepareDetectorInput(frame, sizePx, this.kernels);
      return engine
        .detectInput(prep.input, sizePx)
        .then((boxes) => mapBoxesToFrame(boxes, prep, frame.width, frame.height));
    };
    const coarse = await whole(this.coarse, this.options.inputSizePx);
    if (!this.fine) {
      this.lastReport = { exhaustive: false, windows: 0, netPx: 0, unexamined: 0 };
      return coarse;
    }
    // The tiny detector's whole-frame boxes are 1.4–2× the face (the set: median 1.6): one the
    // whole-frame model also found is left to it, so that merging does not grow its blur.
    const large = (await whole(this.fine, WHOLE_TINY_PX))
      .filter((b) => !coarse.some((c) => overlapsMost(c, b)))
      .map((b) => ({ ...b, score: fineScore(b.score) }));
    this.detections++;
    // Any face the whole-frame pass could miss fits wholly in one window: windows overlap by more than it.
    const overlap = this.coarseMinFacePx(frame) + 16;
    const moved = this.motion.observe(frame);
    const exhaustive =
      this.options.smallFaces === 'sweep' || moved.first || moved.movedShare > NEW_SCENE_SHARE;
    const scales = fineScales(frame);
    const side = windowMaxPx(scales[0]);
    const all = { x: 0, y: 0, width: frame.width, height: frame.height };
    const sweep = tileRect(all, side, overlap, frame.width, frame.height);
    const must = exhaustive ? sweep : this.motionWindows(moved.regions, overlap, frame, side);
    const optional =
      !exhaustive && this.detections % SWEEP_EVERY_DETECTIONS === 0
        ? [sweep[this.sweepAt++ % sweep.length]!]
        : [];
    const fine: FaceBox[] = [];
    const unexamined: FaceBox[] = [];
    const examined: Rect[] = [];
    let spent = 0;
    for (const w of [...must, ...optional]) {
      const cost = scales.reduce((sum, s) => sum + netPixels(w, s), 0);
      if (!exhaustive && spent + cost > MOTION_BUDGET_NET_PX) {
        if (must.includes(w)) unexamined.push({ ...w, score: 1 });
        continue;
      }
      spent += cost;
      examined.push(w);
      const crop = cropToRgb24(frame, w, this.kernels);
      for (const scale of scales)
        for (const b of await this.fine.detectInput(crop, netSize(w, scale)))
          // faces the whole-frame pass sees are its own: the tiny detector's large boxes on a
          // full-resolution window were mostly skin and hands (the demo photos at 1080p)
          if (b.width < overlap) fine.push({ ...b, x: b.x + w.x, y: b.y + w.y, score: fineScore(b.score) });
    }
    this.remember(fine, coarse, overlap, examined);
    this.lastReport = {
      exhaustive,
      windows: examined.length + unexamined.length,
      netPx: spent,
      unexamined: unexamined.length,
    };
    return [...suppress([...coarse, ...large, ...fine]), ...unexamined];
  }

  /** Windows a 'motion' detection must look at: where small faces were (first), and where something moved. */
  private motionWindows(regions: readonly Rect[], overlap: number, frame: Frame, side: number): Rect[] {
    const pad = overlap / 2;
    const around = (r: Rect, p: number): Rect => ({
      x: r.x - p,
      y: r.y - p,
      width: r.width + 2 * p,
      height: r.height + 2 * p,
    });
    const tiles = (r: Rect): Rect[] =>
      tileRect(evenRect(r, frame.width, frame.height), side, overlap, frame.width, frame.height);
    const known = mergeWindows(
      this.known.flatMap((k) => tiles(around(k.box, Math.max(k.box.width / 2, 24)))),
      side,
    );
    const moving = mergeWindows(
      regions.flatMap((r) => tiles(around(r, pad))),
      side,
    )
      .filter((m) => !known.some((k) => contains(k, m)))
      .sort((a, b) => a.width * a.height - b.width * b.height);
    return [...known, ...moving];
  }

  /**
   * Keeps the small faces found (those the whole-frame pass may miss) to look at again next time,
   * in a window twice their size. One not found again is kept while its place was not looked at, and for {@link KNOWN_MISSES}
   * looks that missed it (a face that turned away for a moment); a face that walked on is found
   * where it went, through the motion there.
   */
  private remember(
    fine: readonly FaceBox[],
    coarse: readonly FaceBox[],
    overlap: number,
    examined: readonly Rect[],
  ): void {
    const small = [...fine, ...coarse].filter((b) => b.width < overlap);
    const kept = this.known
      .filter((k) => !small.some((b) => overlapsMost(k.box, b)))
      .map((k) => ({ ...k, misses: k.misses + (examined.some((w) => contains(w, k.box)) ? 1 : 0) }))
      .filter((k) => k.misses < KNOWN_MISSES);
    const found = small.map((b) => ({
      box: { x: b.x, y: b.y, width: b.width, height: b.height },
      misses: 0,
    }));
    this.known = [...kept, ...found].slice(-64);
  }

  async dispose(): Promise<void> {
    await Promise.all([this.coarse.dispose(), this.fine?.dispose()]);
  }
}

/** The tiny network's side for a window at `scale`: its longest side scaled, rounded up to a multiple of 32. */
function netSize(w: Rect, scale: number): number {
  return Math.ceil((Math.max(w.width, w.height) * scale) / 32) * 32;
}

/**
 * Pixels the tiny network runs on for a window at `scale`: its longest side at `netSize`, the other
 * scaled alike and padded to a multiple of 32 (the `fit` layout, `tinyInputTensorData`), not a square.
 */
function netPixels(w: Rect, scale: number): number {
  const size = netSize(w, scale);
  const short = Math.round((Math.min(w.width, w.height) * size) / Math.max(w.width, w.height));
  return size * Math.min(size, Math.ceil(short / 32) * 32);
}

function overlapsMost(a: Rect, b: Rect): boolean {
  const ix = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  return ix * iy >= 0.5 * Math.min(a.width * a.height, b.width * b.height);
}

/**
 * One box per face: where two boxes cover most of the smaller one (the same face seen by both passes,
 * or by two overlapping windows), the higher-scored one is kept, grown to hold both.
 */
export function suppress(boxes: readonly FaceBox[]): FaceBox[] {
  const sorted = [...boxes].sort((a, b) => b.score - a.score);
  const kept: FaceBox[] = [];
  for (const b of sorted) {
    const k = kept.find((o) => overlapsMost(o, b));
    if (!k) {
      kept.push({ ...b });
      continue;
    }
    const x1 = Math.max(k.x + k.width, b.x + b.width);
    const y1 = Math.max(k.y + k.height, b.y + b.height);
    k.x = Math.min(k.x, b.x);
    k.y = Math.min(k.y, b.y);
    k.width = x1 - k.x;
    k.height = y1 - k.y;
  }
  return kept;
}
