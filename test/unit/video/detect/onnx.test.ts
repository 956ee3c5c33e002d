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
import { decodeWeights, tinyFaceGraph } from '../../../../main/video/detect/onnx/graphs';
import { decodeTiny, nonMaxSuppression } from '../../../../main/video/detect/onnx/decode';
import type { FaceBox, FaceModel, Frame } from '../../../../main/video/types';
import { facePhotos, loadPhoto, recallOnPhotos } from './faces';
import { bundleWorker } from '../../../helpers/bundle';
import { createFaceDetector } from '../../../../main/video/detect';

// The ONNX graphs are face-api's networks rebuilt from the same weights: on the same inputs they must
// give TensorFlow.js's boxes (WASM backend, the reference), not merely "some faces".
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

    for (const [model, size] of [
      ['tiny_face_detector', 416],
      ['ssd_mobilenetv1', 416],
    ] as Array<[FaceModel, number]>) {
      it(`${model}@${size} gives TensorFlow.js's boxes on every demo photo`, async () => {
        const onnx = await DetectorEngine.create({ model, inputSizePx: size, backend: 'onnx' });
        const wasm = await DetectorEngine.create({ model, inputSizePx: size, backend: 'wasm' });
        engines.push(onnx, wasm);
        expect(onnx.description).toBe(`${model}@${size} (onnx)`);
        let faces = 0;
        for (const [i, p] of photos.entries()) {
          const prep = prepareDetectorInput(frames[i]!, size);
          const a = await onnx.detectInput(prep.input);
          const b = await wasm.detectInput(prep.input);
          expectSameBoxes(a, b, `${model} on ${p.file}`);
          faces += b.filter((x) => x.score >= 0.3).length;
        }
        expect(faces).toBeGreaterThanOrEqual(20);
      }, 120_000);
    }

    it('finds every face counted by eye, and maps boxes to the full frame', async () => {
      const d = await createInProcessDetector({ model: 'ssd_mobilenetv1', backend: 'onnx' });
      try {
        expect(d.description).toBe('ssd_mobilenetv1@416 (onnx)');
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
        expect(d.description).toBe('ssd_mobilenetv1@416 (onnx)');
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
  it('decodes one confident tiny-detector cell to its anchor box, and NMS keeps the higher score', () => {
    const cells = 2;
    const out = new Float32Array(cells * cells * 25).fill(-20); // every score ≈ 0
    // cell (row 1, col 0), anchor 0: centre offsets 0 (sigmoid 0.5), size = anchor, score sigmoid(5)
    out.set([0, 0, 0, 0, 5], (1 * cells + 0) * 25);
    const [b, ...rest] = decodeTiny(out, cells, 0.5);
    expect(rest).toEqual([]);
    expect(b!.score).toBeCloseTo(1 / (1 + Math.exp(-5)), 6);
    expect((b!.x0 + b!.x1) / 2).toBeCloseTo(0.25, 6);
    expect((b!.y0 + b!.y1) / 2).toBeCloseTo(0.75, 6);
    expect(b!.x1 - b!.x0).toBeCloseTo(1.603231 / cells, 6);
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
});
