// A known privacy gap, made deterministic: with detection on every 3rd frame (the node's default),
// the frames between detections get the tracker's boxes, which only know the faces seen at the last
// detection. A face that appears between two detections (a scene cut, someone stepping in front of
// the camera, a PTZ move) is not covered on those frames. The Video page e2e test saw it through the
// live view on the integration clip (hard cuts between photos).
//
// `it.fails` passes while the gap exists; when the pipeline closes it (e.g. a cheap scene-change
// check that runs the detector, or fails closed, when a frame differs from the last detected one),
// vitest reports this test as failing: then drop `.fails`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInProcessDetector, FaceTracker } from '../../../../main/video/detect';
import { PrivacyPipeline } from '../../../../main/video/pipeline/pipeline';
import type { FaceDetector, Frame } from '../../../../main/video/types';
import { frameKernels } from '../../../../native';
import { decodeRgbFrames } from '../../../helpers/rtsp/frames';
import { facePhotos } from './faces';

describe('faces that appear between detections (detect every 3rd frame + tracker)', () => {
  const photos = facePhotos();
  let a: Frame;
  let b: Frame;
  let detector: FaceDetector;
  let checker: FaceDetector;

  beforeAll(async () => {
    a = decodeRgbFrames(photos[0]!.path, 640, 360)[0]!;
    b = decodeRgbFrames(photos[4]!.path, 640, 360)[0]!;
    // the camera default (VideoService) and the tests' privacy checker
    detector = await createInProcessDetector({
      model: 'ssd_mobilenetv1',
      inputSizePx: 416,
      minScore: 0.2,
      backend: 'wasm',
    });
    checker = await createInProcessDetector({
      model: 'ssd_mobilenetv1',
      inputSizePx: 640,
      minScore: 0.5,
      backend: 'wasm',
    });
  }, 60_000);
  afterAll(async () => {
    await detector?.dispose();
    await checker?.dispose();
  });

  const pipeline = (detectEveryFrames: number): PrivacyPipeline =>
    new PrivacyPipeline(
      {
        detectEveryFrames,
        deadlineMs: 20_000,
        whenBehind: 'blur',
        maxTrackedFrames: 6,
        anonymize: { replaceWith: 'blur', maskScale: 1.3, threshold: 0.2 },
        masks: [],
      },
      { detector, tracker: new FaceTracker(), kernels: frameKernels(), nowMs: () => performance.now() },
    );
  const copy = (f: Frame): Frame => ({ ...f, data: f.data.slice() });

  it('the checker sees the new faces before anonymizing, and detecting every frame covers them', async () => {
    expect((await checker.detect(b)).length).toBeGreaterThanOrEqual(3);
    const p = pipeline(1);
    await p.process(copy(a), 0);
    const out = await p.process(copy(b), 100);
    expect(await checker.detect(out as unknown as Frame)).toEqual([]);
  });

  it.fails(
    'covers faces on the frame right after a cut, before the next detection (known gap: see the file comment)',
    async () => {
      const p = pipeline(3);
      await p.process(copy(a), 0); // detection on frame 0 (photo A)
      const out = await p.process(copy(b), 100); // frame 1: photo B, tracker boxes of photo A
      expect(out?.treatment).toBe('faces');
      expect(await checker.detect(out as unknown as Frame)).toEqual([]);
    },
  );
});
