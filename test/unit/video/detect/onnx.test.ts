import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createInProcessDetector,
  DetectorEngine,
  iou,
  loadOnnxRuntime,
  prepareDetectorInput,
  readModelFiles,
} from '../../../../main/video/detect';
import { encodeModel } from '../../../../main/video/detect/onnx/proto';
import { decodeWeights, ssdAnchors, tinyFaceGraph } from '../../../../main/video/detect/onnx/graphs';
import { decodeTiny, nonMaxSuppression, ssdGridAnchors } from '../../../../main/video/detect/onnx/decode';
import type { FaceBox, FaceModel, Frame } from '../../../../main/video/types';
import { facePhotos, loadPhoto, recallOnPhotos } from './faces';
import { bundleWorker } from '../../../helpers/bundle';
import { createFaceDetector } from '../../../../main/video/detect';

// The ONNX graphs are face-api's networks rebuilt from the same weights: on the same inputs they must
// give TensorFlow.js's boxes (WASM backend, the reference), not merely "some faces". face-api pads
// every input to a square; the ONNX path does not (the networks are fully convolutional), so the two
// are held to identical boxes on square inputs, and to the same faces on the photos as they are.
const ortError = (() => {
  const r = loadOnnxRuntime();
  return 'error' in r ? r.error : undefined;
})();
if (ortError)
  console.warn(`skipping the ONNX Runtime detector tests: onnxruntime-node does not load here (${ortError})`);

const photos = facePhotos();
let frames: Frame[] = [];

beforeAll(async () => {
  frames = await Promise.all(photos.map(loadPhoto));
}, 60_000);

function expectSameBoxes(got: FaceBox[], want: FaceBox[], what: string): void {
  const g = got.filter((b) => b.score >= 0.3);
  const w = want.filter((b) => b.score >= 0.3);
  expect(g.length, `${what}: ${JSON.stringify(g)} vs ${JSON.stringify(w)}`).toBe(w.length);
  for (const b of w) {
    const best = Math.max(0, ...g.map((o) => iou(o, b)));
    expect(best, `${what}: box ${JSON.stringify(b)} among ${JSON.stringify(g)}`).toBeGreaterThan(0.97);
    const m = g.find((o) => iou(o, b) === best)!;
    expect(Math.abs(m.score - b.score), what).toBeLessThan(0.02);
  }
}

describe.skipIf(ortError !== undefined)(
  'face detection with ONNX Runtime (face-api weights, native kernels)',
  () => {
    const engines: DetectorEngine[] = [];
    afterAll(async () => {
      await Promise.all(engines.map((e) => e.dispose()));
    });

    /** The centred square of `f` (rgb24): where padding to a square changes nothing. */
    const squareCrop = (f: Frame): Frame => {
      const side = Math.min(f.width, f.height);
      const x0 = (f.width - side) >> 1;
      const y0 = (f.height - side) >> 1;
      const data = new Uint8Array(side * side * 3);
      for (let y = 0; y < side; y++)
        data.set(
          f.data.subarray(((y0 + y) * f.width + x0) * 3, ((y0 + y) * f.width + x0 + side) * 3),
          y * side * 3,
        );
      return { format: 'rgb24', width: side, height: side, data };
    };

    for (const [model, size] of [
      ['tiny_face_detector', 416],
      ['ssd_mobilenetv1', 512],
    ] as Array<[FaceModel, number]>) {
      it(`${model}@${size} gives TensorFlow.js's boxes on square crops of every demo photo`, async () => {
        const onnx = await DetectorEngine.create({ model, inputSizePx: size, backend: 'onnx' });
        const wasm = await DetectorEngine.create({ model, inputSizePx: size, backend: 'wasm' });
        engines.push(onnx, wasm);
        expect(onnx.description).toBe(`${model}@${size} (onnx)`);
        let faces = 0;
        for (const [i, p] of photos.entries()) {
          const prep = prepareDetectorInput(squareCrop(frames[i]!), size);
          expect(prep.input.width).toBe(size);
          const a = await onnx.detectInput(prep.input);
          const b = await wasm.detectInput(prep.input);
          expectSameBoxes(a, b, `${model} on ${p.file}`);
          faces += b.filter((x) => x.score >= 0.3).length;
        }
        expect(faces).toBeGreaterThanOrEqual(12);
      }, 120_000);

      it(`${model}@${size} without the square padding finds the faces TensorFlow.js finds with it`, async () => {
        // Same scale, same weights; only the black padding below a landscape photo is gone, so the
        // boxes move by a fraction of a face at most.
        const onnx = await DetectorEngine.create({ model, inputSizePx: size, backend: 'onnx' });
        const wasm = await DetectorEngine.create({ model, inputSizePx: size, backend: 'wasm' });
        engines.push(onnx, wasm);
        let matched = 0;
        for (const [i, p] of photos.entries()) {
          const prep = prepareDetectorInput(frames[i]!, size);
          expect(prep.input.width).not.toBe(prep.input.height);
          const a = await onnx.detectInput(prep.input);
          const b = await wasm.detectInput(prep.input);
          for (const [x, y] of [
            [a, b],
            [b, a],
          ] as const)
            for (const box of x.filter((d) => d.score >= 0.5)) {
              const best = Math.max(0, ...y.filter((d) => d.score >= 0.2).map((d) => iou(d, box)));
              expect(best, `${model} on ${p.file}: ${JSON.stringify(box)}`).toBeGreaterThan(0.8);
              matched++;
            }
        }
        expect(matched).toBeGreaterThanOrEqual(30);
      }, 120_000);
    }

    it('finds every face counted by eye, and maps boxes to the full frame', async () => {
      const d = await createInProcessDetector({ model: 'ssd_mobilenetv1', backend: 'onnx' });
      try {
        expect(d.description).toBe('ssd_mobilenetv1@512 (onnx)');
        const total = await recallOnPhotos(d, photos, frames);
        expect(total.faces).toBe(22);
        expect(total.found).toBe(22);
      } finally {
        await d.dispose();
      }
    }, 60_000);

    it('closes detector threads in the middle of runs, 8 times, and the process lives on', async () => {
      // terminate() of a thread in the middle of an ONNX Runtime run aborted the process on the 6th try
      // here; dispose() now asks the thread to finish its run and end by itself (CloseRequest).
      const workerFile = await bundleWorker('video/detect/detector.worker.ts');
      for (let i = 0; i < 8; i++) {
        const d = await createFaceDetector({ model: 'ssd_mobilenetv1', backend: 'onnx' }, { workerFile });
        expect(d.description).toBe('ssd_mobilenetv1@512 (onnx)');
        const settled = Promise.allSettled([0, 1, 2].map((k) => d.detect(frames[k]!)));
        await new Promise((r) => setTimeout(r, 15));
        await d.dispose();
        for (const r of await settled)
          if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'DISPOSED' });
      }
      expect(process.exitCode ?? 0).toBe(0);
    }, 120_000);

    it('refuses a short buffer and a too-large tiny input with typed errors', async () => {
      const e = await DetectorEngine.create({
        model: 'tiny_face_detector',
        inputSizePx: 128,
        backend: 'onnx',
      });
      engines.push(e);
      await expect(
        e.detectInput({ format: 'rgb24', width: 64, height: 64, data: new Uint8Array(10) }),
      ).rejects.toMatchObject({
        code: 'BAD_FRAME',
      });
      await expect(
        e.detectInput({ format: 'rgb24', width: 256, height: 64, data: new Uint8Array(256 * 64 * 3) }),
      ).rejects.toMatchObject({
        code: 'BAD_FRAME',
        message: expect.stringMatching(/larger than inputSizePx 128/),
      });
    });

    it('builds a graph ONNX Runtime accepts from the manifest, and refuses weights that do not match it', () => {
      const files = readModelFiles('tiny_face_detector');
      const bytes = encodeModel(tinyFaceGraph(decodeWeights(files)));
      // weights ≈ 190 KB of uint8 become float32: about 4× that, plus the graph
      expect(bytes.length).toBeGreaterThan(files.weights.byteLength * 3);
      expect(() => decodeWeights({ ...files, weights: files.weights.slice(0, 1000) })).toThrow(
        /manifest describes/,
      );
    });
  },
);

describe('ONNX detector decoding', () => {
  it('decodes one confident tiny-detector cell to its anchor box in network pixels, and NMS keeps the higher score', () => {
    const rows = 2;
    const cols = 3;
    const out = new Float32Array(rows * cols * 25).fill(-20); // every score ≈ 0
    // cell (row 1, col 2), anchor 0: centre offsets 0 (sigmoid 0.5), size = anchor, score sigmoid(5)
    out.set([0, 0, 0, 0, 5], (1 * cols + 2) * 25);
    const [b, ...rest] = decodeTiny(out, rows, cols, 0.5);
    expect(rest).toEqual([]);
    expect(b!.score).toBeCloseTo(1 / (1 + Math.exp(-5)), 6);
    expect((b!.x0 + b!.x1) / 2).toBeCloseTo(2.5 * 32, 4);
    expect((b!.y0 + b!.y1) / 2).toBeCloseTo(1.5 * 32, 4);
    expect(b!.x1 - b!.x0).toBeCloseTo(1.603231 * 32, 4);
    expect(b!.y1 - b!.y0).toBeCloseTo(2.094468 * 32, 4);
    expect(() => decodeTiny(out, cols, cols, 0.5)).toThrow(/expected 3×3×25/);
    const kept = nonMaxSuppression(
      [
        { x0: 0, y0: 0, x1: 1, y1: 1, score: 0.6 },
        { x0: 0.05, y0: 0, x1: 1, y1: 1, score: 0.9 },
        { x0: 2, y0: 2, x1: 3, y1: 3, score: 0.7 },
      ],
      0.4,
    );
    expect(kept.map((k) => k.score)).toEqual([0.9, 0.7]);
  });

  it("lays SSD's anchors out for any input shape from the model's 512² grid", () => {
    const weights = decodeWeights(readModelFiles('ssd_mobilenetv1'));
    const square = ssdAnchors(weights);
    // at 512×512 the grid is the model's own anchors
    const same = ssdGridAnchors(square, 512, 512);
    expect(same.length).toBe(square.length);
    for (let i = 0; i < square.length; i++) expect(same[i]).toBeCloseTo(square[i]!, 5);
    // 512×288 (16:9): ⌈288/stride⌉ rows per layer: 18, 9, 5, 3, 2, 1
    const wide = ssdGridAnchors(square, 512, 288);
    const cells = 32 * 18 * 3 + (16 * 9 + 8 * 5 + 4 * 3 + 2 * 2 + 1) * 6;
    expect(wide.length).toBe(cells * 4);
    // the first anchor keeps its centre and size in pixels: centre (8, 8), 51.2 px square
    expect(
      [wide[0]! * 288, wide[1]! * 512, wide[2]! * 288, wide[3]! * 512].map((v) => Math.round(v * 10) / 10),
    ).toEqual([8 - 25.6, 8 - 25.6, 8 + 25.6, 8 + 25.6]);
    // the third layer (stride 64) gets a 9-row input at 288, padded one row above: its receptive
    // fields sit 32 px higher than in the square, and so do its anchors
    const third = (32 * 18 * 3 + 16 * 9 * 6) * 4;
    expect(((wide[third]! + wide[third + 2]!) / 2) * 288).toBeCloseTo(0.5 * 64 - 32, 3);
    expect(((wide[third + 1]! + wide[third + 3]!) / 2) * 512).toBeCloseTo(0.5 * 64, 3);
    const broken = square.slice();
    broken[0] = broken[0]! + 0.01;
    expect(() => ssdGridAnchors(broken, 512, 288)).toThrow(/not a regular grid/);
    expect(() => ssdGridAnchors(square.slice(4), 512, 288)).toThrow(/anchors, expected 5118/);
  });
});
