// How `bench video --parts privacy` turns the checker's per-face verdicts into its figures
// (test/bench/video/privacy-score.ts): recall, visible face area, false blur and the targets.
import { describe, expect, it } from 'vitest';
import {
  addFace,
  falseBlur,
  newTally,
  privacyTargets,
  summarize,
  type Tally,
} from '../../../bench/video/privacy-score';

const v = (visibleFraction: number, leaked: boolean) => ({
  visibleFraction,
  leaked,
  texturedFraction: 1,
  cells: 9,
  texturedCells: 9,
  visibleCells: 0,
});

describe('privacy figures', () => {
  it('recall is faces not leaked over faces; visible area is area-weighted', () => {
    const t = newTally();
    addFace(t, v(1, true), { x: 0, y: 0, width: 10, height: 10 });
    addFace(t, v(0, false), { x: 0, y: 0, width: 30, height: 30 });
    expect(summarize(t)).toEqual({ faces: 2, leaked: 1, recall: 0.5, visible_area: 0.1 });
  });

  it('false blur counts blurred pixels outside every face box ×1.3, and regions on no face', () => {
    const face = { x: 10, y: 10, width: 10, height: 10 };
    // exactly the face's cover: nothing false
    expect(falseBlur(100, 100, [{ x: 8.5, y: 8.5, width: 13, height: 13 }], [face], 1.3)).toEqual({
      px: 0,
      regions: 0,
    });
    // a 10×10 region elsewhere: 100 px, one stray region
    expect(falseBlur(100, 100, [{ x: 50, y: 50, width: 10, height: 10 }], [face], 1.3)).toEqual({
      px: 100,
      regions: 1,
    });
  });

  it('the targets: recall ≥ 0.97 from 24 px, ≥ 0.90 at 16–24 px, visible area ≤ 2%', () => {
    const tally = (faces: number, leaked: number, visible = 0): Tally => ({
      faces,
      leaked,
      faceArea: faces * 100,
      visibleArea: visible * faces * 100,
    });
    const byBucket = new Map([
      ['16-24', tally(10, 1)],
      ['24-32', tally(50, 1)],
      ['96-200', tally(50, 0)],
    ]);
    const met = privacyTargets(byBucket, tally(110, 2, 0.01));
    expect(met).toMatchObject({
      recall_faces_24px_and_up: { value: 0.99, met: true },
      recall_faces_16_24px: { value: 0.9, met: true },
      visible_face_area: { value: 0.01, met: true },
      met: true,
    });
    byBucket.set('16-24', tally(10, 2));
    expect(privacyTargets(byBucket, tally(110, 3, 0.03))).toMatchObject({
      recall_faces_16_24px: { met: false },
      visible_face_area: { met: false },
      met: false,
    });
  });
});
