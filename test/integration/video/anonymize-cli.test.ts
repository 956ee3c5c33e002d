// `bin/hotpot video anonymize` as a real process (the built dist/main/cli.js) on real files made
// here with ffmpeg from the demo face photos: the 795-frame CCTV clip, a short clip, a photo,
// and the error cases. Detection on the outputs proves the faces are gone.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRoot } from '../../../main/platform/paths';
import { createInProcessDetector } from '../../../main/video/detect';
import { FACE_CHECKER } from '../../helpers/rtsp/face-check';
import type { FaceDetector, Frame } from '../../../main/video/types';

const root = appRoot();
const cli = join(root, 'dist', 'main', 'cli.js');
const demo = join(root, 'node_modules', '@vladmandic', 'face-api', 'demo');
const dir = mkdtempSync(join(tmpdir(), 'hotpot-anon-cli-'));
let detector: FaceDetector;

function hotpot(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

function ffmpeg(args: string[]): void {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-y', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed: ${r.stderr}`);
}

/** A CCTV-like clip: a face photo panned across a 1280x720 frame, with an audio track. */
function makeClip(
  file: string,
  frames: number,
  fps: number,
  width: number,
  height: number,
  photo = 'sample3.jpg',
): void {
  ffmpeg([
    '-framerate',
    String(fps),
    '-loop',
    '1',
    '-i',
    join(demo, photo),
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=44100',
    '-filter_complex',
    `[0:v]scale=1920:-2,crop=${width}:${height}:x='(iw-${width})*n/${frames}':y='(ih-${height})*n/${frames}',format=yuv420p[v]`,
    '-map',
    '[v]',
    '-map',
    '1:a',
    '-frames:v',
    String(frames),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-c:a',
    'aac',
    '-shortest',
    file,
  ]);
}

function probe(file: string): {
  frames: number;
  width: number;
  height: number;
  rate: string;
  audio: boolean;
} {
  const r = spawnSync(
    'ffprobe',
    [
      '-v',
      'error',
      '-count_frames',
      '-show_entries',
      'stream=codec_type,nb_read_frames,width,height,r_frame_rate',
      '-of',
      'json',
      file,
    ],
    { encoding: 'utf8' },
  );
  const streams = (JSON.parse(r.stdout) as { streams: Array<Record<string, string | number>> }).streams;
  const v = streams.find((s) => s.codec_type === 'video')!;
  return {
    frames: Number(v.nb_read_frames),
    width: Number(v.width),
    height: Number(v.height),
    rate: String(v.r_frame_rate),
    audio: streams.some((s) => s.codec_type === 'audio'),
  };
}

/** Every `step`-th frame of a video, as rgb24. */
function sampleFrames(file: string, step: number, width: number, height: number): Frame[] {
  const r = spawnSync(
    'ffmpeg',
    [
      '-v',
      'error',
      '-i',
      file,
      '-vf',
      `select='not(mod(n\\,${step}))'`,
      '-fps_mode',
      'passthrough',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-',
    ],
    { maxBuffer: 1 << 30 },
  );
  const size = width * height * 3;
  const out: Frame[] = [];
  for (let o = 0; o + size <= r.stdout.length; o += size)
    out.push({ format: 'rgb24', width, height, data: new Uint8Array(r.stdout.subarray(o, o + size)) });
  return out;
}

async function facesIn(frames: Frame[]): Promise<number> {
  let n = 0;
  for (const f of frames) n += (await detector.detect(f)).length;
  return n;
}

beforeAll(async () => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run bin/hotpot setup first`);
  // the privacy checker of every other test (the tiny detector at ≥ 0.2 fired on blurred boxes and necklines)
  detector = await createInProcessDetector(FACE_CHECKER);
}, 60_000);
afterAll(async () => {
  await detector?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('bin/hotpot video anonymize', () => {
  it('writes all 795 frames of a 795-frame CCTV clip, same size, rate and audio, with no face left', async () => {
    const input = join(dir, 'cctv.mp4');
    const output = join(dir, 'cctv-anon.mp4');
    makeClip(input, 795, 15, 1280, 720);
    expect(probe(input).frames).toBe(795);
    const r = await hotpot(['video', 'anonymize', input, output]);
    expect(r.stderr).toMatch(/frame 795\/795/);
    expect(r.code, r.stderr).toBe(0);
    expect(probe(output)).toEqual({ frames: 795, width: 1280, height: 720, rate: '15/1', audio: true });
    const before = sampleFrames(input, 53, 1280, 720);
    const after = sampleFrames(output, 53, 1280, 720);
    expect(after).toHaveLength(15);
    expect(await facesIn(before)).toBeGreaterThanOrEqual(15); // the clip does show faces...
    expect(await facesIn(after)).toBe(0); // ...and the output none
  });

  it('keeps every frame and the size of a short odd-rate clip with --replacewith pixelate', async () => {
    const input = join(dir, 'short.mp4');
    const output = join(dir, 'short-anon.mkv');
    makeClip(input, 37, 12.5, 640, 360, 'sample5.jpg');
    const r = await hotpot([
      'video',
      'anonymize',
      input,
      output,
      '--replacewith',
      'pixelate',
      '--mask-scale',
      '1.5',
      '--thresh',
      '0.25',
      '--quiet',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(probe(output)).toEqual({ frames: 37, width: 640, height: 360, rate: '25/2', audio: true });
    expect(await facesIn(sampleFrames(output, 6, 640, 360))).toBe(0);
  });

  it('anonymizes a JPEG photo into a PNG of the same size', async () => {
    const output = join(dir, 'photo.png');
    const r = await hotpot([
      'video',
      'anonymize',
      join(demo, 'sample6.jpg'),
      output,
      '--replacewith',
      'solid',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/1920x1537, 1 frame\(s\)/);
    const frames = sampleFrames(output, 1, 1920, 1537);
    expect(frames).toHaveLength(1);
    expect(await facesIn(frames)).toBe(0);
  });

  it('says clearly what is wrong with the input or the flags', async () => {
    const missing = await hotpot(['video', 'anonymize', join(dir, 'nope.mp4'), join(dir, 'x.mp4')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/input file .*nope\.mp4 does not exist/);

    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'not a video\n');
    const bad = await hotpot(['video', 'anonymize', text, join(dir, 'x.mp4')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/notes\.txt is not a readable image or video/);

    const mismatch = await hotpot(['video', 'anonymize', join(demo, 'sample1.jpg'), join(dir, 'x.mp4')]);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toMatch(/is an image, so the output must be one too/);

    const noDir = await hotpot([
      'video',
      'anonymize',
      join(dir, 'short.mp4'),
      join(dir, 'no', 'such', 'dir', 'x.mp4'),
      '--quiet',
    ]);
    expect(noDir.code).toBe(1);
    expect(noDir.stderr).toMatch(/ffmpeg could not write .*x\.mp4/);

    const flag = await hotpot(['video', 'anonymize', 'a', 'b', '--replacewith', 'smudge']);
    expect(flag.code).toBe(1);
    expect(flag.stderr).toMatch(/replaceWith must be blur, pixelate or solid, got smudge/);

    const unknown = await hotpot(['video', 'anonymize', 'a', 'b', '--blur-harder']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/known flags: --thresh/);
  });
});
