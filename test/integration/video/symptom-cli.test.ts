// Issue #17's symptom 1, of this project's own making, through `bin/hotpot video anonymize` as a
// real process (the built dist/main/cli.js, its defaults): the 1080p still (six large faces in
// front, one walker at 15, 26 and 43 px in the back) and the 10 s moving clip (faces of 16–140 px
// walking across a CCTV room). Scored by the detector-free checker against the ground truth of
// construction, which is first shown to see every face, and every uncovered chin, it is asked about.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_ANONYMIZE_OPTIONS, anonymizeFrame, decodeImage } from '../../../main/video/anonymize';
import { appRoot } from '../../../main/platform/paths';
import type { FaceBox, Frame, Rect } from '../../../main/video/types';
import { decodeRgbFrames } from '../../helpers/rtsp/frames';
import {
  facesVisibility,
  writeFaceClip,
  writeSymptomStill,
  FACE_SET_SEED,
} from '../../helpers/video/face-set';

const cli = join(appRoot(), 'dist', 'main', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'hotpot-symptom-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function anonymize(
  input: string,
  output: string,
  extra: string[] = [],
): Promise<{ code: number; stderr: string }> {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run bin/hotpot setup first`);
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [cli, 'video', 'anonymize', input, output, '--quiet', ...extra], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => resolve({ code: code ?? -1, stderr }));
  });
}

/** The mouth-and-chin part of a face box (forehead to chin): its lowest 28%, where symptom 1's blur stopped short. */
const chinOf = (b: Rect): Rect => ({
  x: b.x,
  y: b.y + 0.72 * b.height,
  width: b.width,
  height: 0.28 * b.height,
});

/** `frame` with each face blurred as the node would, but only down to the mouth: the symptom. */
function blurredToMouth(frame: Frame, faces: readonly Rect[]): Frame {
  const out = { ...frame, data: frame.data.slice() };
  const covers = faces.map((b): FaceBox => {
    const w = b.width * DEFAULT_ANONYMIZE_OPTIONS.maskScale;
    const top = b.y - 0.3 * b.height;
    return { x: b.x + b.width / 2 - w / 2, y: top, width: w, height: b.y + 0.72 * b.height - top, score: 1 };
  });
  anonymizeFrame(out, covers, [], { ...DEFAULT_ANONYMIZE_OPTIONS, maskScale: 1 });
  return out;
}

/** The longest run of `true` in `xs`. */
function longestRun(xs: readonly boolean[]): number {
  let best = 0;
  let run = 0;
  for (const x of xs) best = Math.max(best, (run = x ? run + 1 : 0));
  return best;
}

describe('symptom 1 of issue #17 through bin/hotpot video anonymize', () => {
  it('blurs all nine faces of the 1080p still, the 15 px walker and every chin included', async () => {
    const still = await writeSymptomStill(dir, FACE_SET_SEED);
    const truth = JSON.parse(readFileSync(still.json, 'utf8')) as { faces: Rect[] };
    const faces = truth.faces.map(({ x, y, width, height }) => ({ x, y, width, height }));
    expect(faces).toHaveLength(9);
    const orig = await decodeImage(still.png);

    // the checker sees what it is asked about: every face of the untouched still, and every chin
    // (faces of 40 px and more: a smaller face's chin is too few pixels to judge alone) that a blur
    // stopping at the mouth leaves
    const chins = faces.filter((f) => f.width >= 40).map(chinOf);
    expect(chins.length).toBeGreaterThanOrEqual(6);
    expect(facesVisibility(orig, orig, faces).every((v) => v.leaked)).toBe(true);
    expect(facesVisibility(orig, blurredToMouth(orig, faces), chins).every((v) => v.leaked)).toBe(true);

    const outPath = join(dir, 'symptom1-anon.png');
    const r = await anonymize(still.png, outPath);
    expect(r.code, r.stderr).toBe(0);
    const out = await decodeImage(outPath);
    const seen = facesVisibility(orig, out, faces);
    expect(
      seen.map((v, i) => ({ width: Math.round(faces[i]!.width), leaked: v.leaked })).filter((v) => v.leaked),
    ).toEqual([]);
    expect(Math.max(...seen.map((v) => v.visibleFraction))).toBeLessThan(0.1);
    expect(facesVisibility(orig, out, chins).filter((v) => v.leaked)).toEqual([]);

    // and this test sees the symptom: without the small-face search, the walker's faces stay visible
    const offPath = join(dir, 'symptom1-off.png');
    expect((await anonymize(still.png, offPath, ['--small-faces', 'off'])).code).toBe(0);
    const off = facesVisibility(orig, await decodeImage(offPath), faces);
    expect(faces.filter((f, i) => off[i]!.leaked && f.width < 60).length).toBeGreaterThanOrEqual(2);
  }, 120_000);

  // The target is stricter than what holds: no face visible for more than 2 frames in a row.
  // The 18 px walker (w1, a face neither model scores above 0.16 at any scale in its motion blur)
  // stays visible up to 12 frames in a row; that is the open part of #17, held here as a share so
  // that it cannot get worse unnoticed.
  it('keeps the walkers of the moving 1080p clip covered: from 20 px never visible for more than 2 frames in a row', async () => {
    const clip = await writeFaceClip(dir);
    const { width, height } = clip.format;
    const outPath = join(dir, 'face-clip-anon.mp4');
    const r = await anonymize(clip.mp4, outPath);
    expect(r.code, r.stderr).toBe(0);
    const before = decodeRgbFrames(clip.mp4, width, height);
    const after = decodeRgbFrames(outPath, width, height);
    expect(after).toHaveLength(before.length);
    expect(before).toHaveLength(clip.truth.length);

    const leaks = new Map<string, { width: number; raw: boolean[]; out: boolean[]; chin: boolean[] }>();
    clip.truth.forEach((faces, n) => {
      const boxes = faces.map((f) => f.box);
      const raw = facesVisibility(before[n]!, before[n]!, boxes);
      const out = facesVisibility(before[n]!, after[n]!, boxes);
      const chin = facesVisibility(before[n]!, after[n]!, boxes.map(chinOf));
      faces.forEach((f, i) => {
        const w = leaks.get(f.id) ?? { width: Math.round(f.width1080), raw: [], out: [], chin: [] };
        w.raw.push(raw[i]!.leaked);
        w.out.push(out[i]!.leaked);
        w.chin.push(f.width1080 >= 40 && chin[i]!.leaked);
        leaks.set(f.id, w);
      });
    });
    const walkers = [...leaks].map(([id, w]) => ({
      id,
      width: w.width,
      // the checker sees each walker in (nearly) every frame of the input
      rawShare: w.raw.filter(Boolean).length / w.raw.length,
      longestLeakRun: longestRun(w.out),
      longestChinRun: longestRun(w.chin),
      leaked: w.out.filter(Boolean).length,
      frames: w.out.length,
    }));
    expect(walkers).toHaveLength(8);
    for (const w of walkers) expect(w.rawShare, w.id).toBeGreaterThan(0.9);
    const from20 = walkers.filter((w) => w.width >= 20);
    expect(from20).toHaveLength(6);
    expect(from20.filter((w) => w.longestLeakRun > 2 || w.longestChinRun > 2)).toEqual([]);
    const under20 = walkers.filter((w) => w.width < 20);
    const sum = (f: (w: (typeof walkers)[number]) => number): number => under20.reduce((a, w) => a + f(w), 0);
    expect(sum((w) => w.leaked) / sum((w) => w.frames)).toBeLessThan(0.2);
  }, 300_000);
});
