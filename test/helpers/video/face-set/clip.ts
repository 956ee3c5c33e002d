/**
 * The moving-face clip: 1920×1080 at 10 fps, faces of 16–64 px (and one of 140 px) walking to and
 * fro across a CCTV room, two of them stepping in mid-clip, each in its own lane (smaller, further
 * away, higher up) so no face ever covers another. Ground truth per frame, from construction.
 * Written as H.264 (libx264 veryfast crf 23, yuv420p) with the boxes beside it in JSON.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ffmpegBin } from '../../../../main/video/anonymize/media';
import type { Frame, Rect } from '../../../../main/video/types';
import { PLAIN_LOOK, pasteOne, transformFor, type FaceRequest } from './compose';
import { addNoise } from './effects';
import { cloneImage, toFrame } from './image';
import { footprint, truthBox } from './paste';
import { Rng } from './prng';
import { roomBackground } from './room';
import { loadSources } from './sources';
import { FaceDeck } from './stills';

export interface ClipOptions {
  seed: number;
  seconds: number;
  fps: number;
}

export const DEFAULT_CLIP: Readonly<ClipOptions> = Object.freeze({ seed: 17, seconds: 10, fps: 10 });

/** The walkers' face widths (1080p px) and the second each steps in. */
const WALKERS: ReadonlyArray<{ width: number; fromS: number }> = [
  { width: 16, fromS: 0 },
  { width: 18, fromS: 3 },
  { width: 22, fromS: 0 },
  { width: 28, fromS: 0 },
  { width: 36, fromS: 5 },
  { width: 48, fromS: 0 },
  { width: 64, fromS: 0 },
  { width: 140, fromS: 0 },
];

export interface ClipFace {
  /** the walker, e.g. 'w3' */
  id: string;
  box: Rect;
  width1080: number;
  bucket: string;
}

/** The clip's frame size and rate. */
export interface ClipFormat {
  width: number;
  height: number;
  fps: number;
  frames: number;
}

export function clipFormat(o: ClipOptions = DEFAULT_CLIP): ClipFormat {
  return { width: 1920, height: 1080, fps: o.fps, frames: Math.round(o.seconds * o.fps) };
}

interface Walker {
  id: string;
  req: FaceRequest;
  lane: number;
  x0: number;
  speed: number;
  fromFrame: number;
}

/** Lanes from the top, one per walker (smallest first), each as tall as its pasted patch. */
function laneWalkers(deck: FaceDeck, rng: Rng, width: number, height: number, fps: number): Walker[] {
  let top = height * 0.1;
  return WALKERS.map((w, i) => {
    const req: FaceRequest = {
      source: deck.next(),
      widthPx: (w.width * height) / 1080,
      look: { ...PLAIN_LOOK, context: 0.3, flip: rng.next() < 0.5 },
    };
    const fp = footprint(req.source, transformFor(req, 0, 0));
    const lane = top - fp.y + 2;
    top += fp.height + 6;
    if (top > height) throw new Error(`the clip's lanes do not fit in ${height} px`);
    // lateral speed ≈ a walk seen from the side, scaled by the face's size (≈ 15 cm wide)
    const speed = (req.widthPx / 0.15) * 1.4 * rng.range(0.25, 0.6) * rng.sign();
    return {
      id: `w${i}`,
      req,
      lane,
      x0: rng.range(0.1, 0.9) * width,
      speed: speed / fps,
      fromFrame: Math.round(w.fromS * fps),
    };
  });
}

/** x of a walker bouncing between the frame's sides, at frame `n`. */
function walkX(w: Walker, n: number, lo: number, hi: number): number {
  const span = hi - lo;
  const p = (((w.x0 - lo + w.speed * n) % (2 * span)) + 2 * span) % (2 * span);
  return lo + (p <= span ? p : 2 * span - p);
}

/** The clip's frames as drawn (rgb24, before H.264), one at a time, with the faces in view. */
export async function* faceClipFrames(
  o: ClipOptions = DEFAULT_CLIP,
): AsyncGenerator<{ frame: Frame; faces: ClipFace[] }> {
  const { faces } = await loadSources();
  const { width, height, fps, frames } = clipFormat(o);
  const rng = new Rng(o.seed).fork('clip');
  const bg = roomBackground(width, height, rng.fork('background'));
  const walkers = laneWalkers(new FaceDeck(faces, rng.fork('deck')), rng.fork('walkers'), width, height, fps);
  const noise = rng.fork('noise');
  for (let n = 0; n < frames; n++) {
    const img = cloneImage(bg);
    const inView: ClipFace[] = [];
    for (const w of walkers) {
      if (n < w.fromFrame) continue;
      const half = truthBox(w.req.source, transformFor(w.req, 0, 0)).width / 2 + 2;
      const bob = Math.sin((n / fps) * 2 * Math.PI * 1.8) * 0.04 * w.req.widthPx;
      const t = transformFor(w.req, walkX(w, n, half, width - half), w.lane + bob);
      const motion = { share: (Math.abs(w.speed) * 0.3) / w.req.widthPx, angle: 0 };
      const f = pasteOne(img, { ...w.req, look: { ...w.req.look, motion } }, t);
      inView.push({ id: w.id, box: f.box, width1080: f.width1080, bucket: f.bucket });
    }
    addNoise(img, 3, noise);
    yield { frame: toFrame(img), faces: inView };
  }
}

/**
 * Writes the clip as `<dir>/face-clip.mp4` (H.264, the frames piped to ffmpeg as they are drawn)
 * and its per-frame boxes as `face-clip.json`; returns the paths and the boxes.
 */
export async function writeFaceClip(
  dir: string,
  o: ClipOptions = DEFAULT_CLIP,
): Promise<{ mp4: string; json: string; format: ClipFormat; truth: ClipFace[][] }> {
  const format = clipFormat(o);
  const mp4 = join(dir, 'face-clip.mp4');
  const json = join(dir, 'face-clip.json');
  const ff = spawn(
    ffmpegBin(),
    ['-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${format.width}x${format.height}`]
      .concat(['-framerate', String(format.fps), '-i', '-', '-c:v', 'libx264', '-preset', 'veryfast'])
      .concat(['-crf', '23', '-pix_fmt', 'yuv420p', '-g', String(format.fps * 2), mp4]),
    { stdio: ['pipe', 'ignore', 'pipe'] },
  );
  let err = '';
  ff.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number>((resolve) => ff.on('close', (code) => resolve(code ?? -1)));
  const truth: ClipFace[][] = [];
  for await (const { frame, faces } of faceClipFrames(o)) {
    truth.push(faces);
    if (!ff.stdin.write(frame.data)) await new Promise((r) => ff.stdin.once('drain', r));
  }
  ff.stdin.end();
  if ((await exited) !== 0) throw new Error(`ffmpeg could not write ${mp4}: ${err}`);
  writeFileSync(
    json,
    JSON.stringify({
      about:
        'test/helpers/video/face-set/clip.ts: faces walking across a CCTV room; boxes forehead to chin, per frame, from construction',
      ...format,
      seed: o.seed,
      faces: truth,
    }),
  );
  return { mp4, json, format, truth };
}
