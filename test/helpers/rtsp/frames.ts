import { spawnSync } from 'node:child_process';
import type { Frame, Rect } from '../../../main/video/types';

/** Decodes an image (or the frames of a video) with ffmpeg into rgb24 frames of width×height (letterboxed). */
export function decodeRgbFrames(
  file: string,
  width: number,
  height: number,
  extraInput: string[] = [],
): Frame[] {
  const r = spawnSync(
    'ffmpeg',
    [
      '-v',
      'error',
      ...extraInput,
      '-i',
      file,
      '-vf',
      `scale=${width}:${height}:force_original_aspect_ratio=decrease,pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2`,
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-',
    ],
    { maxBuffer: 1 << 30 },
  );
  if (r.status !== 0) throw new Error(`ffmpeg could not decode ${file}: ${r.stderr.toString()}`);
  const bytes = width * height * 3;
  const out: Frame[] = [];
  for (let off = 0; off + bytes <= r.stdout.length; off += bytes)
    out.push({ format: 'rgb24', width, height, data: new Uint8Array(r.stdout.subarray(off, off + bytes)) });
  return out;
}

/** Mean absolute difference per channel of two frames over the pixels where `include(x, y)` holds. */
export function meanAbsDiff(
  a: Frame,
  b: Frame,
  include: (x: number, y: number) => boolean = () => true,
): number {
  let sum = 0;
  let n = 0;
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      if (!include(x, y)) continue;
      const i = (y * a.width + x) * 3;
      sum +=
        Math.abs(a.data[i]! - b.data[i]!) +
        Math.abs(a.data[i + 1]! - b.data[i + 1]!) +
        Math.abs(a.data[i + 2]! - b.data[i + 2]!);
      n += 3;
    }
  }
  return n === 0 ? 0 : sum / n;
}

/** Is (x, y) inside any of `rects`? */
export function inAny(rects: readonly Rect[], x: number, y: number): boolean {
  return rects.some((r) => x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height);
}
