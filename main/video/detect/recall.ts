import type { FaceBox, Rect } from '../types';
import { iou } from './tracker';

/** How well detections found the ground-truth faces of one or more images. */
export interface RecallResult {
  faces: number;
  /** faces matched one-to-one by a detection with IoU ≥ minIou (box conventions differ between models, hence a low bar) */
  found: number;
  /** faces at least 90% inside some detection enlarged by the mask scale: what anonymization needs */
  covered: number;
  /** detections matching no face */
  falsePositives: number;
}

/** Fraction of `face` inside `box`. */
export function coverage(face: Rect, box: Rect): number {
  const ix = Math.max(0, Math.min(face.x + face.width, box.x + box.width) - Math.max(face.x, box.x));
  const iy = Math.max(0, Math.min(face.y + face.height, box.y + box.height) - Math.max(face.y, box.y));
  return face.width * face.height > 0 ? (ix * iy) / (face.width * face.height) : 1;
}

function enlarge(b: Rect, s: number): Rect {
  return {
    x: b.x + (b.width * (1 - s)) / 2,
    y: b.y + (b.height * (1 - s)) / 2,
    width: b.width * s,
    height: b.height * s,
  };
}

/** Scores detections against ground truth (greedy one-to-one matching by IoU). Pure. */
export function scoreDetections(
  truth: readonly Rect[],
  found: readonly FaceBox[],
  maskScale = 1.3,
  minIou = 0.3,
): RecallResult {
  const pairs: Array<{ t: number; d: number; v: number }> = [];
  truth.forEach((t, ti) => found.forEach((d, di) => pairs.push({ t: ti, d: di, v: iou(t, d) })));
  pairs.sort((a, b) => b.v - a.v);
  const usedT = new Set<number>();
  const usedD = new Set<number>();
  for (const p of pairs) {
    if (p.v < minIou || usedT.has(p.t) || usedD.has(p.d)) continue;
    usedT.add(p.t);
    usedD.add(p.d);
  }
  const covered = truth.filter((t) => found.some((d) => coverage(t, enlarge(d, maskScale)) >= 0.9)).length;
  return { faces: truth.length, found: usedT.size, covered, falsePositives: found.length - usedD.size };
}

/** Sums per-image results. */
export function sumRecall(rs: readonly RecallResult[]): RecallResult {
  return rs.reduce(
    (a, r) => ({
      faces: a.faces + r.faces,
      found: a.found + r.found,
      covered: a.covered + r.covered,
      falsePositives: a.falsePositives + r.falsePositives,
    }),
    {
      faces: 0,
      found: 0,
      covered: 0,
      falsePositives: 0,
    },
  );
}
