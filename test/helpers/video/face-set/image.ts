/**
 * The float RGB image the face set composes in (values 0–255, interleaved, no clamping until the
 * frame is made), and its conversions to and from the pipeline's rgb24 frames.
 */
import type { Frame, Rect } from '../../../../main/video/types';

export interface RgbImage {
  width: number;
  height: number;
  /** R, G, B per pixel, row after row */
  data: Float32Array;
}

export function newImage(width: number, height: number): RgbImage {
  return { width, height, data: new Float32Array(width * height * 3) };
}

export function cloneImage(img: RgbImage): RgbImage {
  return { width: img.width, height: img.height, data: img.data.slice() };
}

/** The image as an rgb24 frame (rounded, clamped to 0–255). */
export function toFrame(img: RgbImage): Frame {
  // a clamped array rounds (half to even) and clamps in one native copy
  const out = new Uint8ClampedArray(img.data);
  return { format: 'rgb24', width: img.width, height: img.height, data: new Uint8Array(out.buffer) };
}

export function fromFrame(frame: Frame): RgbImage {
  if (frame.format !== 'rgb24') throw new Error(`fromFrame needs rgb24, got ${frame.format}`);
  return { width: frame.width, height: frame.height, data: Float32Array.from(frame.data) };
}

/** A rgb24 source image kept as bytes (the demo photos), with its halvings for minified sampling. */
export interface BytePyramid {
  levels: Array<{ width: number; height: number; data: Uint8Array }>;
}

/** Level 0 is `frame`; each next level is the one before halved by 2×2 averages, down to `minSide` px. */
export function buildPyramid(frame: Frame, minSide = 16): BytePyramid {
  const levels = [{ width: frame.width, height: frame.height, data: frame.data }];
  for (;;) {
    const p = levels[levels.length - 1]!;
    const w = p.width >> 1;
    const h = p.height >> 1;
    if (w < minSide || h < minSide) break;
    const d = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) {
      const r0 = 2 * y * p.width * 3;
      const r1 = r0 + p.width * 3;
      for (let x = 0; x < w; x++) {
        for (let c = 0; c < 3; c++) {
          const i = 6 * x + c;
          d[(y * w + x) * 3 + c] =
            (p.data[r0 + i]! + p.data[r0 + i + 3]! + p.data[r1 + i]! + p.data[r1 + i + 3]! + 2) >> 2;
        }
      }
    }
    levels.push({ width: w, height: h, data: d });
  }
  return { levels };
}

/**
 * Bilinear sample of pyramid level `level` at level-0 coordinates (x, y) (pixel centres at +0.5),
 * clamped at the edges; writes R, G, B to out[0..2].
 */
export function samplePyramid(
  pyr: BytePyramid,
  level: number,
  x: number,
  y: number,
  out: Float32Array,
): void {
  const p = pyr.levels[level]!;
  const s = 1 / (1 << level);
  const fx = Math.min(p.width - 1, Math.max(0, x * s - 0.5));
  const fy = Math.min(p.height - 1, Math.max(0, y * s - 0.5));
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  const x1 = Math.min(p.width - 1, x0 + 1);
  const y1 = Math.min(p.height - 1, y0 + 1);
  const ax = fx - x0;
  const ay = fy - y0;
  const d = p.data;
  const i00 = (y0 * p.width + x0) * 3;
  const i01 = (y0 * p.width + x1) * 3;
  const i10 = (y1 * p.width + x0) * 3;
  const i11 = (y1 * p.width + x1) * 3;
  for (let c = 0; c < 3; c++) {
    const top = d[i00 + c]! + (d[i01 + c]! - d[i00 + c]!) * ax;
    const bot = d[i10 + c]! + (d[i11 + c]! - d[i10 + c]!) * ax;
    out[c] = top + (bot - top) * ay;
  }
}

/** Do two rects overlap (by more than touching)? */
export function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** `r` scaled by `k` about its centre. */
export function scaleRect(r: Rect, k: number): Rect {
  return {
    x: r.x + (r.width * (1 - k)) / 2,
    y: r.y + (r.height * (1 - k)) / 2,
    width: r.width * k,
    height: r.height * k,
  };
}

/** Is `inner` entirely inside `outer`? */
export function contains(outer: Rect, inner: Rect): boolean {
  return (
    inner.x >= outer.x &&
    inner.y >= outer.y &&
    inner.x + inner.width <= outer.x + outer.width &&
    inner.y + inner.height <= outer.y + outer.height
  );
}
