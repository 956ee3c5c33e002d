/**
 * An H.264 round trip of stills, as the node's recorder stores them (main/video/record: libx264
 * veryfast, crf 23, yuv420p, one encoder thread), then decoded back to rgb24 with ffmpeg. Every
 * still is an I-frame of its own (keyint 1), as a single frame would be; stills of one size share an
 * encoder and a decoder (an ffmpeg's start costs more than a frame's encoding).
 */
import { ffmpegBin, run } from '../../../../main/video/anonymize/media';
import type { Frame } from '../../../../main/video/types';

/** Encodes `frames` (all rgb24 of one size) as one intra-only H.264 stream and decodes it back. */
async function roundTripSameSize(frames: readonly Frame[], crf: number, preset: string): Promise<Frame[]> {
  const { width, height } = frames[0]!;
  const size = `${width}x${height}`;
  const enc = await run(
    ffmpegBin(),
    ['-v', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', size, '-i', '-']
      .concat(['-c:v', 'libx264', '-preset', preset, '-crf', String(crf), '-threads', '1', '-g', '1'])
      .concat(['-pix_fmt', 'yuv420p', '-f', 'h264', '-']),
    Buffer.concat(frames.map((f) => f.data)),
  );
  if (enc.code !== 0)
    throw new Error(`x264 could not encode ${frames.length} frames of ${size}: ${enc.stderr}`);
  const dec = await run(
    ffmpegBin(),
    ['-v', 'error', '-threads', '1', '-f', 'h264', '-i', '-', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
    enc.stdout,
  );
  const bytes = width * height * 3;
  if (dec.code !== 0 || dec.stdout.length !== bytes * frames.length)
    throw new Error(`ffmpeg could not decode ${frames.length} H.264 frames of ${size}: ${dec.stderr}`);
  return frames.map((f, i) => ({
    ...f,
    data: new Uint8Array(dec.stdout.buffer, dec.stdout.byteOffset + i * bytes, bytes),
  }));
}

/** Each frame (rgb24) after an H.264 encode and decode, in order. */
export async function h264RoundTrips(
  frames: readonly Frame[],
  crf = 23,
  preset = 'veryfast',
): Promise<Frame[]> {
  for (const f of frames)
    if (f.format !== 'rgb24') throw new Error(`h264RoundTrips needs rgb24, got ${f.format}`);
  const bySize = new Map<string, number[]>();
  frames.forEach((f, i) => {
    const k = `${f.width}x${f.height}`;
    bySize.set(k, [...(bySize.get(k) ?? []), i]);
  });
  const out: Frame[] = new Array<Frame>(frames.length);
  await Promise.all(
    [...bySize.values()].map(async (idx) => {
      const done = await roundTripSameSize(
        idx.map((i) => frames[i]!),
        crf,
        preset,
      );
      idx.forEach((i, k) => (out[i] = done[k]!));
    }),
  );
  return out;
}

/** One frame after an H.264 encode and decode. */
export async function h264RoundTrip(frame: Frame, crf = 23, preset = 'veryfast'): Promise<Frame> {
  return (await h264RoundTrips([frame], crf, preset))[0]!;
}
