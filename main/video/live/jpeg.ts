import { FfmpegSink } from '../capture/ffmpeg-sink';
import type { AnonymizedFrame } from '../pipeline/anonymized-frame';
import type { PixelFormat } from '../types';

/**
 * Splits ffmpeg's `image2pipe` MJPEG output into whole JPEG files. Baseline JPEG byte-stuffs 0xFF
 * inside entropy-coded data, so an FF D9 (EOI) marks the end of an image.
 */
export class JpegSplitter {
  private parts: Buffer[] = [];

  constructor(private readonly onJpeg: (jpeg: Buffer) => void) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const prev = i === 0 ? (this.parts.length > 0 ? this.lastByte() : -1) : chunk[i - 1];
      if (prev === 0xff && chunk[i] === 0xd9) {
        this.parts.push(chunk.subarray(start, i + 1));
        const jpeg = Buffer.concat(this.parts);
        this.parts = [];
        start = i + 1;
        if (jpeg[0] === 0xff && jpeg[1] === 0xd8) this.onJpeg(jpeg);
      }
    }
    if (start < chunk.length) this.parts.push(chunk.subarray(start));
  }

  private lastByte(): number {
    const last = this.parts[this.parts.length - 1]!;
    return last[last.length - 1] ?? -1;
  }
}

/** Options of {@link LiveJpegEncoder}. */
export interface LiveJpegOptions {
  width: number;
  height: number;
  pixelFormat: PixelFormat;
  /** JPEGs per second pushed to the UI (the capture rate is usually higher). */
  fps: number;
  /** Width of the JPEGs (height keeps the aspect ratio). */
  outWidthPx: number;
  /** mjpeg quality scale 2 (best)..31. */
  quality?: number;
  ffmpegPath?: string;
}

/**
 * The live view: anonymized frames at a low rate → one long-running ffmpeg (mjpeg) → JPEG images
 * for the UI. Only {@link AnonymizedFrame}s go in.
 */
export class LiveJpegEncoder {
  private sink: FfmpegSink | undefined;
  private lastMs = -Infinity;

  constructor(
    private readonly opts: LiveJpegOptions,
    private readonly onJpeg: (jpeg: Buffer, frameAtMs: number) => void,
  ) {}

  /** Offers a frame; encodes it when the live rate allows. */
  offer(frame: AnonymizedFrame): void {
    if (frame.capturedAtMs - this.lastMs < 1000 / this.opts.fps) return;
    if (!this.sink || !this.sink.alive) this.sink = this.spawn();
    if (this.sink.write(frame)) this.lastMs = frame.capturedAtMs;
  }

  /** Ends the encoder (its last JPEGs still come out); a later {@link offer} starts a new one. */
  async close(): Promise<void> {
    const sink = this.sink;
    this.sink = undefined;
    await sink?.finish();
  }

  private spawn(): FfmpegSink {
    const w = Math.min(this.opts.outWidthPx, this.opts.width) & ~1;
    // Its own splitter: one still finishing after close() must not mix its bytes with the new one's.
    const splitter = new JpegSplitter((j) => this.onJpeg(j, this.lastMs));
    return new FfmpegSink({
      width: this.opts.width,
      height: this.opts.height,
      fps: this.opts.fps,
      pixelFormat: this.opts.pixelFormat,
      ffmpegPath: this.opts.ffmpegPath,
      outputArgs: [
        '-vf',
        `scale=${w}:-2`,
        '-c:v',
        'mjpeg',
        '-q:v',
        String(this.opts.quality ?? 5),
        '-f',
        'image2pipe',
        '-',
      ],
      onStdout: (c) => splitter.push(c),
    });
  }
}

/** Encodes one anonymized frame to a full-size JPEG (snapshots). */
export async function encodeSnapshot(frame: AnonymizedFrame, ffmpegPath?: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new FfmpegSink({
    width: frame.width,
    height: frame.height,
    fps: 1,
    pixelFormat: frame.format,
    ffmpegPath,
    outputArgs: ['-frames:v', '1', '-c:v', 'mjpeg', '-q:v', '3', '-f', 'image2pipe', '-'],
    onStdout: (c) => chunks.push(c),
  });
  sink.write(frame);
  const err = await sink.finish();
  if (err !== null) throw new Error(`snapshot encode failed: ${err}`);
  return Buffer.concat(chunks);
}
