import { spawn } from 'node:child_process';
import type { Frame } from '../types';
import { AnonymizeError } from './errors';

/** The ffmpeg/ffprobe binaries (Debian's, on PATH unless HOTPOT_FFMPEG / HOTPOT_FFPROBE say otherwise). */
export function ffmpegBin(): string {
  return process.env.HOTPOT_FFMPEG ?? 'ffmpeg';
}
export function ffprobeBin(): string {
  return process.env.HOTPOT_FFPROBE ?? 'ffprobe';
}

/** Runs a command to completion, collecting stdout (bytes) and stderr (text). */
export function run(
  cmd: string,
  args: string[],
  stdin?: Uint8Array,
): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    p.stdout.on('data', (d: Buffer) => out.push(d));
    p.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.length > 64_000) err = err.slice(-32_000);
    });
    p.on('error', (e) =>
      reject(
        new AnonymizeError(
          'FFMPEG_FAILED',
          `cannot run ${cmd}: ${e.message} (install ffmpeg, e.g. apt-get install ffmpeg)`,
          { cmd },
          { cause: e },
        ),
      ),
    );
    p.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr: err }));
    p.stdin.on('error', () => {}); // ffmpeg may exit before reading everything; the exit code tells
    if (stdin) p.stdin.end(stdin);
    else p.stdin.end();
  });
}

/** Size, frame rate, frame count (when the container says) and audio presence of a media file. */
export interface MediaInfo {
  width: number;
  height: number;
  /** frames per second as a fraction, e.g. "15/1" */
  frameRate: string;
  fps: number;
  frames: number | null;
  durationS: number | null;
  hasAudio: boolean;
  codec: string;
  /** true for still images (png, mjpeg single frame, …) */
  isImage: boolean;
}

/** ffprobe of the first video stream; `countFrames` decodes the file to count exactly (slow on long files). */
export async function probeMedia(path: string, countFrames = false): Promise<MediaInfo> {
  const args = ['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format'];
  if (countFrames) args.push('-count_frames');
  const r = await run(ffprobeBin(), [...args, path]);
  if (r.code !== 0) {
    throw new AnonymizeError(
      'UNSUPPORTED_INPUT',
      `${path} is not a readable image or video (ffprobe: ${r.stderr.trim().split('\n').pop() ?? 'failed'})`,
      { path },
    );
  }
  const j = JSON.parse(r.stdout.toString()) as {
    streams?: Array<Record<string, string | number | undefined>>;
    format?: { format_name?: string; duration?: string };
  };
  const v = j.streams?.find((s) => s.codec_type === 'video');
  if (!v) throw new AnonymizeError('UNSUPPORTED_INPUT', `${path} has no video or image stream`, { path });
  const rate = String(
    v.avg_frame_rate && v.avg_frame_rate !== '0/0' ? v.avg_frame_rate : (v.r_frame_rate ?? '25/1'),
  );
  const [n, d] = rate.split('/').map(Number);
  const fps = n && d ? n / d : 25;
  const framesRaw = countFrames ? v.nb_read_frames : v.nb_frames;
  const format = j.format?.format_name ?? '';
  const isImage = /image2|png_pipe|jpeg_pipe|webp_pipe|bmp_pipe|tiff_pipe/.test(format);
  const dur = Number(j.format?.duration ?? v.duration);
  return {
    width: Number(v.width),
    height: Number(v.height),
    frameRate: rate,
    fps,
    frames: framesRaw !== undefined && framesRaw !== 'N/A' ? Number(framesRaw) : null,
    durationS: Number.isFinite(dur) ? dur : null,
    hasAudio: Boolean(j.streams?.some((s) => s.codec_type === 'audio')),
    codec: String(v.codec_name ?? ''),
    isImage,
  };
}

/** Decodes an image file (PNG, JPEG, …) to an rgb24 frame with ffmpeg. */
export async function decodeImage(path: string): Promise<Frame> {
  const info = await probeMedia(path);
  const r = await run(ffmpegBin(), [
    '-v',
    'error',
    '-i',
    path,
    '-frames:v',
    '1',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    '-',
  ]);
  const want = info.width * info.height * 3;
  if (r.code !== 0 || r.stdout.length !== want) {
    throw new AnonymizeError(
      'UNSUPPORTED_INPUT',
      `cannot decode ${path} as an image (${r.stderr.trim().split('\n').pop() ?? `got ${r.stdout.length} of ${want} bytes`})`,
      { path },
    );
  }
  return {
    format: 'rgb24',
    width: info.width,
    height: info.height,
    data: new Uint8Array(r.stdout.buffer, r.stdout.byteOffset, r.stdout.length),
  };
}

/** Encodes an rgb24 frame to an image file; the format follows the extension (.png lossless, .jpg quality 2). */
export async function encodeImage(frame: Frame, path: string): Promise<void> {
  if (frame.format !== 'rgb24')
    throw new AnonymizeError('BAD_OPTIONS', `encodeImage needs an rgb24 frame, got ${frame.format}`);
  const args = [
    '-v',
    'error',
    '-y',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    '-s',
    `${frame.width}x${frame.height}`,
    '-i',
    '-',
    '-frames:v',
    '1',
  ];
  if (/\.jpe?g$/i.test(path)) args.push('-q:v', '2');
  args.push('-update', '1', path);
  const r = await run(ffmpegBin(), args, frame.data);
  if (r.code !== 0)
    throw new AnonymizeError(
      'FFMPEG_FAILED',
      `ffmpeg could not write ${path}: ${r.stderr.trim().split('\n').pop() ?? ''}`,
      { path },
    );
}
