import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  anonymizeFrame,
  decodeImage,
  encodeImage,
  enlargeBox,
  failClosed,
  mergeRegions,
  parseAnonymizeOptions,
  DEFAULT_ANONYMIZE_OPTIONS,
} from '../../../../main/video/anonymize';
import { coverage, createInProcessDetector } from '../../../../main/video/detect';
import type { FaceBox, FaceDetector, Frame, Rect, ReplaceWith } from '../../../../main/video/types';
import { frameKernels, jsFrameKernels } from '../../../../native';
import { facePhotos, loadPhoto, type FacePhoto } from '../detect/faces';

const photos = facePhotos();
let frames: Frame[] = [];
let detector: FaceDetector;
const dir = mkdtempSync(join(tmpdir(), 'hotpot-anon-'));

beforeAll(async () => {
  frames = await Promise.all(photos.map(loadPhoto));
  detector = await createInProcessDetector();
}, 60_000);
afterAll(async () => {
  await detector?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const clone = (f: Frame): Frame => ({ ...f, data: f.data.slice() });

/** Detections on the output that still sit on a ground-truth face. */
function facesLeft(p: FacePhoto, after: FaceBox[]): FaceBox[] {
  return after.filter(
    (b) =>
      b.score >= DEFAULT_ANONYMIZE_OPTIONS.threshold &&
      p.faces.some((f) => coverage(f, b) > 0.3 || coverage(b, f) > 0.3),
  );
}

/** Counts bytes that differ outside the given rects (clipped, rounded outwards like the kernels). */
function changedOutside(a: Frame, b: Frame, rects: Rect[]): number {
  const inside = new Uint8Array(a.width * a.height);
  for (const r of rects) {
    const x0 = Math.max(0, Math.floor(r.x));
    const y0 = Math.max(0, Math.floor(r.y));
    const x1 = Math.min(a.width, Math.ceil(r.x + r.width));
    const y1 = Math.min(a.height, Math.ceil(r.y + r.height));
    for (let y = y0; y < y1; y++) inside.fill(1, y * a.width + x0, y * a.width + x1);
  }
  let n = 0;
  for (let i = 0; i < inside.length; i++) {
    if (inside[i]) continue;
    if (
      a.data[i * 3] !== b.data[i * 3] ||
      a.data[i * 3 + 1] !== b.data[i * 3 + 1] ||
      a.data[i * 3 + 2] !== b.data[i * 3 + 2]
    )
      n++;
  }
  return n;
}

describe('anonymized face photos (blur, through a PNG file)', () => {
  it('have no detectable face afterwards and an untouched background', async () => {
    for (const [i, p] of photos.entries()) {
      const frame = clone(frames[i]!);
      const before = await detector.detect(frame);
      const regions = anonymizeFrame(frame, before, [], DEFAULT_ANONYMIZE_OPTIONS);
      for (const f of p.faces)
        expect(
          Math.max(...regions.map((r) => coverage(f, r))),
          `${p.file}: a face outside every region`,
        ).toBeGreaterThan(0.85);
      const out = join(dir, `${p.file}.png`);
      await encodeImage(frame, out);
      const back = await decodeImage(out);
      expect(Buffer.from(back.data).equals(Buffer.from(frame.data))).toBe(true); // PNG is lossless
      expect(changedOutside(frames[i]!, back, regions)).toBe(0);
      const after = await detector.detect(back);
      expect(facesLeft(p, after), `${p.file}: faces still detected`).toEqual([]);
    }
  });
});

describe.each<ReplaceWith>(['pixelate', 'solid'])('replacewith %s', (replaceWith) => {
  it('leaves no detectable face on two photos, and the background as it was', async () => {
    for (const i of [0, 4]) {
      const p = photos[i]!;
      const frame = clone(frames[i]!);
      const regions = anonymizeFrame(frame, await detector.detect(frame), [], {
        ...DEFAULT_ANONYMIZE_OPTIONS,
        replaceWith,
      });
      expect(changedOutside(frames[i]!, frame, regions)).toBe(0);
      expect(facesLeft(p, await detector.detect(frame))).toEqual([]);
    }
  });
});

describe('yuv420p frames', () => {
  it('anonymize like rgb24 ones: no face detectable after conversion back', async () => {
    const p = photos[2]!;
    const yuv = frameKernels().toYuv420p(frames[2]!);
    anonymizeFrame(yuv, await detector.detect(yuv), [], DEFAULT_ANONYMIZE_OPTIONS);
    expect(facesLeft(p, await detector.detect(frameKernels().toRgb24(yuv)))).toEqual([]);
  });
});

describe('privacy masks and thresholds', () => {
  it('burns polygons in solid and ignores faces below the threshold', () => {
    const f: Frame = {
      format: 'rgb24',
      width: 100,
      height: 50,
      data: new Uint8Array(100 * 50 * 3).fill(200),
    };
    const weak: FaceBox = { x: 60, y: 10, width: 20, height: 20, score: 0.1 };
    anonymizeFrame(
      f,
      [weak],
      [
        {
          points: [
            { x: 0, y: 0 },
            { x: 0.5, y: 0 },
            { x: 0.5, y: 1 },
            { x: 0, y: 1 },
          ],
        },
      ],
      { ...DEFAULT_ANONYMIZE_OPTIONS, replaceWith: 'solid' },
    );
    expect(f.data[(25 * 100 + 10) * 3]).toBe(0); // inside the mask
    expect(f.data[(25 * 100 + 49) * 3]).toBe(0);
    expect(f.data[(25 * 100 + 50) * 3]).toBe(200); // just outside
    expect(f.data[(20 * 100 + 70) * 3]).toBe(200); // the weak face was not replaced
  });

  it('merges mostly-overlapping regions into one, keeps separate faces apart', () => {
    const merged = mergeRegions([
      { x: 0, y: 0, width: 10, height: 10 },
      { x: 2, y: 1, width: 10, height: 10 },
      { x: 50, y: 0, width: 10, height: 10 },
      { x: 9, y: 9, width: 10, height: 10 }, // touches the first only at a corner: kept apart
    ]);
    expect(merged).toEqual([
      { x: 0, y: 0, width: 12, height: 11 },
      { x: 50, y: 0, width: 10, height: 10 },
      { x: 9, y: 9, width: 10, height: 10 },
    ]);
  });

  it('enlarges boxes about their centre by the mask scale', () => {
    expect(enlargeBox({ x: 10, y: 10, width: 10, height: 20 }, 1.5)).toEqual({
      x: 7.5,
      y: 5,
      width: 15,
      height: 30,
    });
  });

  it('refuses bad options and masks with messages that name the field', () => {
    expect(() => parseAnonymizeOptions({ maskScale: 0.5 })).toThrow(
      /maskScale must be a number from 1 to 10, got 0.5/,
    );
    expect(() => parseAnonymizeOptions({ threshold: 2 })).toThrow(/threshold must be a number from 0 to 1/);
    const f: Frame = { format: 'rgb24', width: 4, height: 4, data: new Uint8Array(48) };
    expect(() =>
      anonymizeFrame(
        f,
        [],
        [
          {
            points: [
              { x: 0, y: 0 },
              { x: 2, y: 0 },
              { x: 0, y: 1 },
            ],
          },
        ],
      ),
    ).toThrow(/privacy mask 0 point 1 must lie in \[0,1\]/);
  });
});

describe('failClosed', () => {
  it('leaves no detectable face anywhere in the frame (native and JS kernels agree)', async () => {
    const p = photos[5]!;
    const a = clone(frames[5]!);
    const b = clone(frames[5]!);
    failClosed(a);
    failClosed(b, jsFrameKernels);
    expect(Buffer.from(a.data).equals(Buffer.from(b.data))).toBe(true);
    expect(facesLeft(p, await detector.detect(a))).toEqual([]);
    expect((await detector.detect(a)).filter((d) => d.score >= 0.2)).toEqual([]);
  });
});
