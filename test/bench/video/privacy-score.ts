/**
 * How the privacy part scores anonymized frames against the face set's ground truth: per face, the
 * detector-free checker's visible share (test/helpers/video/face-set/visibility.ts); summed by
 * bucket and variation into recall (faces not leaked / faces) and the visible face area left (sum
 * of visible area / sum of face area); and the area blurred outside every face's own cover (false blur).
 */
import { enlargeBox } from '../../../main/video/anonymize';
import { coverage } from '../../../main/video/detect';
import type { Rect } from '../../../main/video/types';
import { SIZE_BUCKETS, type FaceVisibility } from '../../helpers/video/face-set';

export interface Tally {
  faces: number;
  leaked: number;
  /** px² of ground-truth face boxes */
  faceArea: number;
  /** px² of them still visible (visibleFraction × box area) */
  visibleArea: number;
}

export const newTally = (): Tally => ({ faces: 0, leaked: 0, faceArea: 0, visibleArea: 0 });

export function addFace(t: Tally, v: FaceVisibility, box: Rect): void {
  const area = box.width * box.height;
  t.faces++;
  if (v.leaked) t.leaked++;
  t.faceArea += area;
  t.visibleArea += v.visibleFraction * area;
}

const round = (n: number, d = 4): number => Number(n.toFixed(d));

export function summarize(t: Tally): { faces: number; leaked: number; recall: number; visible_area: number } {
  return {
    faces: t.faces,
    leaked: t.leaked,
    recall: t.faces > 0 ? round((t.faces - t.leaked) / t.faces) : NaN,
    visible_area: t.faceArea > 0 ? round(t.visibleArea / t.faceArea) : NaN,
  };
}

/** Sums the tallies of `names` in `by` (missing names count as empty). */
export function sumTallies(by: ReadonlyMap<string, Tally>, names: readonly string[]): Tally {
  const s = newTally();
  for (const n of names) {
    const t = by.get(n);
    if (!t) continue;
    s.faces += t.faces;
    s.leaked += t.leaked;
    s.faceArea += t.faceArea;
    s.visibleArea += t.visibleArea;
  }
  return s;
}

/**
 * Pixels inside the anonymized `regions` but outside every face's own cover (its ground-truth box
 * ×`maskScale`, what a perfect detector would blur), and the regions that cover no face at all
 * (less than a quarter of any face inside them).
 */
export function falseBlur(
  width: number,
  height: number,
  regions: readonly Rect[],
  faces: readonly Rect[],
  maskScale: number,
): { px: number; regions: number } {
  const mask = new Uint8Array(width * height);
  const paint = (r: Rect, v: number): void => {
    const x0 = Math.max(0, Math.floor(r.x));
    const y0 = Math.max(0, Math.floor(r.y));
    const x1 = Math.min(width, Math.ceil(r.x + r.width));
    const y1 = Math.min(height, Math.ceil(r.y + r.height));
    for (let y = y0; y < y1; y++) mask.fill(v, y * width + x0, y * width + Math.max(x0, x1));
  };
  for (const r of regions) paint(r, 1);
  for (const f of faces) paint(enlargeBox(f, maskScale), 0);
  let px = 0;
  for (let i = 0; i < mask.length; i++) px += mask[i]!;
  const stray = regions.filter((r) => !faces.some((f) => coverage(f, r) >= 0.25)).length;
  return { px, regions: stray };
}

/** The buckets the recall targets are about. */
const AT_LEAST_24 = SIZE_BUCKETS.filter((b) => b.lo >= 24).map((b) => b.name);

/** Issue #17's targets on the stills: recall ≥ 0.97 for faces ≥ 24 px at 1080p, ≥ 0.90 at 16–24 px, visible face area ≤ 2%. */
export function privacyTargets(byBucket: ReadonlyMap<string, Tally>, all: Tally): Record<string, unknown> {
  const r24 = summarize(sumTallies(byBucket, AT_LEAST_24)).recall;
  const r16 = summarize(sumTallies(byBucket, ['16-24'])).recall;
  const va = summarize(all).visible_area;
  const rows = {
    recall_faces_24px_and_up: { target: 0.97, value: r24, met: r24 >= 0.97 },
    recall_faces_16_24px: { target: 0.9, value: r16, met: r16 >= 0.9 },
    visible_face_area: {
      target: 0.02,
      value: va,
      met: va <= 0.02,
      of: 'all faces of the set, area-weighted',
    },
  };
  return { ...rows, met: Object.values(rows).every((r) => r.met) };
}
