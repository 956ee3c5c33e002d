/**
 * Input preparation and output decoding for the ONNX face detectors, as face-api does them
 * (TinyYolov2Base.extractBoxes + ops/nonMaxSuppression; SsdMobilenetv1.locateFaces + its
 * nonMaxSuppression), in plain arrays: no TensorFlow.js in the ONNX path.
 */
import type { FaceBox, Frame } from '../../types';

/** face-api's tiny face detector anchors (src/tinyFaceDetector/const.ts), in cells. */
export const TINY_ANCHORS: ReadonlyArray<readonly [number, number]> = [
  [1.603231, 2.094468],
  [6.041143, 7.080126],
  [2.882459, 3.518061],
  [4.266906, 5.178857],
  [9.041765, 10.66308],
];
export const TINY_MEAN_RGB: readonly [number, number, number] = [117.001, 114.697, 97.404];
export const TINY_IOU_THRESHOLD = 0.4;
export const SSD_SIZE = 512;
export const SSD_IOU_THRESHOLD = 0.5;
export const SSD_MAX_RESULTS = 100;

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

interface Corners {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  score: number;
}

function iou(a: Corners, b: Corners): number {
  const w = Math.max(0, Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0));
  const h = Math.max(0, Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0));
  const inter = w * h;
  const areaA = (a.x1 - a.x0) * (a.y1 - a.y0);
  const areaB = (b.x1 - b.x0) * (b.y1 - b.y0);
  if (areaA <= 0 || areaB <= 0) return 0;
  return inter / (areaA + areaB - inter);
}

/** Greedy non-max suppression: highest score first, drops boxes overlapping a kept one by more than `threshold`. */
export function nonMaxSuppression<T extends Corners>(
  boxes: readonly T[],
  threshold: number,
  max = Infinity,
): T[] {
  const keep: T[] = [];
  for (const b of [...boxes].sort((p, q) => q.score - p.score)) {
    if (keep.length >= max) break;
    if (keep.every((k) => iou(k, b) <= threshold)) keep.push(b);
  }
  return keep;
}

/**
 * Decodes the tiny detector's output [cells, cells, 5 anchors × (x, y, w, h, score)] (NHWC, row-major)
 * into boxes in units of the padded input square (0..1), scores above `minScore`, after NMS.
 */
export function decodeTiny(out: Float32Array, cells: number, minScore: number): Corners[] {
  const found: Corners[] = [];
  const n = TINY_ANCHORS.length;
  for (let row = 0; row < cells; row++) {
    for (let col = 0; col < cells; col++) {
      for (let a = 0; a < n; a++) {
        const o = ((row * cells + col) * n + a) * 5;
        const score = sigmoid(out[o + 4]!);
        if (!(score > minScore)) continue;
        const cx = (col + sigmoid(out[o]!)) / cells;
        const cy = (row + sigmoid(out[o + 1]!)) / cells;
        const w = (Math.exp(out[o + 2]!) * TINY_ANCHORS[a]![0]) / cells;
        const h = (Math.exp(out[o + 3]!) * TINY_ANCHORS[a]![1]) / cells;
        found.push({ x0: cx - w / 2, y0: cy - h / 2, x1: cx + w / 2, y1: cy + h / 2, score });
      }
    }
  }
  return nonMaxSuppression(found, TINY_IOU_THRESHOLD);
}

/**
 * The SSD input as face-api builds it: `input` (rgb24) padded bottom/right to a square with black,
 * resized to 512² with TF's legacy bilinear (no half-pixel centres), and mapped to −1..1.
 * @returns NHWC float32 data and the input's scaled size inside the square
 */
export function ssdInputTensorData(input: Frame): { data: Float32Array; width: number; height: number } {
  const { width: w, height: h, data: d } = input;
  const side = Math.max(w, h);
  const size = SSD_SIZE;
  const k = side / size;
  // the padded square, black outside the input (a copy keeps the loop below free of bounds checks)
  const sq = new Uint8Array(side * side * 3);
  for (let y = 0; y < h; y++) sq.set(d.subarray(y * w * 3, (y + 1) * w * 3), y * side * 3);
  const f = new Float32Array(size * size * 3);
  const xs0 = new Int32Array(size);
  const xs1 = new Int32Array(size);
  const wx = new Float32Array(size);
  for (let x = 0; x < size; x++) {
    const sx = x * k;
    const x0 = Math.floor(sx);
    xs0[x] = x0 * 3;
    xs1[x] = Math.min(side - 1, x0 + 1) * 3;
    wx[x] = sx - x0;
  }
  for (let y = 0; y < size; y++) {
    const sy = y * k;
    const y0 = Math.floor(sy);
    const r0 = y0 * side * 3;
    const r1 = Math.min(side - 1, y0 + 1) * side * 3;
    const wy = sy - y0;
    let o = y * size * 3;
    for (let x = 0; x < size; x++) {
      const a = r0 + xs0[x]!;
      const b = r0 + xs1[x]!;
      const c = r1 + xs0[x]!;
      const e = r1 + xs1[x]!;
      const fx = wx[x]!;
      for (let ch = 0; ch < 3; ch++, o++) {
        const top = sq[a + ch]! + (sq[b + ch]! - sq[a + ch]!) * fx;
        const bottom = sq[c + ch]! + (sq[e + ch]! - sq[c + ch]!) * fx;
        f[o] = (top + (bottom - top) * wy) / 127.5 - 1;
      }
    }
  }
  return { data: f, width: Math.round(w / k), height: Math.round(h / k) };
}

/**
 * Decodes SSD outputs (box encodings [anchors, 4], class logits [anchors, 3]) against the anchors
 * into boxes in pixels of the original input (`width`×`height`, scaled to `scaledW`×`scaledH` in the square).
 */
export function decodeSsd(
  encodings: Float32Array,
  classes: Float32Array,
  anchors: Float32Array,
  minScore: number,
  input: { width: number; height: number; scaledW: number; scaledH: number },
): FaceBox[] {
  const n = anchors.length / 4;
  const found: Array<Corners & { i: number }> = [];
  for (let i = 0; i < n; i++) {
    const score = sigmoid(classes[i * 3 + 1]!);
    if (!(score > minScore)) continue;
    const a = i * 4;
    const ah = anchors[a + 2]! - anchors[a]!;
    const aw = anchors[a + 3]! - anchors[a + 1]!;
    const acy = anchors[a]! + ah / 2;
    const acx = anchors[a + 1]! + aw / 2;
    const cy = (encodings[a]! / 10) * ah + acy;
    const cx = (encodings[a + 1]! / 10) * aw + acx;
    const hh = (Math.exp(encodings[a + 2]! / 5) * ah) / 2;
    const hw = (Math.exp(encodings[a + 3]! / 5) * aw) / 2;
    found.push({ x0: cx - hw, y0: cy - hh, x1: cx + hw, y1: cy + hh, score, i });
  }
  const keep = nonMaxSuppression(found, SSD_IOU_THRESHOLD, SSD_MAX_RESULTS);
  // square units → the input's share of the square → input pixels (face-api's padX/padY)
  const sx = (SSD_SIZE / input.scaledW) * input.width;
  const sy = (SSD_SIZE / input.scaledH) * input.height;
  return keep.map((b) => {
    const x0 = Math.max(0, b.x0) * sx;
    const y0 = Math.max(0, b.y0) * sy;
    const x1 = Math.min(1, b.x1) * sx;
    const y1 = Math.min(1, b.y1) * sy;
    return { x: x0, y: y0, width: x1 - x0, height: y1 - y0, score: b.score };
  });
}
