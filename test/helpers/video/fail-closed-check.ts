import { spawnSync } from 'node:child_process';
import { failClosed } from '../../../main/video/anonymize/index';
import type { FaceBox, FaceDetector, Frame, PixelFormat } from '../../../main/video/types';
import { frameBytes, type FrameKernels } from '../../../native/index';

/**
 * Decodes the first frame of an image or video with ffmpeg into `format` at exactly width×height
 * (stretched: ffmpeg's pad refuses odd sizes in yuv420p).
 */
export function decodeFrame(file: string, width: number, height: number, format: PixelFormat): Frame {
  const vf = `scale=${width}:${height},setsar=1`;
  const r = spawnSync(
    'ffmpeg',
    ['-v', 'error', '-i', file, '-vf', vf, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', format, '-'],
    { maxBuffer: 1 << 30 },
  );
  if (r.status !== 0) throw new Error(`ffmpeg could not decode ${file}: ${r.stderr.toString()}`);
  const bytes = frameBytes(format, width, height);
  if (r.stdout.length !== bytes)
    throw new Error(
      `ffmpeg gave ${r.stdout.length} bytes for a ${width}x${height} ${format} frame, not ${bytes}`,
    );
  return { format, width, height, data: new Uint8Array(r.stdout) };
}

/** A copy of `f` with its own pixels. */
export const copyFrame = (f: Frame): Frame => ({ ...f, data: f.data.slice() });

/** What the pipeline's fail-closed treatment makes of `raw` (main/video/anonymize `failClosed`), on a copy. */
export function blurredWhole(raw: Frame, kernels: FrameKernels): Uint8Array {
  const f = copyFrame(raw);
  failClosed(f, kernels);
  return f.data;
}

/** Byte-for-byte equality. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/** `detector` with a count of the frames it was asked to look at. */
export function countingDetector(detector: FaceDetector): FaceDetector & { calls: number } {
  const counted = {
    calls: 0,
    description: detector.description,
    detect: (f: Frame): Promise<FaceBox[]> => {
      counted.calls++;
      return detector.detect(f);
    },
    dispose: () => detector.dispose(),
  };
  return counted;
}
