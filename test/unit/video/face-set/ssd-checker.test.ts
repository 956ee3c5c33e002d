// Why the face set has its own checker: the tests' detector-based privacy check (FACE_CHECKER,
// ssd_mobilenetv1 ≥ 0.5 on a 640 px copy, test/helpers/rtsp/face-check.ts) cannot see the small
// faces of issue #17 even when nothing is blurred, so "no face detectable after anonymizing" said
// nothing about them. Measured: 0 of 221 faces under 24 px wide at 1080p, 2 of 81 at 24–32 px,
// 14 of 77 at 32–48 px; 35 of 46 faces of 96 px and more.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { coverage, createInProcessDetector, iou } from '../../../../main/video/detect';
import type { FaceDetector } from '../../../../main/video/types';
import { FACE_CHECKER } from '../../../helpers/rtsp/face-check';
import { buildFaceSet, type FaceSet } from '../../../helpers/video/face-set';

let set: FaceSet;
let checker: FaceDetector;
/** per bucket: faces, and faces the detector finds on the unanonymized frame */
const seen = new Map<string, { faces: number; found: number }>();

beforeAll(async () => {
  set = await buildFaceSet();
  checker = await createInProcessDetector(FACE_CHECKER);
  for (const s of set.stills) {
    const boxes = await checker.detect(s.frame);
    for (const f of s.faces) {
      const area = f.box.width * f.box.height;
      const found = boxes.some(
        (b) => iou(b, f.box) >= 0.3 || (coverage(f.box, b) >= 0.5 && b.width * b.height <= 6 * area),
      );
      const e = seen.get(f.bucket) ?? { faces: 0, found: 0 };
      e.faces++;
      if (found) e.found++;
      seen.set(f.bucket, e);
    }
  }
}, 300_000);
afterAll(async () => {
  await checker?.dispose();
});

const share = (buckets: readonly string[]): number => {
  const es = buckets.map((b) => seen.get(b)!);
  return es.reduce((a, e) => a + e.found, 0) / es.reduce((a, e) => a + e.faces, 0);
};

it('the ssd@640 checker does not see faces under 24 px even unblurred (so it cannot say they were blurred)', () => {
  expect(share(['12-16', '16-24'])).toBeLessThanOrEqual(0.02);
  expect(share(['24-32'])).toBeLessThan(0.1);
});

it('while it does see most large faces (it is a working detector, at its scale)', () => {
  expect(share(['96-200', '200-400'])).toBeGreaterThan(0.6);
});
