import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enlargeBox, mergeRegions } from '../../../../main/video/anonymize/index';
import {
  createFaceDetector,
  FaceTracker,
  type WorkerFaceDetector,
} from '../../../../main/video/detect/index';
import type { FfmpegSink } from '../../../../main/video/capture/ffmpeg-sink';
import { PrivacyPipeline } from '../../../../main/video/pipeline/pipeline';
import { TEST_PIPELINE_OPTIONS } from './test-options';
import type { Frame } from '../../../../main/video/types';
import { frameKernels } from '../../../../native/index';
import { CAMERA_DETECTOR, faceChecker } from '../../../helpers/rtsp/face-check';
import { decodeRgbFrames, inAny, meanAbsDiff } from '../../../helpers/rtsp/frames';
import { FACE_PHOTOS_DIR } from '../../../helpers/rtsp/rtsp-server';
import { bundleWorker } from '../../../helpers/bundle';

const W = 640;
const H = 426;
const OPTS = TEST_PIPELINE_OPTIONS;

describe('privacy pipeline with the real detector on face photos', () => {
  let detector: WorkerFaceDetector;
  /** The same detector again, shown the same frames in the same order: it keeps state between frames (search/finder.ts), so a second look by the pipeline's own would not see what the pipeline saw. */
  let reference: WorkerFaceDetector;
  let checker: WorkerFaceDetector;
  const photos = [1, 2, 3, 4, 5, 6].map(
    (i) => decodeRgbFrames(join(FACE_PHOTOS_DIR, `sample${i}.jpg`), W, H)[0]!,
  );
  const copy = (f: Frame): Frame => ({ ...f, data: f.data.slice() });

  beforeAll(async () => {
    const workerFile = await bundleWorker('video/detect/detector.worker.ts');
    // The camera default (VideoService): ssd_mobilenetv1 at score ≥ 0.2. The tiny detector lets
    // clear faces through on these group photos (measured: 2–3 of ~25 at 416 px, 1 at 640 px).
    detector = await createFaceDetector(CAMERA_DETECTOR, { workerFile });
    reference = await createFaceDetector(CAMERA_DETECTOR, { workerFile });
    checker = await faceChecker(workerFile);
  }, 120_000);
  afterAll(async () => {
    await detector?.dispose();
    await reference?.dispose();
    await checker?.dispose();
  });

  it('anonymizes every face; the checker finds none afterwards; pixels outside the enlarged boxes are untouched', async () => {
    const p = new PrivacyPipeline(OPTS, {
      detector,
      kernels: frameKernels(),
      nowMs: () => performance.now(),
    });
    let before = 0;
    for (const photo of photos) {
      const truth = await checker.detect(photo);
      before += truth.length;
      const boxes = mergeRegions(
        (await reference.detect(photo)).filter((b) => b.score >= 0.2).map((b) => enlargeBox(b, 1.3)),
      ).map((r) => ({ x: r.x - 2, y: r.y - 2, width: r.width + 4, height: r.height + 4 })); // kernels round box edges outward
      const out = await p.process(copy(photo), 0);
      expect(out?.treatment).toBe('faces');
      expect(await checker.detect(out as unknown as Frame)).toEqual([]);
      expect(meanAbsDiff(photo, out as unknown as Frame, (x, y) => !inAny(boxes, x, y))).toBe(0);
    }
    expect(before).toBeGreaterThanOrEqual(6);
    expect(p.stats.failClosed).toBe(0);
  });

  it('fails closed when detection misses its deadline: the whole frame is blurred, no face survives', async () => {
    const p = new PrivacyPipeline(
      { ...OPTS, deadlineMs: 1 },
      { detector, kernels: frameKernels(), nowMs: () => performance.now() },
    );
    for (const photo of photos.slice(0, 3)) {
      const out = await p.process(copy(photo), 0);
      expect(out?.treatment).toBe('fail-closed');
      expect(await checker.detect(out as unknown as Frame)).toEqual([]);
      // Whole-frame blur changes the picture everywhere, not only around faces.
      expect(meanAbsDiff(photo, out as unknown as Frame)).toBeGreaterThan(5);
    }
    expect(p.stats.failClosed).toBe(3);
    await new Promise((r) => setTimeout(r, 1500)); // let the late detections drain
  });

  it("with whenBehind 'drop' a late frame is dropped and its raw pixels are wiped", async () => {
    const p = new PrivacyPipeline(
      { ...OPTS, deadlineMs: 1, whenBehind: 'drop' },
      { detector, kernels: frameKernels(), nowMs: () => performance.now() },
    );
    const f = copy(photos[0]!);
    expect(await p.process(f, 0)).toBeNull();
    expect(f.data.every((b) => b === 0)).toBe(true);
    expect(p.stats.dropped).toBe(1);
    await new Promise((r) => setTimeout(r, 1500));
  });

  it('with detection every 3rd frame the tracker covers the frames between, and stale tracks fail closed', async () => {
    const p = new PrivacyPipeline(
      { ...OPTS, detectEveryFrames: 3, maxTrackedFrames: 2 },
      { detector, tracker: new FaceTracker(), kernels: frameKernels(), nowMs: () => performance.now() },
    );
    const treatments: string[] = [];
    for (let i = 0; i < 6; i++) {
      const out = await p.process(copy(photos[0]!), i * 100);
      treatments.push(out!.treatment);
      expect(await checker.detect(out as unknown as Frame)).toEqual([]);
    }
    expect(treatments).toEqual(['faces', 'faces', 'faces', 'faces', 'faces', 'faces']);
    expect(p.stats.detections).toBe(2);
    // A detector that keeps missing deadlines leaves only stale tracks: those frames fail closed.
    const q = new PrivacyPipeline(
      { ...OPTS, detectEveryFrames: 3, maxTrackedFrames: 2, deadlineMs: 1 },
      { detector, tracker: new FaceTracker(), kernels: frameKernels(), nowMs: () => performance.now() },
    );
    for (let i = 0; i < 3; i++) expect((await q.process(copy(photos[0]!), 0))!.treatment).toBe('fail-closed');
    await new Promise((r) => setTimeout(r, 1500));
  });

  it('a face the detector misses on one detected frame stays covered by its track', async () => {
    // The real detector on the first detection; the second one (frame 3) misses every face.
    let calls = 0;
    const flaky = {
      description: 'misses on its second run',
      detect: async (f: Frame) => (calls++ === 0 ? detector.detect(f) : []),
      dispose: async () => undefined,
    };
    const p = new PrivacyPipeline(
      { ...OPTS, detectEveryFrames: 3, maxTrackedFrames: 2 },
      {
        detector: flaky,
        tracker: new FaceTracker(),
        kernels: frameKernels(),
        nowMs: () => performance.now(),
      },
    );
    expect((await checker.detect(photos[0]!)).length).toBeGreaterThan(0);
    for (let i = 0; i < 4; i++) {
      const out = await p.process(copy(photos[0]!), i * 100);
      expect(out!.treatment).toBe('faces');
      expect(out!.faces, `frame ${i}`).toBeGreaterThan(0);
      expect(await checker.detect(out as unknown as Frame), `frame ${i}`).toEqual([]);
    }
    expect(calls).toBe(2);
  });

  it('refuses options that would let frames through unexamined', () => {
    expect(
      () =>
        new PrivacyPipeline(
          { ...OPTS, detectEveryFrames: 2 },
          { detector, kernels: frameKernels(), nowMs: () => 0 },
        ),
    ).toThrow(/needs a tracker/);
    expect(
      () =>
        new PrivacyPipeline(
          { ...OPTS, detectEveryFrames: 0 },
          { detector, kernels: frameKernels(), nowMs: () => 0 },
        ),
    ).toThrow(/integer ≥ 1/);
  });

  it('the exits accept only AnonymizedFrame (checked by tsc)', () => {
    const raw: Frame = copy(photos[0]!);
    const sinkWrite = (s: FfmpegSink): void => {
      // @ts-expect-error a raw Frame is not an AnonymizedFrame: the compiler keeps it away from every exit
      s.write(raw);
    };
    expect(typeof sinkWrite).toBe('function');
  });
});
