/**
 * One detector configuration on every still of the face set: detector → anonymizeFrame with the
 * node's default options → the detector-free checker against the ground truth. Reported by size
 * bucket and by variation, with false blur and ms per frame at each frame size.
 */
import { DEFAULT_ANONYMIZE_OPTIONS, anonymizeFrame } from '../../../main/video/anonymize';
import { createInProcessDetector } from '../../../main/video/detect';
import type { FaceDetectorOptions, Frame } from '../../../main/video/types';
import { SIZE_BUCKETS, facesVisibility, type FaceSet, type Still } from '../../helpers/video/face-set';
import { addFace, falseBlur, newTally, privacyTargets, summarize, type Tally } from './privacy-score';

/** A detector configuration the privacy part compares (rows are easy to add: any FaceDetectorOptions). */
export interface PrivacyRow {
  name: string;
  options: Partial<FaceDetectorOptions>;
}

const round = (n: number, d = 1): number => Number(n.toFixed(d));
const median = (a: readonly number[]): number =>
  [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] ?? NaN;
const sizeOf = (f: Frame): string => `${f.width}x${f.height}`;

interface RowTallies {
  byBucket: Map<string, Tally>;
  byVariation: Map<string, Tally>;
  all: Tally;
  msBySize: Map<string, number[]>;
  falseBlurPx: Map<string, number>;
  framePx: Map<string, number>;
  strayRegions: number;
  regions: number;
}

function tallyStill(t: RowTallies, s: Still, out: Frame, regions: ReturnType<typeof anonymizeFrame>): void {
  const boxes = s.faces.map((f) => f.box);
  const vis = facesVisibility(s.frame, out, boxes);
  s.faces.forEach((f, i) => {
    for (const [map, key] of [
      [t.byBucket, f.bucket],
      [t.byVariation, s.variation],
    ] as const) {
      if (!map.has(key)) map.set(key, newTally());
      addFace(map.get(key)!, vis[i]!, f.box);
    }
    addFace(t.all, vis[i]!, f.box);
  });
  const fb = falseBlur(s.frame.width, s.frame.height, regions, boxes, DEFAULT_ANONYMIZE_OPTIONS.maskScale);
  t.falseBlurPx.set(s.variation, (t.falseBlurPx.get(s.variation) ?? 0) + fb.px);
  t.framePx.set(s.variation, (t.framePx.get(s.variation) ?? 0) + s.frame.width * s.frame.height);
  t.strayRegions += fb.regions;
  t.regions += regions.length;
}

/** Runs `row` on every still of `set`; returns its JSON section. */
export async function privacyOnStills(row: PrivacyRow, set: FaceSet): Promise<Record<string, unknown>> {
  const detector = await createInProcessDetector(row.options);
  const t: RowTallies = {
    byBucket: new Map(),
    byVariation: new Map(),
    all: newTally(),
    msBySize: new Map(),
    falseBlurPx: new Map(),
    framePx: new Map(),
    strayRegions: 0,
    regions: 0,
  };
  try {
    // one untimed run per frame size (ONNX Runtime prepares each input shape once)
    for (const size of new Set(set.stills.map((s) => sizeOf(s.frame))))
      await detector.detect(set.stills.find((s) => sizeOf(s.frame) === size)!.frame);
    for (const s of set.stills) {
      const t0 = performance.now();
      const boxes = await detector.detect(s.frame);
      const ms = performance.now() - t0;
      t.msBySize.set(sizeOf(s.frame), [...(t.msBySize.get(sizeOf(s.frame)) ?? []), ms]);
      const out = { ...s.frame, data: s.frame.data.slice() };
      tallyStill(t, s, out, anonymizeFrame(out, boxes, [], DEFAULT_ANONYMIZE_OPTIONS));
    }
  } finally {
    await detector.dispose();
  }
  const fbShare = (v: string): number => round((t.falseBlurPx.get(v) ?? 0) / (t.framePx.get(v) ?? 1), 5);
  const allFalse = [...t.falseBlurPx.values()].reduce((a, b) => a + b, 0);
  const allPx = [...t.framePx.values()].reduce((a, b) => a + b, 0);
  return {
    detector: detector.description,
    options: row.options,
    all: {
      ...summarize(t.all),
      false_blur_share: round(allFalse / allPx, 5),
      regions: t.regions,
      regions_on_no_face: t.strayRegions,
    },
    by_bucket: Object.fromEntries(
      SIZE_BUCKETS.map((b) => [b.name, summarize(t.byBucket.get(b.name) ?? newTally())]),
    ),
    by_variation: Object.fromEntries(
      [...t.byVariation].map(([v, tally]) => [v, { ...summarize(tally), false_blur_share: fbShare(v) }]),
    ),
    ms_per_frame: Object.fromEntries(
      [...t.msBySize].map(([size, ms]) => [size, { median: round(median(ms)), frames: ms.length }]),
    ),
    targets: privacyTargets(t.byBucket, t.all),
  };
}
