import type { FaceBox, Rect } from '../types';

/** Tuning of the face tracker; frame counts are in frames of the stream, not detections. */
export interface TrackerOptions {
  /** A detection continues a track when their IoU (against the track's prediction) is at least this. */
  minIou: number;
  /** A track no detection has confirmed for this many frames is dropped (the face is held until then). */
  holdFrames: number;
  /** Each frame since the last confirmation enlarges the box by this fraction of its size... */
  growPerFrame: number;
  /** ...up to this factor. */
  maxGrow: number;
  /** Weight of the newest velocity measurement (exponential smoothing). */
  velocitySmoothing: number;
  /**
   * A track's box is as wide and as tall as the largest it needed over this many frames (centred
   * where the face is now). Without it the box breathes with the detection cadence (exact on a
   * detected frame, 4% larger a frame later, 8% two frames later, exact again), which flickers on
   * screen, changes the blur radius every frame and costs the encoder bits and time. Frames,
   * like `holdFrames`; at least the detection interval.
   */
  sizeHoldFrames: number;
}

/** Defaults for a detector that runs every few frames at 15–30 fps. */
export const DEFAULT_TRACKER_OPTIONS: Readonly<TrackerOptions> = Object.freeze({
  minIou: 0.2,
  holdFrames: 15,
  growPerFrame: 0.04,
  maxGrow: 1.6,
  velocitySmoothing: 0.6,
  sizeHoldFrames: 8,
});

/** One tracked face. Velocities are of the box centre, in pixels per frame. */
export interface Track {
  id: number;
  box: FaceBox;
  vx: number;
  vy: number;
  lastSeenFrame: number;
  hits: number;
  /** The sizes `predict` needed on recent frames (the box shown is the largest of them). */
  sizes: Array<{ frame: number; width: number; height: number }>;
}

/** Intersection over union of two rects (0 when either is empty). */
export function iou(a: Rect, b: Rect): number {
  const ix = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  const inter = ix * iy;
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Carries face boxes between detections: detections are matched to tracks by IoU against each
 * track's constant-velocity prediction; a track without a detection is held for `holdFrames`,
 * predicted forward and enlarged as it grows uncertain. Pure (no clock: frame indices come in).
 *
 * @example
 * const tracker = new FaceTracker();
 * if (i % 3 === 0) tracker.update(await detector.detect(frame), i);
 * anonymizeFrame(frame, tracker.predict(i), masks, options);
 */
export class FaceTracker {
  private tracks: Track[] = [];
  private nextId = 1;
  readonly options: TrackerOptions;

  constructor(options: Partial<TrackerOptions> = {}) {
    this.options = { ...DEFAULT_TRACKER_OPTIONS, ...options };
  }

  /** The live tracks (read-only copies). */
  get current(): Track[] {
    return this.tracks.map((t) => ({ ...t, box: { ...t.box }, sizes: t.sizes.map((z) => ({ ...z })) }));
  }

  /** Forgets every track (e.g. after a stream restarts). */
  reset(): void {
    this.tracks = [];
  }

  private centreAt(t: Track, frameIndex: number): FaceBox {
    const dt = frameIndex - t.lastSeenFrame;
    return { ...t.box, x: t.box.x + t.vx * dt, y: t.box.y + t.vy * dt };
  }

  /** Feeds the detections made on frame `frameIndex` (full-frame pixels). */
  update(detections: readonly FaceBox[], frameIndex: number): void {
    const o = this.options;
    const predicted = this.tracks.map((t) => this.centreAt(t, frameIndex));
    const pairs: Array<{ t: number; d: number; v: number }> = [];
    predicted.forEach((p, t) =>
      detections.forEach((d, di) => {
        const v = iou(p, d);
        if (v >= o.minIou) pairs.push({ t, d: di, v });
      }),
    );
    pairs.sort((a, b) => b.v - a.v);
    const usedT = new Set<number>();
    const usedD = new Set<number>();
    for (const { t, d } of pairs) {
      if (usedT.has(t) || usedD.has(d)) continue;
      usedT.add(t);
      usedD.add(d);
      const tr = this.tracks[t]!;
      const det = detections[d]!;
      const dt = Math.max(1, frameIndex - tr.lastSeenFrame);
      const mvx = (det.x + det.width / 2 - (tr.box.x + tr.box.width / 2)) / dt;
      const mvy = (det.y + det.height / 2 - (tr.box.y + tr.box.height / 2)) / dt;
      const a = tr.hits === 1 ? 1 : o.velocitySmoothing;
      tr.vx = a * mvx + (1 - a) * tr.vx;
      tr.vy = a * mvy + (1 - a) * tr.vy;
      tr.box = { ...det };
      tr.lastSeenFrame = frameIndex;
      tr.hits++;
    }
    this.tracks = this.tracks.filter((t, i) => usedT.has(i) || frameIndex - t.lastSeenFrame <= o.holdFrames);
    detections.forEach((d, i) => {
      if (!usedD.has(i))
        this.tracks.push({
          id: this.nextId++,
          box: { ...d },
          vx: 0,
          vy: 0,
          lastSeenFrame: frameIndex,
          hits: 1,
          sizes: [],
        });
    });
  }

  /**
   * The boxes to cover on frame `frameIndex`: each track moved by its velocity and enlarged by
   * the frames since it was last confirmed, then held at the largest size it needed over the last
   * `sizeHoldFrames` frames. Tracks past `holdFrames` are dropped. On a frame that was just
   * detected this covers every detection, and the faces held from earlier detections as well.
   */
  predict(frameIndex: number): FaceBox[] {
    const o = this.options;
    this.tracks = this.tracks.filter((t) => frameIndex - t.lastSeenFrame <= o.holdFrames);
    return this.tracks.map((t) => {
      const dt = Math.max(0, frameIndex - t.lastSeenFrame);
      const p = this.centreAt(t, frameIndex);
      // Uncertain while unconfirmed, and more so for a track whose velocity is not yet measured.
      const grow = Math.min(o.maxGrow, 1 + o.growPerFrame * dt * (t.hits === 1 ? 2 : 1));
      t.sizes = t.sizes.filter((z) => z.frame <= frameIndex && frameIndex - z.frame < o.sizeHoldFrames);
      t.sizes.push({ frame: frameIndex, width: p.width * grow, height: p.height * grow });
      const w = Math.max(...t.sizes.map((z) => z.width));
      const h = Math.max(...t.sizes.map((z) => z.height));
      return {
        x: p.x + p.width / 2 - w / 2,
        y: p.y + p.height / 2 - h / 2,
        width: w,
        height: h,
        score: t.box.score,
      };
    });
  }
}
