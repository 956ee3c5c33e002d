/**
 * One detector configuration on the face set's moving clip, as a camera of the node runs it: the
 * clip decoded to yuv420p (at the node's capture size, or whole), each frame through a
 * PrivacyPipeline with the node's defaults (detection every ⌊fps / 5⌋ frames and on scene changes,
 * a FaceTracker between, deadline, fail closed) and a worker detector, fed at the camera's rate
 * (a frame that comes while the pipeline is busy waits, and only the newest waits, as in the
 * capture session), then the detector-free checker against the per-frame ground truth. A detector
 * too slow for the cadence shows as frames blurred whole or dropped, as on a camera.
 */
import { spawnSync } from 'node:child_process';
import { workerPath } from '../../../main/platform/paths';
import { DEFAULT_ANONYMIZE_OPTIONS } from '../../../main/video/anonymize';
import { FaceTracker, createFaceDetector } from '../../../main/video/detect';
import { PrivacyPipeline } from '../../../main/video/pipeline/pipeline';
import type { FaceDetector, Frame, Rect } from '../../../main/video/types';
import { frameKernels } from '../../../native';
import { SIZE_BUCKETS, facesVisibility, type ClipFace, type ClipFormat } from '../../helpers/video/face-set';
import { NODE_VIDEO, nodeDetectEvery } from './node-defaults';
import { addFace, newTally, summarize, type Tally } from './privacy-score';
import type { PrivacyRow } from './privacy-stills';

export interface WrittenClip {
  mp4: string;
  format: ClipFormat;
  truth: ClipFace[][];
}

/** The clip's frames decoded by ffmpeg to yuv420p at width×height. */
export function decodeYuvFrames(file: string, width: number, height: number): Frame[] {
  const r = spawnSync(
    'ffmpeg',
    [
      '-v',
      'error',
      '-i',
      file,
      '-vf',
      `scale=${width}:${height}`,
      '-f',
      'rawvideo',
      '-pix_fmt',
      'yuv420p',
      '-',
    ],
    { maxBuffer: 2 ** 31 - 1 },
  );
  if (r.status !== 0) throw new Error(`ffmpeg could not decode ${file}: ${r.stderr.toString()}`);
  const size = width * height + 2 * ((width + 1) >> 1) * ((height + 1) >> 1);
  const out: Frame[] = [];
  for (let o = 0; o + size <= r.stdout.length; o += size)
    out.push({ format: 'yuv420p', width, height, data: new Uint8Array(r.stdout.subarray(o, o + size)) });
  return out;
}

const scaleBox = (b: Rect, k: number): Rect => ({
  x: b.x * k,
  y: b.y * k,
  width: b.width * k,
  height: b.height * k,
});

/** The longest run of consecutive frames in which the face was leaked. */
function longestRun(leaks: readonly boolean[]): number {
  let best = 0;
  let run = 0;
  for (const l of leaks) {
    run = l ? run + 1 : 0;
    best = Math.max(best, run);
  }
  return best;
}

/** A privacy pipeline with the node's defaults for a camera of `fps`. */
function newPipeline(detector: FaceDetector, fps: number): PrivacyPipeline {
  const every = nodeDetectEvery(fps);
  const p = NODE_VIDEO.pipeline;
  return new PrivacyPipeline(
    {
      detectEveryFrames: every,
      sceneChange: p.sceneChange,
      deadlineMs: p.deadlineMs,
      whenBehind: p.whenBehind,
      maxTrackedFrames: p.maxTrackedFrames,
      anonymize: { ...DEFAULT_ANONYMIZE_OPTIONS },
      masks: [],
    },
    // as the capture session builds it (main/video/capture/capture-session.ts)
    {
      detector,
      tracker: every > 1 ? new FaceTracker() : undefined,
      kernels: frameKernels(),
      nowMs: () => performance.now(),
    },
  );
}

/**
 * Feeds `frames` to `pipeline` at `fps` in real time, as the capture session does: when the
 * pipeline is still busy, only the newest frame due is taken and the others are dropped (never
 * output). Returns each frame's output (null: dropped, by the pacing or the pipeline).
 */
async function runAtCameraRate(
  pipeline: PrivacyPipeline,
  frames: readonly Frame[],
  fps: number,
): Promise<Array<Frame | null>> {
  const outputs: Array<Frame | null> = frames.map(() => null);
  const start = performance.now();
  for (let next = 0; next < frames.length;) {
    const now = performance.now() - start;
    const due = Math.min(frames.length - 1, Math.floor((now * fps) / 1000));
    if (due < next) {
      await new Promise((r) => setTimeout(r, (next * 1000) / fps - now));
      continue;
    }
    const out = { ...frames[due]!, data: frames[due]!.data.slice() };
    outputs[due] = (await pipeline.process(out, (due * 1000) / fps)) ? out : null;
    next = due + 1;
  }
  return outputs;
}

interface WalkerLeaks {
  width1080: number;
  /** leaked or not, on each output frame the walker is in */
  leaked: boolean[];
}

/** Runs `row` on the clip decoded at width×height, at the camera's rate; returns its JSON section. */
export async function privacyOnClip(
  row: PrivacyRow,
  clip: WrittenClip,
  width: number,
  height: number,
): Promise<Record<string, unknown>> {
  const frames = decodeYuvFrames(clip.mp4, width, height);
  const k = width / clip.format.width;
  const detector = await createFaceDetector(row.options, { workerFile: workerPath('detector') });
  const pipeline = newPipeline(detector, clip.format.fps);
  let outputs: Array<Frame | null>;
  try {
    await detector.detect(frames[0]!); // loads the model and prepares its input shape, as a camera's start does
    outputs = await runAtCameraRate(pipeline, frames, clip.format.fps);
  } finally {
    await detector.dispose();
  }
  const byBucket = new Map<string, Tally>();
  const all = newTally();
  const leaks = new Map<string, WalkerLeaks>();
  outputs.forEach((out, n) => {
    if (!out) return;
    const faces = clip.truth[n] ?? [];
    const boxes = faces.map((f) => scaleBox(f.box, k));
    const vis = facesVisibility(frames[n]!, out, boxes);
    faces.forEach((f, i) => {
      if (!byBucket.has(f.bucket)) byBucket.set(f.bucket, newTally());
      addFace(byBucket.get(f.bucket)!, vis[i]!, boxes[i]!);
      addFace(all, vis[i]!, boxes[i]!);
      const w = leaks.get(f.id) ?? { width1080: Math.round(f.width1080), leaked: [] };
      w.leaked.push(vis[i]!.leaked);
      leaks.set(f.id, w);
    });
  });
  const walkers = Object.fromEntries(
    [...leaks].map(([id, w]) => [
      id,
      {
        width_1080p: w.width1080,
        frames: w.leaked.length,
        leaked_frames: w.leaked.filter(Boolean).length,
        longest_leak_run: longestRun(w.leaked),
      },
    ]),
  );
  const longest = Math.max(0, ...Object.values(walkers).map((w) => w.longest_leak_run));
  const output = outputs.filter(Boolean).length;
  return {
    frame_size: `${width}x${height}`,
    frames: frames.length,
    frames_output: output,
    frames_dropped: frames.length - output,
    // frames the pipeline blurred whole (detection late or failed): their faces count as covered
    frames_blurred_whole: pipeline.stats.failClosed,
    pipeline: { ...pipeline.stats, detect_every_frames: nodeDetectEvery(clip.format.fps) },
    all: summarize(all),
    by_bucket: Object.fromEntries(
      SIZE_BUCKETS.filter((b) => byBucket.has(b.name)).map((b) => [b.name, summarize(byBucket.get(b.name)!)]),
    ),
    walkers,
    longest_leak_run_frames: {
      target: 2,
      value: longest,
      met: longest <= 2,
      over: 'output frames, in order',
    },
  };
}
