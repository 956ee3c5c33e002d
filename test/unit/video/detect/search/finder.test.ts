import { beforeAll, describe, expect, it } from 'vitest';
import { createInProcessDetector, protectedFacePx } from '../../../../../main/video/detect';
import { parseDetectorOptions } from '../../../../../main/video/detect/engine';
import type { FaceBox, Frame, Rect } from '../../../../../main/video/types';
import { FACE_SET_SEED, buildStill } from '../../../../helpers/video/face-set';
import { background, found, paste, sourceFaces, type SourceFace } from './pasted-faces';

const W = 1920;
const H = 1080;
const SIZES = [16, 20, 24, 32, 48, 64];
const CAMERA = { model: 'ssd_mobilenetv1', inputSizePx: 512, minScore: 0.2 } as const;

interface Placed {
  size: number;
  box: Rect;
}

/** A 1080p frame holding 4 faces of each size on a grid (8 columns × 3 rows of 240×360 cells), one of them shifted by `shift` px. */
function scene(faces: readonly SourceFace[], shift = 0, moved = 0): { frame: Frame; placed: Placed[] } {
  const frame = background(faces[2]!.photo, W, H);
  const placed: Placed[] = [];
  let i = 0;
  for (const size of SIZES)
    for (let k = 0; k < 4; k++, i++) {
      const col = i % 8;
      const row = Math.floor(i / 8);
      const dx = i < moved ? shift : 0;
      placed.push({
        size,
        box: paste(frame, faces[(i * 5) % faces.length]!, size, col * 240 + 80 + dx, row * 360 + 120),
      });
    }
  return { frame, placed };
}

function recall(boxes: readonly FaceBox[], placed: readonly Placed[], sizes: (s: number) => boolean): number {
  const want = placed.filter((p) => sizes(p.size));
  return want.filter((p) => found(boxes, p.box)).length / want.length;
}

describe('small faces at full resolution (FaceFinder, real models)', () => {
  let faces: SourceFace[];
  beforeAll(async () => {
    faces = await sourceFaces();
  }, 60_000);

  it('the whole-frame pass alone misses the small faces of a 1080p frame; the sweep finds them', async () => {
    const { frame, placed } = scene(faces);
    const off = await createInProcessDetector({ ...CAMERA, smallFaces: 'off' });
    const sweep = await createInProcessDetector({ ...CAMERA, smallFaces: 'sweep' });
    try {
      const before = await off.detect(frame);
      expect(recall(before, placed, (s) => s <= 32)).toBeLessThan(0.3);
      const after = await sweep.detect(frame);
      expect(recall(after, placed, (s) => s >= 24)).toBe(1);
      expect(recall(after, placed, (s) => s < 24)).toBeGreaterThanOrEqual(0.85);
      expect(sweep.finder.lastReport).toMatchObject({ exhaustive: true, unexamined: 0 });
      // boxes stay in the frame and no box is far from a face
      for (const b of after) {
        expect(b.x).toBeGreaterThanOrEqual(0);
        expect(b.x + b.width).toBeLessThanOrEqual(W);
      }
    } finally {
      await off.dispose();
      await sweep.dispose();
    }
  }, 120_000);

  it("'motion' looks at every window of the first frame, then only where faces moved or were, and finds a small face that walked", async () => {
    const det = await createInProcessDetector({ ...CAMERA, smallFaces: 'motion' });
    try {
      const first = scene(faces);
      const all = await det.detect(first.frame);
      expect(det.finder.lastReport.exhaustive).toBe(true);
      const sweepCost = det.finder.lastReport.netPx;
      expect(recall(all, first.placed, (s) => s >= 24)).toBe(1);
      // the first face (16 px) walks 40 px to the right
      const next = scene(faces, 40, 1);
      const boxes = await det.detect(next.frame);
      expect(det.finder.lastReport.exhaustive).toBe(false);
      expect(det.finder.lastReport.netPx).toBeLessThan(sweepCost / 2);
      expect(found(boxes, next.placed[0]!.box)).toBe(true);
      // the faces that stood still are looked at again where they were
      expect(recall(boxes, next.placed, (s) => s >= 24)).toBe(1);
    } finally {
      await det.dispose();
    }
  }, 120_000);

  it('when more moved than one detection may look at, the windows left over come back whole, to be blurred', async () => {
    const det = await createInProcessDetector({ ...CAMERA, smallFaces: 'motion' });
    try {
      await det.detect(scene(faces).frame);
      const next = scene(faces, 30, 24);
      const boxes = await det.detect(next.frame);
      const report = det.finder.lastReport;
      expect(report.exhaustive).toBe(false);
      expect(report.unexamined).toBeGreaterThan(0);
      const whole = boxes.filter((b) => b.score === 1 && b.width >= 64);
      expect(whole.length).toBeGreaterThanOrEqual(report.unexamined);
      for (const p of next.placed) expect(found(boxes, p.box), `face of ${p.size} px`).toBe(true);
    } finally {
      await det.dispose();
    }
  }, 120_000);

  it('a large motion-blurred face the whole-frame ssd misses is found by the tiny look at the whole frame, without growing the boxes ssd gives', async () => {
    // the face set's motion-blur/1 still: a face of 363 px that ssd@512 scores 0.15
    const blurred = await buildStill('motion-blur', 1, FACE_SET_SEED);
    const plain = await buildStill('plain', 0, FACE_SET_SEED);
    const large = (faces: typeof blurred.faces): Rect[] =>
      faces.filter((f) => f.box.width >= 200).map((f) => f.box);
    expect(large(blurred.faces)).toHaveLength(1);
    const off = await createInProcessDetector({ ...CAMERA, smallFaces: 'off' });
    const motion = await createInProcessDetector({ ...CAMERA, smallFaces: 'motion' });
    try {
      expect(found(await off.detect(blurred.frame), large(blurred.faces)[0]!)).toBe(false);
      expect(found(await motion.detect(blurred.frame), large(blurred.faces)[0]!)).toBe(true);
      // on faces ssd finds, its box stands (the tiny detector's whole-frame boxes are 1.4–2× the face)
      const widest = (boxes: readonly FaceBox[], face: Rect): number =>
        Math.max(...boxes.filter((b) => found([b], face)).map((b) => b.width));
      const before = await off.detect(plain.frame);
      const after = await motion.detect(plain.frame);
      for (const face of large(plain.faces)) expect(widest(after, face)).toBe(widest(before, face));
    } finally {
      await Promise.all([off.dispose(), motion.dispose()]);
    }
  }, 60_000);

  it('each configuration says the smallest face it protects', () => {
    const o = (smallFaces: 'off' | 'motion') => parseDetectorOptions({ ...CAMERA, smallFaces });
    expect(protectedFacePx(o('off'), 1920, 1080)).toBe(90);
    expect(protectedFacePx(o('off'), 640, 360)).toBe(30);
    expect(protectedFacePx(o('motion'), 1920, 1080)).toBe(16);
    expect(protectedFacePx(o('motion'), 3840, 2160)).toBe(16);
    // smaller frames are enlarged more, so that a face the same share of the picture is found
    expect(protectedFacePx(o('motion'), 1280, 720)).toBe(11);
    expect(protectedFacePx(o('motion'), 768, 576)).toBe(11);
    expect(protectedFacePx(o('motion'), 640, 360)).toBe(11);
  });

  it('on a 720p frame, the sweep finds faces of 10 px: its windows are enlarged 3× (at 2×, 3 of these 8 were found)', async () => {
    const frame = background(faces[2]!.photo, 1280, 720);
    const placed = Array.from({ length: 8 }, (_, i) =>
      paste(frame, faces[(i * 3) % faces.length]!, 10, 100 + (i % 4) * 300, 150 + Math.floor(i / 4) * 350),
    );
    const sweep = await createInProcessDetector({ ...CAMERA, smallFaces: 'sweep' });
    try {
      const boxes = await sweep.detect(frame);
      expect(placed.filter((p) => found(boxes, p)).length).toBeGreaterThanOrEqual(7);
    } finally {
      await sweep.dispose();
    }
  }, 60_000);
});
