import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createFaceDetector,
  createInProcessDetector,
  prepareDetectorInput,
  scoreDetections,
} from '../../../../main/video/detect';
import type { FaceDetector, Frame } from '../../../../main/video/types';
import { facePhotos, loadPhoto, recallOnPhotos, type FacePhoto } from './faces';
import { bundleWorker } from '../../../helpers/bundle';

const photos = facePhotos();
let frames: Frame[] = [];
let detector: FaceDetector;

beforeAll(async () => {
  frames = await Promise.all(photos.map(loadPhoto));
  // The TensorFlow.js WASM path, pinned: 'auto' takes ONNX Runtime where it loads (onnx.test.ts), and
  // WASM is what runs where it does not.
  detector = await createInProcessDetector({ backend: 'wasm' });
}, 60_000);
afterAll(() => detector?.dispose());

describe('face detection on the demo photos (tiny face detector @416, WASM)', () => {
  it('finds and covers every face counted by eye', async () => {
    const total = await recallOnPhotos(detector, photos, frames);
    expect(total.faces).toBe(22);
    expect(total.found).toBe(22);
    // one face of sample2 is 89.9% inside its 1.3× box (the tiny detector's boxes sit a little off-centre)
    expect(total.covered).toBeGreaterThanOrEqual(21);
    expect(total.falsePositives).toBeLessThanOrEqual(2);
  });

  it('detects on a yuv420p frame as on its rgb24 twin (boxes in full-frame pixels)', async () => {
    const { frameKernels } = await import('../../../../native');
    const p = photos[0] as FacePhoto;
    const yuv = frameKernels().toYuv420p(frames[0]!);
    const boxes = await detector.detect(yuv);
    expect(
      scoreDetections(
        p.faces,
        boxes.filter((b) => b.score >= 0.2),
      ).found,
    ).toBe(p.faces.length);
  });

  it('downscales to the detection size and maps back', () => {
    const prep = prepareDetectorInput(frames[0]!, 416);
    expect(Math.max(prep.input.width, prep.input.height)).toBe(416);
    expect(prep.input.width * prep.scaleX).toBeCloseTo(1920, 6);
  });

  it('refuses a frame whose buffer is short, with a message that says so', async () => {
    await expect(
      detector.detect({ format: 'rgb24', width: 64, height: 64, data: new Uint8Array(10) }),
    ).rejects.toThrow(/needs 12288 bytes, got 10/);
  });
});

describe('the worker-thread detector', () => {
  it('gives the same boxes as the in-process one, and reports a disposed detector', async () => {
    const workerFile = await bundleWorker('video/detect/detector.worker.ts');
    const w = await createFaceDetector({ backend: 'wasm' }, { workerFile });
    try {
      expect(w.description).toBe('tiny_face_detector@416 (wasm)');
      const [a, b] = await Promise.all([w.detect(frames[3]!), w.detect(frames[4]!)]);
      expect(a).toEqual(await detector.detect(frames[3]!));
      expect(b).toEqual(await detector.detect(frames[4]!));
    } finally {
      await w.dispose();
    }
    await expect(w.detect(frames[0]!)).rejects.toMatchObject({ code: 'DISPOSED' });
  });
});
