import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { AnonymizedFrame } from '../pipeline/anonymized-frame';
import type { PixelFormat } from '../types';

/** Options of {@link FfmpegSink}. */
export interface FfmpegSinkOptions {
  width: number;
  height: number;
  fps: number;
  pixelFormat: PixelFormat;
  /** Everything after `-i -`: codec, format, destination. */
  outputArgs: string[];
  ffmpegPath?: string;
  /** Called with each chunk of ffmpeg's stdout (JPEG frames of the live view). */
  onStdout?: (chunk: Buffer) => void;
}

/**
 * An ffmpeg process that encodes anonymized raw frames written to its stdin. It accepts only
 * {@link AnonymizedFrame}: every encoder (recorder, live JPEG, snapshot, RTMP stream) is an exit of
 * the privacy pipeline and the type keeps raw frames out. A frame written while ffmpeg is still
 * busy with the previous ones is skipped (counted) rather than queued without bound.
 */
export class FfmpegSink {
  private readonly child: ChildProcessWithoutNullStreams;
  private tail = '';
  private busy = false;
  private ended = false;
  framesWritten = 0;
  framesSkipped = 0;
  /** Resolves when ffmpeg exits: null on success, else the reason (last stderr lines). */
  readonly done: Promise<string | null>;

  constructor(private readonly opts: FfmpegSinkOptions) {
    const args = [
      '-hide_banner',
      '-nostdin',
      '-loglevel',
      'error',
      // The input is raw frames of a known size: nothing to probe. ffmpeg's default probe reads
      // 5 MB first, so a 640×360 yuv420p live view showed its first JPEG only after 13 frames
      // (6.5 s at 2 fps); the recorder and the RTMP stream started that late as well.
      '-probesize',
      '32',
      '-analyzeduration',
      '0',
      '-f',
      'rawvideo',
      '-pix_fmt',
      opts.pixelFormat,
      '-s',
      `${opts.width}x${opts.height}`,
      '-r',
      String(opts.fps),
      '-i',
      '-',
      ...opts.outputArgs,
    ];
    this.child = spawn(opts.ffmpegPath ?? 'ffmpeg', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (d: Buffer) => {
      this.tail = (this.tail + d.toString()).slice(-2000);
    });
    this.child.stdout.on('data', (d: Buffer) => opts.onStdout?.(d));
    // EPIPE when ffmpeg died: the exit code says why.
    this.child.stdin.on('error', () => undefined);
    this.done = new Promise((resolve) => {
      this.child.once('error', (err) => resolve(`ffmpeg could not start: ${err.message}`));
      this.child.once('close', (code, signal) => {
        this.ended = true;
        if (code === 0) resolve(null);
        else
          resolve(
            this.tail.trim().split('\n').slice(-3).join(' | ') || `ffmpeg exited with ${signal ?? code}`,
          );
      });
    });
  }

  /** Whether ffmpeg is still running. */
  get alive(): boolean {
    return !this.ended;
  }

  /** Writes one anonymized frame; returns false if it was skipped (encoder behind or gone). */
  write(frame: AnonymizedFrame): boolean {
    if (this.ended || this.child.stdin.destroyed || !this.child.stdin.writable) return false;
    if (
      frame.width !== this.opts.width ||
      frame.height !== this.opts.height ||
      frame.format !== this.opts.pixelFormat
    ) {
      throw new Error(
        `sink expects ${this.opts.width}x${this.opts.height} ${this.opts.pixelFormat}, got ${frame.width}x${frame.height} ${frame.format}`,
      );
    }
    if (this.busy) {
      this.framesSkipped++;
      return false;
    }
    this.framesWritten++;
    const ok = this.child.stdin.write(frame.data);
    if (!ok) {
      this.busy = true;
      this.child.stdin.once('drain', () => (this.busy = false));
    }
    return true;
  }

  /** Ends the input and waits for ffmpeg to finish the file (or stream). */
  async finish(): Promise<string | null> {
    if (!this.ended) this.child.stdin.end();
    return this.done;
  }

  /** Kills ffmpeg now (its output may be incomplete; callers delete it). */
  async kill(): Promise<string | null> {
    if (!this.ended) this.child.kill('SIGKILL');
    return this.done;
  }
}
