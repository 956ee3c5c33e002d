import type { FaceBox, Frame } from '../types';

/** The tiny detector's cells are 32 network pixels wide (five stride-2 max-pools). */
export const TINY_CELL_PX = 32;

/**
 * How the tiny detector's input is shaped: `square` pads the scaled frame to size×size, as face-api
 * does (its TensorFlow.js path); `fit` pads it only up to the next multiple of 32 on each side. The
 * network is fully convolutional, so both give the same boxes for the same pixels; `fit` skips the
 * padding: a 16:9 frame at 416 runs on 416×256 instead of 416×416 (61% of the work).
 */
export type TinyLayout = 'square' | 'fit';

/**
 * The tiny face detector's input tensor data ([netH, netW, 3] float32, row-major): `input` (rgb24,
 * no side larger than `size`) scaled so its longest side is `size` (bilinear, half-pixel centres;
 * a plain copy when it already is), padded bottom/right with black, then mean-subtracted and
 * divided by 255 as face-api does; `width`×`height` is the scaled input's size inside the padded
 * `netW`×`netH` (size×size for `square`, each side rounded up to a multiple of 32 for `fit`).
 */
export function tinyInputTensorData(
  input: Frame,
  size: number,
  meanRgb: readonly [number, number, number],
  layout: TinyLayout = 'square',
): { data: Float32Array; width: number; height: number; netW: number; netH: number } {
  const { width: w, height: h, data: d } = input;
  const scale = size / Math.max(w, h);
  const tw = Math.max(w, Math.min(size, Math.round(w * scale)));
  const th = Math.max(h, Math.min(size, Math.round(h * scale)));
  const up = (n: number): number => Math.min(size, Math.ceil(n / TINY_CELL_PX) * TINY_CELL_PX);
  const netW = layout === 'square' ? size : up(tw);
  const netH = layout === 'square' ? size : up(th);
  const [mr, mg, mb] = meanRgb;
  const f = new Float32Array(netW * netH * 3);
  const pr = -mr / 255;
  const pg = -mg / 255;
  const pb = -mb / 255;
  for (let i = 0; i < netW * netH * 3; i += 3) {
    f[i] = pr;
    f[i + 1] = pg;
    f[i + 2] = pb;
  }
  if (tw === w && th === h) {
    for (let y = 0; y < h; y++) {
      let o = y * netW * 3;
      let s = y * w * 3;
      for (let x = 0; x < w; x++, o += 3, s += 3) {
        f[o] = (d[s]! - mr) / 255;
        f[o + 1] = (d[s + 1]! - mg) / 255;
        f[o + 2] = (d[s + 2]! - mb) / 255;
      }
    }
    return { data: f, width: w, height: h, netW, netH };
  }
  // Bilinear upscale: per output column, the two source columns and the weight of the right one.
  const kx = w / tw;
  const ky = h / th;
  const x0s = new Int32Array(tw);
  const x1s = new Int32Array(tw);
  const wxs = new Float32Array(tw);
  for (let x = 0; x < tw; x++) {
    const sx = Math.min(w - 1, Math.max(0, (x + 0.5) * kx - 0.5));
    const x0 = Math.floor(sx);
    x0s[x] = x0 * 3;
    x1s[x] = Math.min(w - 1, x0 + 1) * 3;
    wxs[x] = sx - x0;
  }
  for (let y = 0; y < th; y++) {
    const sy = Math.min(h - 1, Math.max(0, (y + 0.5) * ky - 0.5));
    const y0 = Math.floor(sy);
    const wy = sy - y0;
    const r0 = y0 * w * 3;
    const r1 = Math.min(h - 1, y0 + 1) * w * 3;
    let o = y * netW * 3;
    for (let x = 0; x < tw; x++, o += 3) {
      const a = r0 + x0s[x]!;
      const b = r0 + x1s[x]!;
      const c = r1 + x0s[x]!;
      const e = r1 + x1s[x]!;
      const wx = wxs[x]!;
      const w00 = (1 - wx) * (1 - wy);
      const w01 = wx * (1 - wy);
      const w10 = (1 - wx) * wy;
      const w11 = wx * wy;
      f[o] = (d[a]! * w00 + d[b]! * w01 + d[c]! * w10 + d[e]! * w11 - mr) / 255;
      f[o + 1] = (d[a + 1]! * w00 + d[b + 1]! * w01 + d[c + 1]! * w10 + d[e + 1]! * w11 - mg) / 255;
      f[o + 2] = (d[a + 2]! * w00 + d[b + 2]! * w01 + d[c + 2]! * w10 + d[e + 2]! * w11 - mb) / 255;
    }
  }
  return { data: f, width: tw, height: th, netW, netH };
}

/**
 * Maps a tiny-detector box from network pixels (the padded input `tinyInputTensorData` built) to
 * pixels of the `w`×`h` input it scaled to `scaledW`×`scaledH`; clipped to the input.
 */
export function tinyBoxToInput(
  b: { x0: number; y0: number; x1: number; y1: number; score: number },
  input: { w: number; h: number; scaledW: number; scaledH: number },
): FaceBox {
  const sx = input.w / input.scaledW;
  const sy = input.h / input.scaledH;
  const x0 = Math.max(0, b.x0 * sx);
  const y0 = Math.max(0, b.y0 * sy);
  const x1 = Math.min(input.w, b.x1 * sx);
  const y1 = Math.min(input.h, b.y1 * sy);
  return { x: x0, y: y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0), score: b.score };
}
