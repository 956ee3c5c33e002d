// The detector-free privacy checker (test/helpers/video/face-set/visibility.ts), proven on the whole
// multi-scale face set: at every size bucket (12–16 px included) and in every variation, an
// unanonymized frame after an H.264 round trip leaks every face; the same frame blurred as the node
// blurs (anonymizeFrame with DEFAULT_ANONYMIZE_OPTIONS on the ground-truth boxes) leaks none and
// shows ≈ 0 of their area; a blur that stops at the mouth shows about the uncovered share; and with
// half the faces blurred, exactly the other half leak.
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ANONYMIZE_OPTIONS, anonymizeFrame } from '../../../../main/video/anonymize';
import type { FaceBox, Frame, Rect } from '../../../../main/video/types';
import {
  DEFAULT_VISIBILITY,
  SIZE_BUCKETS,
  VARIATIONS,
  buildFaceSet,
  facesVisibility,
  h264RoundTrips,
  type FaceSet,
  type FaceVisibility,
  type Still,
} from '../../../helpers/video/face-set';

/** Where the partial blur stops: the mouth, 72% of the way from forehead to chin. */
const MOUTH = 0.72;
const UNCOVERED = 1 - MOUTH;

const clone = (f: Frame): Frame => ({ ...f, data: f.data.slice() });

/** `frame` with the faces in `boxes` blurred as the node blurs them (boxes ×1.3, radius ¼ of the side, 3 passes). */
function blurAsNode(frame: Frame, boxes: readonly Rect[]): Frame {
  const out = clone(frame);
  anonymizeFrame(
    out,
    boxes.map((b): FaceBox => ({ ...b, score: 1 })),
    [],
    DEFAULT_ANONYMIZE_OPTIONS,
  );
  return out;
}

/** Each face blurred from above its hair down to its mouth only, as wide as the node's cover. */
function blurToMouth(frame: Frame, boxes: readonly Rect[]): Frame {
  const out = clone(frame);
  const covers = boxes.map((b): FaceBox => {
    const w = b.width * DEFAULT_ANONYMIZE_OPTIONS.maskScale;
    const top = b.y - 0.3 * b.height;
    return { x: b.x + b.width / 2 - w / 2, y: top, width: w, height: b.y + MOUTH * b.height - top, score: 1 };
  });
  anonymizeFrame(out, covers, [], { ...DEFAULT_ANONYMIZE_OPTIONS, maskScale: 1 });
  return out;
}

interface Checked {
  still: Still;
  /** per face, in the still's order */
  raw: FaceVisibility[];
  blurred: FaceVisibility[];
  blurredH264: FaceVisibility[];
  mouth: FaceVisibility[];
  /** faces 0, 2, 4… blurred, the others not; after H.264 */
  half: FaceVisibility[];
}

let set: FaceSet;
let checked: Checked[] = [];

beforeAll(async () => {
  set = await buildFaceSet();
  const boxes = set.stills.map((s) => s.faces.map((f) => f.box));
  const blurred = set.stills.map((s, i) => blurAsNode(s.frame, boxes[i]!));
  const [raw, blurredH264, mouth, half] = await Promise.all([
    h264RoundTrips(set.stills.map((s) => s.frame)),
    h264RoundTrips(blurred),
    h264RoundTrips(set.stills.map((s, i) => blurToMouth(s.frame, boxes[i]!))),
    h264RoundTrips(
      set.stills.map((s, i) =>
        blurAsNode(
          s.frame,
          boxes[i]!.filter((_, k) => k % 2 === 0),
        ),
      ),
    ),
  ]);
  checked = set.stills.map((still, i) => ({
    still,
    raw: facesVisibility(still.frame, raw[i]!, boxes[i]!),
    blurred: facesVisibility(still.frame, blurred[i]!, boxes[i]!),
    blurredH264: facesVisibility(still.frame, blurredH264[i]!, boxes[i]!),
    mouth: facesVisibility(still.frame, mouth[i]!, boxes[i]!),
    half: facesVisibility(still.frame, half[i]!, boxes[i]!),
  }));
}, 900_000);

/** Every face of the set with its results, flattened. */
function faces(): Array<
  { variation: string; bucket: string; width1080: number } & Record<
    keyof Omit<Checked, 'still'>,
    FaceVisibility
  > & { index: number }
> {
  return checked.flatMap((c) =>
    c.still.faces.map((f, i) => ({
      variation: c.still.variation,
      bucket: f.bucket,
      width1080: f.width1080,
      index: i,
      raw: c.raw[i]!,
      blurred: c.blurred[i]!,
      blurredH264: c.blurredH264[i]!,
      mouth: c.mouth[i]!,
      half: c.half[i]!,
    })),
  );
}

const mean = (a: readonly number[]): number => a.reduce((x, y) => x + y, 0) / a.length;

describe('the checker on every size bucket', () => {
  it.each(SIZE_BUCKETS.map((b) => b.name))('%s px: unblurred after H.264 every face is leaked', (bucket) => {
    const fs = faces().filter((f) => f.bucket === bucket);
    expect(fs.length).toBeGreaterThanOrEqual(20);
    for (const f of fs) {
      expect(f.raw.leaked, `${f.variation} face ${f.index}: ${JSON.stringify(f.raw)}`).toBe(true);
      expect(f.raw.visibleFraction).toBeGreaterThan(0.6);
    }
  });

  it.each(SIZE_BUCKETS.map((b) => b.name))(
    '%s px: blurred as the node does, no face is leaked and ≈ 0 is visible',
    (bucket) => {
      const fs = faces().filter((f) => f.bucket === bucket);
      for (const f of fs) {
        for (const v of [f.blurred, f.blurredH264]) {
          expect(v.leaked, `${f.variation} face ${f.index}: ${JSON.stringify(v)}`).toBe(false);
          expect(v.visibleFraction).toBeLessThan(0.25);
        }
      }
      expect(mean(fs.map((f) => f.blurredH264.visibleFraction))).toBeLessThan(0.03);
    },
  );

  it.each(SIZE_BUCKETS.map((b) => b.name))(
    `%s px: blurred down to the mouth, about the uncovered ${UNCOVERED} is visible`,
    (bucket) => {
      const fs = faces().filter((f) => f.bucket === bucket);
      expect(Math.abs(mean(fs.map((f) => f.mouth.visibleFraction)) - UNCOVERED)).toBeLessThan(0.07);
      for (const f of fs) {
        expect(f.mouth.visibleFraction).toBeLessThan(UNCOVERED + 0.3);
        if (f.width1080 >= 96) expect(Math.abs(f.mouth.visibleFraction - UNCOVERED)).toBeLessThan(0.12);
      }
    },
  );
});

describe('the checker on every variation', () => {
  it.each([...VARIATIONS, 'symptom1'])(
    '%s: unblurred after H.264 all leak, blurred none; half blurred: exactly the other half leak',
    (variation) => {
      const cs = checked.filter((c) => c.still.variation === variation);
      expect(cs.length).toBeGreaterThan(0);
      for (const c of cs) {
        const n = c.still.faces.length;
        expect(c.raw.filter((v) => v.leaked)).toHaveLength(n);
        expect(c.blurredH264.filter((v) => v.leaked)).toHaveLength(0);
        const leaked = c.half.flatMap((v, i) => (v.leaked ? [i] : []));
        expect(leaked, c.still.name).toEqual(c.still.faces.flatMap((_, i) => (i % 2 === 1 ? [i] : [])));
      }
      // every bucket is in every variation (the crowd's rows stop at 96 px)
      const buckets = new Set(cs.flatMap((c) => c.still.faces.map((f) => f.bucket)));
      expect(buckets.size).toBeGreaterThanOrEqual(
        variation === 'crowd' ? 5 : variation === 'symptom1' ? 4 : 7,
      );
    },
  );
});

describe('the checker on made-up frames', () => {
  const W = 64;
  const H = 48;
  /** a frame of a fine irregular texture with a flat grey square on the left */
  const textured = (): Frame => {
    const f: Frame = { format: 'rgb24', width: W, height: H, data: new Uint8Array(W * H * 3) };
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const flat = x >= 2 && x < 30 && y >= 10 && y < 38;
        const v = flat ? 128 : 60 + ((x * 37 + y * 91 + ((x * y) % 7) * 23) % 140);
        f.data.fill(v, (y * W + x) * 3, (y * W + x) * 3 + 3);
      }
    return f;
  };
  const box = { x: 32, y: 12, width: 20, height: 24 };

  it('an unchanged face is fully visible and leaked; replaced by a flat fill, nothing is', () => {
    const f = textured();
    const [same] = facesVisibility(f, clone(f), [box]);
    expect(same).toMatchObject({ visibleFraction: 1, leaked: true, texturedFraction: 1 });
    const filled = clone(f);
    for (let y = box.y; y < box.y + box.height; y++)
      filled.data.fill(128, (y * W + box.x) * 3, (y * W + box.x + box.width) * 3);
    expect(facesVisibility(f, filled, [box])[0]).toMatchObject({ visibleFraction: 0, leaked: false });
  });

  it('a flat face has nothing to see either way: not leaked, whatever the output', () => {
    const f = textured();
    const [v] = facesVisibility(f, clone(f), [{ x: 8, y: 16, width: 16, height: 16 }]);
    expect(v).toMatchObject({ texturedFraction: 0, visibleFraction: 0, leaked: false });
  });

  it('reads yuv420p output against an rgb24 original (a decoded recording)', async () => {
    const { frameKernels } = await import('../../../../native');
    const f = textured();
    const [v] = facesVisibility(f, frameKernels().toYuv420p(f), [box]);
    expect(v!.leaked).toBe(true);
    expect(v!.visibleFraction).toBeGreaterThan(0.8);
  });

  it('says how it decides (the thresholds the proof above holds)', () => {
    expect(DEFAULT_VISIBILITY).toMatchObject({ cellPx: 4, minCells: 3, keepRatio: 0.5, leakShare: 0.35 });
  });
});
