/**
 * How a file run talks to ffmpeg: one process decodes the input to raw yuv420p frames (read here
 * with backpressure), another encodes the anonymized frames to H.264 with the input's audio copied.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { ffmpegBin, type MediaInfo } from './media';

/** Reads fixed-size frames from a stream, with backpressure (pauses the stream while `maxQueued` frames wait). */
export class QueuedFrameReader {
  private queue: Uint8Array[] = [];
  /** frame buffers handed back by `recycle` once the encoder is done with them (saves ~1 GB of garbage per 800 720p frames) */
  private pool: Uint8Array[] = [];
  private partial: Uint8Array;
  private fill = 0;
  private ended = false;
  private error: Error | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly stream: Readable,
    private readonly frameSize: number,
    private readonly maxQueued = 8,
  ) {
    this.partial = new Uint8Array(frameSize);
    stream.on('data', (chunk: Buffer) => this.push(chunk));
    stream.on('end', () => {
      this.ended = true;
      this.notify();
    });
    stream.on('error', (e) => {
      this.error = e;
      this.notify();
    });
  }

  private notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private push(chunk: Buffer): void {
    let off = 0;
    while (off < chunk.length) {
      const n = Math.min(this.frameSize - this.fill, chunk.length - off);
      this.partial.set(chunk.subarray(off, off + n), this.fill);
      this.fill += n;
      off += n;
      if (this.fill === this.frameSize) {
        this.queue.push(this.partial);
        this.partial = this.pool.pop() ?? new Uint8Array(this.frameSize);
        this.fill = 0;
      }
    }
    if (this.queue.length >= this.maxQueued) this.stream.pause();
    this.notify();
  }

  /** Gives a frame buffer back for reuse; the caller must not touch it afterwards. */
  recycle(buf: Uint8Array): void {
    if (buf.length === this.frameSize && this.pool.length < 16) this.pool.push(buf);
  }

  /** The next whole frame, or null at the end of the stream. */
  async next(): Promise<Uint8Array | null> {
    for (;;) {
      const f = this.queue.shift();
      if (f) {
        if (this.queue.length < this.maxQueued) this.stream.resume();
        return f;
      }
      if (this.error) throw this.error;
      if (this.ended) return null;
      await new Promise<void>((r) => (this.wake = r));
    }
  }
}

/**
 * Writes with backpressure; `done` runs once the stream no longer needs `data` (it may then be reused).
 * Rejects when the stream closes or fails while we wait: an encoder that died (e.g. it cannot open
 * its output) never emits 'drain', and waiting for it hung the run.
 */
export function writeAll(stream: Writable, data: Uint8Array, done?: () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const stopped = new Error('the encoder stopped taking frames');
    if (stream.destroyed || stream.writableEnded) return reject(stopped);
    const onDrain = (): void => {
      cleanup();
      resolve();
    };
    const onStop = (): void => {
      cleanup();
      reject(stopped);
    };
    const cleanup = (): void => {
      stream.off('drain', onDrain);
      stream.off('close', onStop);
      stream.off('error', onStop);
    };
    const ok = stream.write(data, (err) => {
      if (err) onStop();
      else done?.();
    });
    if (ok) return resolve();
    stream.once('drain', onDrain);
    stream.once('close', onStop);
    stream.once('error', onStop);
  });
}

function collectStderr(p: ChildProcessByStdio<Writable | null, Readable | null, Readable>): () => string {
  let err = '';
  p.stderr.on('data', (d: Buffer) => {
    err += d.toString();
    if (err.length > 32_000) err = err.slice(-16_000);
  });
  return () => err.trim().split('\n').slice(-3).join(' | ');
}

function exited(p: {
  on(ev: 'close', cb: (code: number | null) => void): unknown;
  exitCode: number | null;
}): Promise<number> {
  return new Promise((resolve) => {
    if (p.exitCode !== null) resolve(p.exitCode);
    else p.on('close', (code) => resolve(code ?? -1));
  });
}

/** A spawned ffmpeg: the process, the last lines it wrote to stderr, and its exit code once it closed. */
export interface FfmpegRun<P> {
  proc: P;
  stderrTail: () => string;
  exit: Promise<number>;
}

/** Starts ffmpeg decoding the first video stream of `input` to raw yuv420p on stdout: every decoded frame exactly once (no duplication or dropping to a nominal rate). */
export function spawnRawDecoder(input: string): FfmpegRun<ChildProcessByStdio<null, Readable, Readable>> {
  const dec = spawn(
    ffmpegBin(),
    [
      '-v',
      'error',
      '-nostdin',
      '-i',
      input,
      '-map',
      '0:v:0',
      '-fps_mode',
      'passthrough',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'yuv420p',
      '-',
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return { proc: dec, stderrTail: collectStderr(dec), exit: exited(dec) };
}

/**
 * Starts ffmpeg encoding raw yuv420p frames of `info`'s size and frame rate from stdin to H.264 in
 * `output` (x264 `preset`), with `input`'s audio copied.
 */
export function spawnH264Encoder(
  input: string,
  output: string,
  info: MediaInfo,
  preset: string,
): FfmpegRun<ChildProcessByStdio<Writable, null, Readable>> {
  const enc = spawn(
    ffmpegBin(),
    [
      '-v',
      'error',
      '-y',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'yuv420p',
      '-s',
      `${info.width}x${info.height}`,
      '-framerate',
      info.frameRate,
      '-i',
      '-',
      '-i',
      input,
      '-map',
      '0:v:0',
      '-map',
      '1:a?',
      '-c:a',
      'copy',
      '-c:v',
      'libx264',
      '-preset',
      preset,
      '-pix_fmt',
      'yuv420p',
      '-fps_mode',
      'passthrough',
      output,
    ],
    { stdio: ['pipe', 'ignore', 'pipe'] },
  );
  return { proc: enc, stderrTail: collectStderr(enc), exit: exited(enc) };
}
