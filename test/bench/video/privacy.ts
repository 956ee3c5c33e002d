/**
 * `bench video --parts privacy`: each detector configuration of PRIVACY_ROWS on the multi-scale face
 * set of issue #17 (test/helpers/video/face-set): its stills (faces 12–400 px wide at 1080p, seven
 * buckets, eleven variations and the symptom-1 still) and its moving clip through the node's privacy
 * pipeline, scored by the detector-free checker against ground truth from construction. The first
 * row is the cameras' default detector: the baseline, measured in the same run.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { appRoot } from '../../../main/platform/paths';
import { DEFAULT_ANONYMIZE_OPTIONS } from '../../../main/video/anonymize';
import { coverage, createInProcessDetector, iou } from '../../../main/video/detect';
import { FACE_CHECKER } from '../../helpers/rtsp/face-check';
import {
  DEFAULT_VISIBILITY,
  SIZE_BUCKETS,
  buildFaceSet,
  writeFaceClip,
  writeSymptomStill,
  type FaceSet,
} from '../../helpers/video/face-set';
import { CAMERA_DEFAULT, describeOpts, nodeCaptureSize, tiny } from './node-defaults';
import { privacyOnClip } from './privacy-clip';
import { privacyOnStills, type PrivacyRow } from './privacy-stills';

/**
 * The configurations compared: the cameras' default first, then the baseline it is held against in
 * the same run (the default before the small-face search of issue #17). Add rows here.
 */
export const PRIVACY_ROWS: readonly PrivacyRow[] = [
  { name: `camera default: ${describeOpts(CAMERA_DEFAULT)}`, options: CAMERA_DEFAULT },
  {
    name: 'baseline, the camera default before the small-face search',
    options: { ...CAMERA_DEFAULT, smallFaces: 'off' },
  },
  { name: 'tiny_face_detector@416', options: tiny(416) },
  { name: 'ssd_mobilenetv1@1024', options: { model: 'ssd_mobilenetv1', inputSizePx: 1024, minScore: 0.2 } },
  { name: 'ssd_mobilenetv1@1920', options: { model: 'ssd_mobilenetv1', inputSizePx: 1920, minScore: 0.2 } },
];

export interface PrivacyBenchOptions {
  /** indexes into PRIVACY_ROWS (all by default) */
  rows?: readonly number[];
  /** the clip as a camera of the node decodes it (capture.maxWidth), and/or whole */
  clipSizes: ReadonlyArray<'camera' | 'full'>;
  log: (s: string) => void;
}

const round = (n: number, d = 3): number => Number(n.toFixed(d));

/** Share of each bucket's faces today's detector-based test checker (ssd@640 ≥ 0.5) finds on the unblurred stills. */
async function oldCheckerSees(set: FaceSet): Promise<Record<string, unknown>> {
  const checker = await createInProcessDetector(FACE_CHECKER);
  const seen = new Map<string, [number, number]>();
  try {
    for (const s of set.stills) {
      const boxes = await checker.detect(s.frame);
      for (const f of s.faces) {
        const area = f.box.width * f.box.height;
        const hit = boxes.some(
          (b) => iou(b, f.box) >= 0.3 || (coverage(f.box, b) >= 0.5 && b.width * b.height <= 6 * area),
        );
        const e = seen.get(f.bucket) ?? [0, 0];
        seen.set(f.bucket, [e[0] + 1, e[1] + (hit ? 1 : 0)]);
      }
    }
  } finally {
    await checker.dispose();
  }
  return {
    checker: `${describeOpts(FACE_CHECKER)} (test/helpers/rtsp/face-check.ts), on the unanonymized stills`,
    found_share_by_bucket: Object.fromEntries(
      SIZE_BUCKETS.map((b) => [b.name, round((seen.get(b.name)?.[1] ?? 0) / (seen.get(b.name)?.[0] ?? 1))]),
    ),
  };
}

export async function privacyBench(o: PrivacyBenchOptions): Promise<Record<string, unknown>> {
  const t0 = performance.now();
  const set = await buildFaceSet();
  o.log(
    `privacy: face set of ${set.faces} faces in ${Math.round(set.buildMs)} ms${set.fromCache ? ' (cached)' : ''}`,
  );
  const dir = join(appRoot(), 'test', '.tmp', 'face-set');
  mkdirSync(dir, { recursive: true });
  const symptom = await writeSymptomStill(dir, set.seed);
  const tc = performance.now();
  const clip = await writeFaceClip(dir, { seed: set.seed, seconds: 10, fps: 10 });
  const clipMs = performance.now() - tc;
  o.log(`privacy: clip written in ${Math.round(clipMs)} ms`);
  const rows = (o.rows ?? PRIVACY_ROWS.map((_, i) => i)).map((i) => PRIVACY_ROWS[i]!);
  const results: Record<string, unknown> = {};
  for (const row of rows) {
    const r: Record<string, unknown> = { camera_default: row === PRIVACY_ROWS[0] };
    r.stills = await privacyOnStills(row, set);
    o.log(`privacy ${row.name}: stills ${JSON.stringify(r.stills)}`);
    const clipRows: Record<string, unknown> = {};
    for (const size of o.clipSizes) {
      const { width, height } =
        size === 'camera' ? nodeCaptureSize(clip.format.width, clip.format.height) : clip.format;
      clipRows[`${size}_${width}x${height}`] = await privacyOnClip(row, clip, width, height);
      o.log(`privacy ${row.name}: clip ${size} ${JSON.stringify(clipRows[`${size}_${width}x${height}`])}`);
    }
    r.clip = clipRows;
    results[row.name] = r;
  }
  return {
    set: {
      generator: 'test/helpers/video/face-set (ground truth from construction, seed ' + set.seed + ')',
      faces: set.faces,
      stills: set.stills.length,
      by_bucket: set.byBucket,
      by_variation: set.byVariation,
      build_ms: Math.round(set.buildMs),
      from_cache: set.fromCache,
      symptom_still: symptom,
      clip: { file: clip.mp4, boxes: clip.json, ...clip.format, build_and_encode_ms: Math.round(clipMs) },
    },
    checker: {
      module: 'test/helpers/video/face-set/visibility.ts',
      options: DEFAULT_VISIBILITY,
      recall: 'faces not leaked / faces (leaked: > leakShare of the face’s textured area still visible)',
      visible_area: 'sum of visible face area / sum of face area (ground-truth boxes)',
      false_blur_share: 'pixels blurred outside every face’s box ×maskScale / frame pixels',
    },
    anonymize: DEFAULT_ANONYMIZE_OPTIONS,
    old_checker: await oldCheckerSees(set),
    rows: results,
    total_ms: Math.round(performance.now() - t0),
  };
}
