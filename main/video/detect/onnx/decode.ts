/**
 * Input preparation and output decoding for the ONNX face detectors, as face-api does them
 * (TinyYolov2Base.extractBoxes + ops/nonMaxSuppression; SsdMobilenetv1.locateFaces + its
 * nonMaxSuppression), in plain arrays: no TensorFlow.js in the ONNX path.
 */
import type { FaceBox, Frame } from '../../types';
import { DetectError } from '../errors';
import { TINY_CELL_PX } from '../tiny-input';

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
 * Decodes the tiny detector's output [rows, cols, 5 anchors × (x, y, w, h, score)] (NHWC, row-major)
 * into boxes in network pixels (a cell is {@link TINY_CELL_PX} wide), scores above `minScore`, after
 * NMS. face-api decodes a square grid the same way, in units of the square.
 */
export function decodeTiny(out: Float32Array, rows: number, cols: number, minScore: number): Corners[] {
  const found: Corners[] = [];
  const n = TINY_ANCHORS.length;
  const c = TINY_CELL_PX;
  if (out.length !== rows * cols * n * 5)
    throw new DetectError(
      'BAD_FRAME',
      `tiny detector output has ${out.length} values, expected ${rows}×${cols}×${n * 5}`,
    );
  for (let row = 0; row < rows; row++) {
    for (let col = 0; col < cols; col++) {
      for (let a = 0; a < n; a++) {
        const o = ((row * cols + col) * n + a) * 5;
        const score = sigmoid(out[o + 4]!);
        if (!(score > minScore)) continue;
        const cx = (col + sigmoid(out[o]!)) * c;
        const cy = (row + sigmoid(out[o + 1]!)) * c;
        const w = Math.exp(out[o + 2]!) * TINY_ANCHORS[a]![0] * c;
        const h = Math.exp(out[o + 3]!) * TINY_ANCHORS[a]![1] * c;
        found.push({ x0: cx - w / 2, y0: cy - h / 2, x1: cx + w / 2, y1: cy + h / 2, score });
      }
    }
  }
  return nonMaxSuppression(found, TINY_IOU_THRESHOLD);
}

/**
 * The SSD input: `input` (rgb24) scaled so its longest side is `size` (TF's legacy bilinear, no
 * half-pixel centres, as face-api resizes; a plain copy when it already is) and mapped to −1..1.
 * No padding: face-api pads to a 512² square, but the network is fully convolutional and
 * {@link ssdGridAnchors} lays the anchors out for any shape, so a 16:9 frame at 512 runs on 512×288
 * (56% of the square's work) with its faces at the same scale.
 * @returns NHWC float32 data of `width`×`height`
 */
export function ssdInputTensorData(
  input: Frame,
  size: number,
): { data: Float32Array; width: number; height: number } {
  const { width: w, height: h, data: d } = input;
  const k = Math.max(w, h) / size;
  const tw = Math.max(1, Math.round(w / k));
  const th = Math.max(1, Math.round(h / k));
  const f = new Float32Array(tw * th * 3);
  if (tw === w && th === h) {
    for (let i = 0; i < f.length; i++) f[i] = d[i]! / 127.5 - 1;
    return { data: f, width: tw, height: th };
  }
  const xs0 = new Int32Array(tw);
  const xs1 = new Int32Array(tw);
  const wx = new Float32Array(tw);
  for (let x = 0; x < tw; x++) {
    const sx = Math.min(w - 1, x * k);
    const x0 = Math.floor(sx);
    xs0[x] = x0 * 3;
    xs1[x] = Math.min(w - 1, x0 + 1) * 3;
    wx[x] = sx - x0;
  }
  for (let y = 0; y < th; y++) {
    const sy = Math.min(h - 1, y * k);
    const y0 = Math.floor(sy);
    const r0 = y0 * w * 3;
    const r1 = Math.min(h - 1, y0 + 1) * w * 3;
    const wy = sy - y0;
    let o = y * tw * 3;
    for (let x = 0; x < tw; x++) {
      const a = r0 + xs0[x]!;
      const b = r0 + xs1[x]!;
      const c = r1 + xs0[x]!;
      const e = r1 + xs1[x]!;
      const fx = wx[x]!;
      for (let ch = 0; ch < 3; ch++, o++) {
        const top = d[a + ch]! + (d[b + ch]! - d[a + ch]!) * fx;
        const bottom = d[c + ch]! + (d[e + ch]! - d[c + ch]!) * fx;
        f[o] = (top + (bottom - top) * wy) / 127.5 - 1;
      }
    }
  }
  return { data: f, width: tw, height: th };
}

/** The six SSD feature maps of the 512² square face-api's anchors were made for: cells per side, anchors per cell. */
const SSD_LAYERS: ReadonlyArray<{ cells: number; perCell: number }> = [
  { cells: 32, perCell: 3 },
  { cells: 16, perCell: 6 },
  { cells: 8, perCell: 6 },
  { cells: 4, perCell: 6 },
  { cells: 2, perCell: 6 },
  { cells: 1, perCell: 6 },
];

/** Stride-2 layers (3×3, TF 'same') of the network before each of the six source layers, counted from the previous one. */
const SSD_STRIDE2_BEFORE = [4, 1, 1, 1, 1, 1];

/**
 * Where cell i of each source layer looks, along one side of `n` pixels: its receptive field is
 * centred at i × stride + offset (continuous pixel coordinates). A 3×3 stride-2 'same' layer pads
 * one row above an odd-sized input and none above an even one, so the offsets depend on the side:
 * at 512 every layer's input is even; at 288 the fifth-stride layers get odd ones (9, 5, 3 rows).
 */
function ssdFieldOffsets(n: number): number[] {
  const out: number[] = [];
  let size = n;
  let scale = 1;
  let offset = 0;
  for (const count of SSD_STRIDE2_BEFORE) {
    for (let k = 0; k < count; k++) {
      const top = size % 2;
      offset += scale * (1 - top);
      scale *= 2;
      size = Math.ceil(size / 2);
    }
    out.push(offset + 0.5);
  }
  return out;
}

/**
 * SSD's anchors for a `width`×`height` network input, [ymin, xmin, ymax, xmax] normalized to that
 * input, from the model's own anchors for the 512² square (`square`: weight `Output/extra_dim`).
 * Those form a regular grid (centres at (i + ½)/cells, one size per layer and anchor, checked here).
 * The network's layers keep their strides (16 … 512 px; 'same' padding: ⌈side/stride⌉ cells), and
 * each anchor keeps its size in pixels and its place relative to the receptive field of its cell
 * (which {@link ssdFieldOffsets} follows through the padding), as in training.
 */
export function ssdGridAnchors(square: Float32Array, width: number, height: number): Float32Array {
  const expected = SSD_LAYERS.reduce((n, l) => n + l.cells * l.cells * l.perCell, 0);
  if (square.length !== expected * 4)
    throw new DetectError(
      'MODEL_MISSING',
      `ssd_mobilenetv1 has ${square.length / 4} anchors, expected ${expected}; reinstall @vladmandic/face-api`,
    );
  const out: number[] = [];
  let at = 0;
  const squareOffsets = ssdFieldOffsets(SSD_SIZE);
  const rowOffsets = ssdFieldOffsets(height);
  const colOffsets = ssdFieldOffsets(width);
  for (const [layer, { cells, perCell }] of SSD_LAYERS.entries()) {
    const stride = SSD_SIZE / cells;
    // the sizes of this layer's anchors (in 512² pixels), checked to be the same in every cell
    const sizes: Array<[number, number]> = [];
    for (let a = 0; a < perCell; a++) {
      const i = (at + a) * 4;
      sizes.push([(square[i + 2]! - square[i]!) * SSD_SIZE, (square[i + 3]! - square[i + 1]!) * SSD_SIZE]);
    }
    for (let r = 0; r < cells; r++)
      for (let c = 0; c < cells; c++)
        for (let a = 0; a < perCell; a++) {
          const i = (at + (r * cells + c) * perCell + a) * 4;
          const cy = (square[i]! + square[i + 2]!) / 2;
          const cx = (square[i + 1]! + square[i + 3]!) / 2;
          const [ah, aw] = sizes[a]!;
          if (
            Math.abs(cy - (r + 0.5) / cells) > 1e-4 ||
            Math.abs(cx - (c + 0.5) / cells) > 1e-4 ||
            Math.abs((square[i + 2]! - square[i]!) * SSD_SIZE - ah) > 1e-2 ||
            Math.abs((square[i + 3]! - square[i + 1]!) * SSD_SIZE - aw) > 1e-2
          )
            throw new DetectError(
              'MODEL_MISSING',
              'ssd_mobilenetv1 anchors are not a regular grid, so the model runs only at 512×512; reinstall @vladmandic/face-api',
            );
        }
    at += cells * cells * perCell;
    const rows = Math.ceil(height / stride);
    const cols = Math.ceil(width / stride);
    const dy = rowOffsets[layer]! - squareOffsets[layer]!;
    const dx = colOffsets[layer]! - squareOffsets[layer]!;
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < cols; c++)
        for (const [ah, aw] of sizes) {
          const cy = (r + 0.5) * stride + dy;
          const cx = (c + 0.5) * stride + dx;
          out.push(
            (cy - ah / 2) / height,
            (cx - aw / 2) / width,
            (cy + ah / 2) / height,
            (cx + aw / 2) / width,
          );
        }
  }
  return Float32Array.from(out);
}

/**
 * Decodes SSD outputs (box encodings [anchors, 4], class logits [anchors, 3]) against the anchors
 * (normalized to the network input) into boxes in pixels of the original input, `width`×`height`.
 */
export function decodeSsd(
  encodings: Float32Array,
  classes: Float32Array,
  anchors: Float32Array,
  minScore: number,
  input: { width: number; height: number },
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
  // normalized network units → input pixels (the network input is the whole input, scaled)
  return keep.map((b) => {
    const x0 = Math.max(0, b.x0) * input.width;
    const y0 = Math.max(0, b.y0) * input.height;
    const x1 = Math.min(1, b.x1) * input.width;
    const y1 = Math.min(1, b.y1) * input.height;
    return { x: x0, y: y0, width: x1 - x0, height: y1 - y0, score: b.score };
  });
}
