// Faces that appear between detections: with detection on every 3rd frame, the frames between get
// the tracker's boxes, which only know the faces seen at the last detection. A face that appears
// between two detections through a scene cut (or a PTZ move, or the lights going on) was not covered
// on those frames: the Video page e2e test saw it through the live view on the integration clip
// (hard cuts between photos). The pipeline now looks at a frame at once when it looks like a new
// scene (main/video/pipeline/scene-change.ts); without that check the gap is still there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInProcessDetector, FaceTracker } from '../../../../main/video/detect';
import { PrivacyPipeline } from '../../../../main/video/pipeline/pipeline';
import { DEFAULT_SCENE_CHANGE } from '../../../../main/video/pipeline/scene-change';
import type { FaceDetector, Frame } from '../../../../main/video/types';
import { frameKernels } from '../../../../native';
import { decodeRgbFrames } from '../../../helpers/rtsp/frames';
import { FACE_CHECKER } from '../../../helpers/rtsp/face-check';
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
      inputSizePx: 512,
      minScore: 0.2,
      backend: 'wasm',
    });
    checker = await createInProcessDetector({ ...FACE_CHECKER, backend: 'wasm' });
  }, 60_000);
  afterAll(async () => {
    await detector?.dispose();
    await checker?.dispose();
  });

  const pipeline = (detectEveryFrames: number, sceneChange = true): PrivacyPipeline =>
    new PrivacyPipeline(
      {
        detectEveryFrames,
        sceneChange: sceneChange ? DEFAULT_SCENE_CHANGE : null,
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

  it('looks at the frame right after a cut at once, before the next scheduled detection, and covers its faces', async () => {
    const p = pipeline(3);
    await p.process(copy(a), 0); // scheduled detection on frame 0 (photo A)
    const same = await p.process(copy(a), 100); // frame 1: the same picture, tracker boxes
    expect(same?.treatment).toBe('faces');
    expect(p.stats.detections).toBe(1);
    const out = await p.process(copy(b), 200); // frame 2: photo B, a new scene
    expect(p.stats.sceneChanges).toBe(1);
    expect(p.stats.detections).toBe(2);
    expect(out?.treatment).toBe('faces');
    expect(await checker.detect(out as unknown as Frame)).toEqual([]);
    // the schedule counts from the detection the cut caused: frames 3 and 4 are tracked, 5 detected
    await p.process(copy(b), 300);
    await p.process(copy(b), 400);
    expect(p.stats.detections).toBe(2);
    await p.process(copy(b), 500);
    expect(p.stats.detections).toBe(3);
  });

  it('without the scene-change check, the frame after a cut shows faces the tracker never saw (the gap it closes)', async () => {
    const p = pipeline(3, false);
    await p.process(copy(a), 0);
    const out = await p.process(copy(b), 100);
    expect(out?.treatment).toBe('faces');
    expect(p.stats.detections).toBe(1);
    expect((await checker.detect(out as unknown as Frame)).length).toBeGreaterThan(0);
  });
});
