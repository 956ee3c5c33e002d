// A CCTV-like clip for the camera benchmarks: a fixed camera's still background (a face-free strip
// of a demo photo), and faces of the demo photos walking across it at several sizes and speeds, as a
// store camera sees guests pass. Made with ffmpeg from the photos; nothing downloaded.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appRoot } from '../../../main/platform/paths';

interface Walker {
  /** faces.json image index and face index */
  image: number;
  face: number;
  /** face width in pixels at 1920×1080 */
  widthPx: number;
  /** pixels per second (negative: right to left) */
  speed: number;
  /** top of the face box, as a share of the frame height */
  y: number;
  /** seconds before it enters */
  delay: number;
}

/** Nine guests: small ones far away in the back, larger ones nearer, some walking, one standing still. */
export const CCTV_WALKERS: readonly Walker[] = [
  { image: 0, face: 0, widthPx: 18, speed: 40, y: 0.22, delay: 0 },
  { image: 1, face: 1, widthPx: 24, speed: -55, y: 0.26, delay: 1 },
  { image: 2, face: 2, widthPx: 32, speed: 70, y: 0.34, delay: 0.5 },
  { image: 3, face: 0, widthPx: 44, speed: -90, y: 0.4, delay: 2 },
  { image: 4, face: 1, widthPx: 64, speed: 120, y: 0.5, delay: 0 },
  { image: 5, face: 2, widthPx: 96, speed: -150, y: 0.58, delay: 3 },
  { image: 0, face: 2, widthPx: 140, speed: 180, y: 0.62, delay: 1.5 },
  { image: 2, face: 0, widthPx: 40, speed: 0, y: 0.3, delay: 0 },
  { image: 4, face: 0, widthPx: 28, speed: 0, y: 0.45, delay: 0 },
];

/**
 * Writes `seconds` of a width×height CCTV-like clip at `fps` to `file` (H.264 ultrafast, yuv420p),
 * with temporal sensor noise of strength `noise` (ffmpeg's noise filter, 0 = clean).
 */
export function makeCctvClip(
  file: string,
  seconds: number,
  fps: number,
  width: number,
  height: number,
  noise: number,
): void {
  const root = appRoot();
  const facesJson = JSON.parse(
    readFileSync(join(root, 'test', 'fixtures', 'video', 'faces.json'), 'utf8'),
  ) as {
    dir: string;
    images: Array<{ file: string; faces: Array<{ x: number; y: number; width: number; height: number }> }>;
  };
  const k = width / 1920;
  const inputs: string[] = [];
  const photo = (i: number): string => join(root, facesJson.dir, facesJson.images[i]!.file);
  // input 0: the background, the bottom fifth of photo 3 (below every face), scaled to fill the frame
  inputs.push('-framerate', String(fps), '-loop', '1', '-i', photo(2));
  const chains: string[] = [`[0:v]crop=iw:ih/5:0:ih*4/5,scale=${width}:${height},setsar=1[bg0]`];
  CCTV_WALKERS.forEach((w, i) => {
    inputs.push('-framerate', String(fps), '-loop', '1', '-i', photo(w.image));
    const b = facesJson.images[w.image]!.faces[w.face]!;
    const m = 0.6;
    const cw = Math.round(b.width * (1 + 2 * m));
    const ch = Math.round(b.height * (1 + 2 * m));
    const cx = Math.max(0, Math.round(b.x - b.width * m));
    const cy = Math.max(0, Math.round(b.y - b.height * m));
    const dw = Math.max(2, Math.round((cw * w.widthPx * k) / b.width / 2) * 2);
    chains.push(`[${i + 1}:v]crop=${cw}:${ch}:${cx}:${cy},scale=${dw}:-2[f${i}]`);
    const span = width + dw;
    const x =
      w.speed === 0
        ? String(Math.round(width * (0.15 + 0.08 * i)))
        : w.speed > 0
          ? `mod(max(0\\,t-${w.delay})*${w.speed * k}\\,${span})-${dw}`
          : `${width}-mod(max(0\\,t-${w.delay})*${-w.speed * k}\\,${span})`;
    chains.push(`[bg${i}][f${i}]overlay=x='${x}':y=${Math.round(w.y * height)}:shortest=0[bg${i + 1}]`);
  });
  const last = `bg${CCTV_WALKERS.length}`;
  chains.push(`[${last}]${noise > 0 ? `noise=alls=${noise}:allf=t,` : ''}format=yuv420p[v]`);
  const frames = Math.round(seconds * fps);
  const r = spawnSync(
    'ffmpeg',
    [
      '-v',
      'error',
      '-y',
      ...inputs,
      '-filter_complex',
      chains.join(';'),
      '-map',
      '[v]',
      '-frames:v',
      String(frames),
      '-r',
      String(fps),
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-g',
      String(fps * 2),
      '-pix_fmt',
      'yuv420p',
      file,
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`ffmpeg could not make the CCTV clip: ${r.stderr}`);
}
