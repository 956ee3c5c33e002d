// The tiny face detector on frames smaller than its input size: the frame is upscaled so its longest
// side is inputSizePx (as face-api does) and the boxes come back on the faces. Before the fix, boxes
// were decoded relative to a square of the frame's longest side instead of the padded input square,
// so every box of a 640×360 frame at 800 px landed off its face (video-B measured 16 faces left clear).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createInProcessDetector,
  iou,
  scoreDetections,
  sumRecall,
  tinyInputTensorData,
  type RecallResult,
} from '../../../../main/video/detect';
import type { FaceDetector, Frame, Rect } from '../../../../main/video/types';
import { decodeRgbFrames } from '../../../helpers/rtsp/frames';
import { facePhotos } from './faces';

const MEAN: [number, number, number] = [117.001, 114.697, 97.404];
const W = 640;
const H = 360;

/** Ground truth of a photo letterboxed into W×H as ffmpeg's scale+pad does it. */
function letterboxTruth(faces: readonly Rect[], pw: number, ph: number): Rect[] {
  const s = Math.min(W / pw, H / ph);
  const ox = (W - Math.round(pw * s)) / 2;
  const oy = (H - Math.round(ph * s)) / 2;
  return faces.map((f) => ({ x: ox + f.x * s, y: oy + f.y * s, width: f.width * s, height: f.height * s }));
}

describe('tinyInputTensorData (the tiny detector input: scaled to inputSizePx, padded, normalized)', () => {
  it('copies a frame whose longest side is already the input size, and pads the rest with black', () => {
    const f: Frame = {
      format: 'rgb24',
      width: 4,
      height: 2,
      data: Uint8Array.from({ length: 24 }, (_, i) => i * 10),
    };
    const t = tinyInputTensorData(f, 4, MEAN);
    expect(t).toMatchObject({ width: 4, height: 2 });
    expect(t.data.length).toBe(4 * 4 * 3);
    for (let i = 0; i < 24; i++) expect(t.data[i]).toBeCloseTo((i * 10 - MEAN[i % 3]!) / 255, 6);
    for (let i = 24; i < 48; i++) expect(t.data[i]).toBeCloseTo(-MEAN[i % 3]! / 255, 6);
  });

  it("with layout 'fit' pads only up to the next multiple of 32 on each side", () => {
    const f: Frame = {
      format: 'rgb24',
      width: 64,
      height: 20,
      data: Uint8Array.from({ length: 64 * 20 * 3 }, (_, i) => i % 251),
    };
    const t = tinyInputTensorData(f, 64, MEAN, 'fit');
    expect(t).toMatchObject({ width: 64, height: 20, netW: 64, netH: 32 });
    expect(t.data.length).toBe(64 * 32 * 3);
    // the same rows as the square layout, then black (mean-subtracted) padding
    const sq = tinyInputTensorData(f, 64, MEAN);
    expect(sq).toMatchObject({ netW: 64, netH: 64 });
    expect(Array.from(t.data.subarray(0, 64 * 20 * 3))).toEqual(Array.from(sq.data.subarray(0, 64 * 20 * 3)));
    for (let i = 64 * 20 * 3; i < t.data.length; i++) expect(t.data[i]).toBeCloseTo(-MEAN[i % 3]! / 255, 6);
  });

  it('upscales a smaller frame bilinearly so its longest side fills the input', () => {
    // left half black, right half white, 4×2 → 8×4 inside an 8×8 square
    const f: Frame = { format: 'rgb24', width: 4, height: 2, data: new Uint8Array(24) };
    for (let y = 0; y < 2; y++)
      for (let x = 2; x < 4; x++) f.data.fill(255, (y * 4 + x) * 3, (y * 4 + x) * 3 + 3);
    const t = tinyInputTensorData(f, 8, MEAN);
    expect(t).toMatchObject({ width: 8, height: 4 });
    const px = (x: number, y: number): number => t.data[(y * 8 + x) * 3]! * 255 + MEAN[0];
    for (let y = 0; y < 4; y++) {
      expect(px(0, y)).toBeCloseTo(0, 3);
      expect(px(1, y)).toBeCloseTo(0, 3);
      expect(px(3, y)).toBeCloseTo(255 * 0.25, 3); // between source columns 1 and 2
      expect(px(4, y)).toBeCloseTo(255 * 0.75, 3);
      expect(px(7, y)).toBeCloseTo(255, 3);
    }
    for (let y = 4; y < 8; y++) for (let x = 0; x < 8; x++) expect(px(x, y)).toBeCloseTo(0, 3);
  });
});

describe('tiny face detector with inputSizePx larger than the frame', () => {
  const photos = facePhotos();
  let frames: Frame[] = [];
  let truths: Rect[][] = [];
  let big: FaceDetector;
  let fit: FaceDetector;

  beforeAll(async () => {
    frames = photos.map((p) => decodeRgbFrames(p.path, W, H)[0]!);
    truths = photos.map((p) => letterboxTruth(p.faces, p.width, p.height));
    big = await createInProcessDetector({
      model: 'tiny_face_detector',
      inputSizePx: 800,
      minScore: 0.2,
      backend: 'wasm',
    });
    fit = await createInProcessDetector({
      model: 'tiny_face_detector',
      inputSizePx: 640,
      minScore: 0.2,
      backend: 'wasm',
    });
  }, 60_000);
  afterAll(async () => {
    await big?.dispose();
    await fit?.dispose();
  });

  it('puts its boxes on the faces of 640×360 frames at 800 px (found 21 of 22 when measured; 0 before the fix)', async () => {
    const rs: RecallResult[] = [];
    for (const [i, f] of frames.entries()) {
      const boxes = await big.detect(f);
      for (const b of boxes) {
        expect(b.x).toBeGreaterThanOrEqual(0);
        expect(b.y).toBeGreaterThanOrEqual(0);
        expect(b.x + b.width).toBeLessThanOrEqual(W);
        expect(b.y + b.height).toBeLessThanOrEqual(H);
        // a confident box sits on a face counted by eye
        if (b.score >= 0.5) expect(Math.max(...truths[i]!.map((t) => iou(t, b)))).toBeGreaterThan(0.3);
      }
      rs.push(scoreDetections(truths[i]!, boxes));
    }
    const total = sumRecall(rs);
    expect(total.faces).toBe(22);
    expect(total.found).toBeGreaterThanOrEqual(20);
  });

  it('at exactly the frame width the boxes match those of the same model upscaled (no scale drift)', async () => {
    // 640 px input on a 640-wide frame is a plain copy; 800 px is a 1.25× upscale. The same faces
    // must come out at the same places (within a fraction of a face), whatever the input size.
    let pairs = 0;
    for (const f of frames) {
      const a = await fit.detect(f);
      const b = await big.detect(f);
      for (const x of a.filter((d) => d.score >= 0.6)) {
        const best = Math.max(0, ...b.map((y) => iou(x, y)));
        if (best > 0) pairs++;
        expect(best).toBeGreaterThan(0.5);
      }
    }
    expect(pairs).toBeGreaterThanOrEqual(10);
  });
});
