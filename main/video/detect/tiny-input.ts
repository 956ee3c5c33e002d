import { frameKernels, type FrameKernels } from '../../../native';
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
 * `data` is a view of `scratch` when that is large enough (a caller that runs one network at a time
 * keeps one, and the 11 MB of a 960 px input are not allocated and zeroed again for every window).
 */
export function tinyInputTensorData(
  input: Frame,
  size: number,
  meanRgb: readonly [number, number, number],
  layout: TinyLayout = 'square',
  kernels: FrameKernels = frameKernels(),
  scratch?: Float32Array,
): { data: Float32Array; width: number; height: number; netW: number; netH: number } {
  const { width: w, height: h } = input;
  const scale = size / Math.max(w, h);
  const tw = Math.max(w, Math.min(size, Math.round(w * scale)));
  const th = Math.max(h, Math.min(size, Math.round(h * scale)));
  const up = (n: number): number => Math.min(size, Math.ceil(n / TINY_CELL_PX) * TINY_CELL_PX);
  const netW = layout === 'square' ? size : up(tw);
  const netH = layout === 'square' ? size : up(th);
  const data = kernels.tinyInput(input, { tw, th, netW, netH }, meanRgb, scratch);
  return { data, width: tw, height: th, netW, netH };
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
