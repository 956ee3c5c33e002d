import type { Frame, Rect } from '../../types';

/** Tuning of {@link MotionMap}. */
export interface MotionOptions {
  /** Side of a cell, in frame pixels: the map compares mean brightness per cell. */
  cellPx: number;
  /** A cell moved when its mean brightness changed by more than this (0..255). Noise of σ 10 per pixel is σ 0.6 on a 16 px cell. */
  threshold: number;
}

export const DEFAULT_MOTION_OPTIONS: Readonly<MotionOptions> = Object.freeze({ cellPx: 16, threshold: 6 });

/** What changed since the previous frame the map saw: moving regions, and the share of cells that moved. */
export interface MotionResult {
  regions: Rect[];
  movedShare: number;
  /** True for the first frame, and for a frame of another size. */
  first: boolean;
}

/**
 * Where the picture changed between the frames it is shown (the detection frames): the mean
 * brightness of each cell, compared with the previous frame's. Moving people are found without a
 * model, so the full-resolution pass looks only where someone could have come or gone. Brightness
 * is the Y plane of yuv420p, or (r + 2g + b) / 4 of rgb24.
 */
export class MotionMap {
  private prev: Float32Array | undefined;
  private key = '';

  constructor(private readonly opts: MotionOptions = DEFAULT_MOTION_OPTIONS) {}

  observe(frame: Frame): MotionResult {
    const c = this.opts.cellPx;
    const cols = Math.ceil(frame.width / c);
    const rows = Math.ceil(frame.height / c);
    const cur = cellMeans(frame, c, cols, rows);
    const key = `${frame.width}x${frame.height}`;
    const prev = this.prev;
    this.prev = cur;
    if (!prev || key !== this.key) {
      this.key = key;
      return { regions: [], movedShare: 1, first: true };
    }
    const moved = new Uint8Array(cols * rows);
    let count = 0;
    for (let i = 0; i < moved.length; i++)
      if (Math.abs(cur[i]! - prev[i]!) > this.opts.threshold) {
        moved[i] = 1;
        count++;
      }
    return {
      regions: components(moved, cols, rows, c, frame),
      movedShare: count / moved.length,
      first: false,
    };
  }

  /** Forgets the previous frame (the next one counts as first). */
  reset(): void {
    this.prev = undefined;
  }
}

function cellMeans(frame: Frame, c: number, cols: number, rows: number): Float32Array {
  const sums = new Float32Array(cols * rows);
  const counts = new Float32Array(cols * rows);
  const { width: w, height: h, data } = frame;
  const rgb = frame.format === 'rgb24';
  const colOf = new Int32Array(w);
  for (let x = 0; x < w; x++) colOf[x] = Math.floor(x / c);
  for (let y = 0; y < h; y++) {
    const rowBase = Math.floor(y / c) * cols;
    if (rgb) {
      for (let x = 0, i = y * w * 3; x < w; x++, i += 3)
        sums[rowBase + colOf[x]!]! += (data[i]! + 2 * data[i + 1]! + data[i + 2]!) / 4;
    } else {
      for (let x = 0, i = y * w; x < w; x++, i++) sums[rowBase + colOf[x]!]! += data[i]!;
    }
    for (let x = 0; x < cols; x++) counts[rowBase + x]! += Math.min(c, w - x * c);
  }
  for (let k = 0; k < sums.length; k++) sums[k] = sums[k]! / counts[k]!;
  return sums;
}

/** Bounding rects (frame pixels) of 8-connected groups of moved cells, each grown by one cell. */
function components(moved: Uint8Array, cols: number, rows: number, c: number, frame: Frame): Rect[] {
  const seen = new Uint8Array(moved.length);
  const out: Rect[] = [];
  const stack: number[] = [];
  for (let s = 0; s < moved.length; s++) {
    if (!moved[s] || seen[s]) continue;
    let x0 = cols;
    let y0 = rows;
    let x1 = -1;
    let y1 = -1;
    seen[s] = 1;
    stack.push(s);
    while (stack.length > 0) {
      const k = stack.pop()!;
      const cx = k % cols;
      const cy = (k - cx) / cols;
      x0 = Math.min(x0, cx);
      y0 = Math.min(y0, cy);
      x1 = Math.max(x1, cx);
      y1 = Math.max(y1, cy);
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const nx = cx + dx;
          const ny = cy + dy;
          if (nx < 0 || ny < 0 || nx >= cols || ny >= rows) continue;
          const n = ny * cols + nx;
          if (moved[n] && !seen[n]) {
            seen[n] = 1;
            stack.push(n);
          }
        }
    }
    const px0 = Math.max(0, (x0 - 1) * c);
    const py0 = Math.max(0, (y0 - 1) * c);
    const px1 = Math.min(frame.width, (x1 + 2) * c);
    const py1 = Math.min(frame.height, (y1 + 2) * c);
    out.push({ x: px0, y: py0, width: px1 - px0, height: py1 - py0 });
  }
  return out;
}
