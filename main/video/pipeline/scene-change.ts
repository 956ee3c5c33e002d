import type { Frame } from '../types';

/**
 * A coarse picture of a frame's brightness: the mean luma of each cell of a `cols`×`rows` grid
 * (cells about square), from a sparse sample of the pixels (every `step`-th pixel of every
 * `step`-th row, ~64 per cell: a 1080p frame costs ~37,000 reads). Sensor noise averages out in
 * the means; a hard cut, a PTZ move or the lights going on change most cells.
 */
export interface LumaGrid {
  cols: number;
  rows: number;
  /** row-major cell means, 0..255 */
  cells: Float32Array;
}

/** Columns of the grid; rows follow the frame's aspect ratio. */
const GRID_COLS = 32;

/** The {@link LumaGrid} of `frame` (yuv420p: its Y plane; rgb24: the same BT.601 limited-range Y). */
export function lumaGrid(frame: Frame): LumaGrid {
  const { width: w, height: h, data } = frame;
  const cols = Math.min(GRID_COLS, w);
  const rows = Math.max(1, Math.min(h, Math.round((cols * h) / w)));
  const cellW = w / cols;
  const cellH = h / rows;
  const step = Math.max(1, Math.floor(Math.min(cellW, cellH) / 8));
  const sums = new Float64Array(cols * rows);
  const counts = new Uint32Array(cols * rows);
  const rgb = frame.format === 'rgb24';
  for (let y = step >> 1; y < h; y += step) {
    const row = Math.min(rows - 1, Math.floor(y / cellH)) * cols;
    const base = y * w;
    for (let x = step >> 1; x < w; x += step) {
      const cell = row + Math.min(cols - 1, Math.floor(x / cellW));
      let v: number;
      if (rgb) {
        const i = (base + x) * 3;
        v = ((66 * data[i]! + 129 * data[i + 1]! + 25 * data[i + 2]! + 128) >> 8) + 16;
      } else v = data[base + x]!;
      sums[cell]! += v;
      counts[cell]!++;
    }
  }
  const cells = new Float32Array(cols * rows);
  for (let i = 0; i < cells.length; i++) cells[i] = counts[i]! > 0 ? sums[i]! / counts[i]! : 0;
  return { cols, rows, cells };
}

/**
 * The share (0..1) of cells whose mean luma moved by more than `thresholdLuma` between two grids
 * of the same frame size; 1 when the grids do not match (a new stream size is a new scene).
 */
export function changedShare(a: LumaGrid, b: LumaGrid, thresholdLuma: number): number {
  if (a.cols !== b.cols || a.rows !== b.rows) return 1;
  let changed = 0;
  for (let i = 0; i < a.cells.length; i++) if (Math.abs(a.cells[i]! - b.cells[i]!) > thresholdLuma) changed++;
  return changed / a.cells.length;
}

/** When a frame counts as a new scene (see {@link PrivacyPipelineOptions.sceneChange}). */
export interface SceneChangeOptions {
  /** A cell changed when its mean luma moved by more than this (0..255). */
  thresholdLuma: number;
  /** A new scene: at least this share of cells changed since the previous frame... */
  cutShare: number;
  /** ...or since the last frame the detector looked at (a change spread over several frames). */
  driftShare: number;
}

/**
 * Measured on the demo photos (test/unit/video/pipeline/scene-change.test.ts) at 640×360, with cells
 * of 20 px: sensor noise of σ 10 changes < 1% of the cells; a camera moving 2 px a frame
 * (diagonally) changes ≤ 5% of them, 4 px ≤ 17%, 6 px ≤ 28%; a hard cut from any photo to another
 * changes ≥ 60%. At 1920×1080 (60 px cells) a 6 px move changes ≤ 5%. A false alarm only costs one
 * detection; a miss would let a face through, hence thresholds well below the cuts.
 */
export const DEFAULT_SCENE_CHANGE: Readonly<SceneChangeOptions> = Object.freeze({
  thresholdLuma: 16,
  cutShare: 0.25,
  driftShare: 0.35,
});

/**
 * Watches a stream for new scenes: {@link observe} every raw frame, in order, and call
 * {@link markDetected} when the detector looked at the frame observed last.
 *
 * @example if (watch.observe(frame) || due) { faces = await detect(frame); if (faces) watch.markDetected(); }
 */
export class SceneWatch {
  private previous: LumaGrid | undefined;
  private detected: LumaGrid | undefined;

  constructor(private readonly opts: SceneChangeOptions) {}

  /** Whether `frame` looks like a new scene since the previous frame or since the last detected one. */
  observe(frame: Frame): boolean {
    const grid = lumaGrid(frame);
    const { thresholdLuma, cutShare, driftShare } = this.opts;
    const cut = this.previous !== undefined && changedShare(grid, this.previous, thresholdLuma) >= cutShare;
    const drift =
      this.detected !== undefined && changedShare(grid, this.detected, thresholdLuma) >= driftShare;
    this.previous = grid;
    return cut || drift;
  }

  /** The frame observed last was looked at by the detector: later frames are compared with it too. */
  markDetected(): void {
    this.detected = this.previous;
  }
}
