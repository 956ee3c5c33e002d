/**
 * Video benchmark: `bin/hotpot bench video [--seconds 20] [--runs 5] [--noise 10] [--parts …]
 * [--camera-rows 0,1] [--clean no]`
 * prints one JSON object. Parts (all by default; `--parts privacy,cameras` picks some):
 *  - privacy: each detector configuration of PRIVACY_ROWS (test/bench/video/privacy.ts; the first is
 *    the cameras' default, the baseline) on the multi-scale face set of issue #17
 *    (test/helpers/video/face-set: 475 faces 12–400 px wide at 1080p in 720p, 1080p and 4K stills,
 *    mirrored, turned, squeezed, motion-blurred, in low light and noise, a crowd, the symptom-1
 *    still), detector → anonymizeFrame, scored by a checker that needs no detector against ground
 *    truth from construction: recall and visible face area by size bucket and variation, false
 *    blur, ms per frame at each frame size, the targets (`met`); and the set's moving clip through
 *    the node's privacy pipeline (longest run of frames a face is leaked). `--privacy-rows 0,2`
 *    picks rows, `--clip-sizes camera,full` the clip's decode sizes;
 *  - pipeline: the same question on what a camera actually records: the node's capture worker at a
 *    camera's rate (frames dropped when it falls behind, tracker between detections) on a moving
 *    640×360 clip and on the integration clip (hard cuts between photos); recorded frames checked;
 *  - detector: ms per frame at the detection size per TensorFlow.js backend, and recall on the photos;
 *  - anonymize: frames/s of detection (every 3rd frame, in the worker) + tracker + anonymization
 *    (native kernels) on decoded 720p and 1080p yuv420p frames, per configuration;
 *  - file: `bin/hotpot video anonymize` (its default, and with --small-faces off) on CCTV-like 10 fps
 *    clips (768×576 and 1080p) with sensor noise, and on the same clips without, against a plain
 *    `ffmpeg -c:v libx264 -preset veryfast` transcode of the same file (target ≥ 0.3 of its speed);
 *  - cameras: how many 1080p 10 fps cameras (a CCTV-like clip: still background, faces of 18–140 px
 *    walking; clean and at sensor noise 4) this machine anonymizes in real time with detection at
 *    5 fps each (and on scene changes, as the node runs it), against how many it can only decode and
 *    re-encode with ffmpeg (target ≥ 0.6 of it), and each camera's peak RSS (process tree).
 *    Each configuration runs the node's own capture worker (main/video/capture: ffmpeg decode →
 *    privacy pipeline → recorder + live JPEGs) on the clip at its native rate, as a camera feeds it;
 *    its steady-state CPU (the process tree, read from /proc) per second of video gives the
 *    CPU-bound count, and a configuration whose one camera cannot keep up (frames dropped, detection
 *    below 5 fps, frames blurred whole) anonymizes 0 cameras in real time. Both a clean clip and one
 *    with sensor-like temporal noise are measured.
 *  - soak (only when named: `--parts soak [--soak-minutes 30]`): one 1080p camera of the node's
 *    defaults on a looped one-minute clip for that long; the resident memory of its process tree by
 *    role, sampled every 30 s: warm (after a minute), end, peak and slope (test/bench/video/soak.ts).
 * The machine is shared: CPU times (user + system, children included) are the robust figures; wall
 * times are kept for reference.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { appRoot, workerPath } from '../../main/platform/paths';
import { DEFAULT_ANONYMIZE_OPTIONS, anonymizeFrame, decodeImage } from '../../main/video/anonymize';
import { CameraWorker } from '../../main/video/capture/camera-worker';
import type { CaptureStatus, CaptureWorkerConfig } from '../../main/video/capture/protocol';
import {
  FaceTracker,
  createFaceDetector,
  scoreDetections,
  sumRecall,
  wasmFeatures,
  type RecallResult,
} from '../../main/video/detect';
import { defaultVideoOptions } from '../../main/video/service-options';
import type { FaceDetectorOptions, Frame, Rect } from '../../main/video/types';
import { frameKernels, nativeAvailable } from '../../native';
import { decodeRgbFrames } from '../helpers/rtsp/frames';
import { makeFaceClip } from '../helpers/rtsp/rtsp-server';
import { makeCctvClip } from './video/cctv-clip';
import { CAMERA_DEFAULT, describeOpts, nodeDetectEvery, tiny } from './video/node-defaults';
import { privacyBench } from './video/privacy';
import { treeCpu, treeRss, type CpuRole } from './video/proc-tree';
import { soak } from './video/soak';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    runs: { type: 'string', default: '5' },
    noise: { type: 'string', default: '10' },
    parts: { type: 'string', default: 'privacy,pipeline,detector,anonymize,file,cameras' },
    /** cameras part: which rows to run (0-based indexes, comma-separated; all by default) */
    'camera-rows': { type: 'string' },
    /** privacy part: which rows of PRIVACY_ROWS to run (0-based indexes; all by default) */
    'privacy-rows': { type: 'string' },
    /** privacy part: decode the moving clip as a camera of the node does (capture.maxWidth) and/or whole */
    'clip-sizes': { type: 'string', default: 'camera,full' },
    /** cameras part: also measure the clip without noise (yes by default) */
    clean: { type: 'string', default: 'yes' },
    'camera-run': { type: 'string' },
    /** soak part: how long one camera runs */
    'soak-minutes': { type: 'string', default: '30' },
  },
});
const root = appRoot();
const demo = join(root, 'node_modules', '@vladmandic', 'face-api', 'demo');
const log = (s: string): void => void process.stderr.write(`bench video: ${s}\n`);
const round = (n: number, d = 1): number => Number(n.toFixed(d));
const median = (a: readonly number[]): number =>
  [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] ?? NaN;

/** A cadence as the rows name it. */
const cadenceName = (every: number, sceneChange: boolean): string =>
  `${every === 1 ? 'detect every frame' : `detect every ${every === 2 ? '2nd' : every === 3 ? '3rd' : `${every}th`} frame`}${every > 1 ? (sceneChange ? ' + scene changes' : ', no scene-change check') : ''}`;

interface Truth {
  dir: string;
  images: Array<{ file: string; width: number; height: number; faces: Rect[] }>;
}
const truth = JSON.parse(
  readFileSync(join(root, 'test', 'fixtures', 'video', 'faces.json'), 'utf8'),
) as Truth;

/** Runs a command under GNU time: wall and CPU seconds (user + system of it and its children). */
function timed(
  cmd: string,
  args: string[],
): Promise<{ code: number; wallS: number; cpuS: number; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn('/usr/bin/time', ['-f', 'HOTPOT_TIME %e %U %S', cmd, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('close', (code) => {
      const m = /HOTPOT_TIME ([\d.]+) ([\d.]+) ([\d.]+)/.exec(err);
      resolve({
        code: code ?? -1,
        wallS: Number(m?.[1] ?? NaN),
        cpuS: Number(m?.[2] ?? NaN) + Number(m?.[3] ?? NaN),
        stderr: err.replace(/HOTPOT_TIME.*\n?/, ''),
      });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// detector: ms per frame per backend, recall on the photos

async function detectorTimings(runs: number): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const photo = await decodeImage(join(demo, 'sample1.jpg'));
  const configs: Array<[string, Partial<FaceDetectorOptions>, number]> = [
    ...(['onnx', 'wasm'] as const).flatMap(
      (backend): Array<[string, Partial<FaceDetectorOptions>, number]> => [
        [
          `camera default ${describeOpts(CAMERA_DEFAULT)} ${backend}`,
          { ...CAMERA_DEFAULT, backend },
          backend === 'onnx' ? runs * 4 : runs,
        ],
        ...[416, 608].map((size): [string, Partial<FaceDetectorOptions>, number] => [
          `tiny_face_detector@${size} ${backend}`,
          { model: 'tiny_face_detector', inputSizePx: size, backend },
          runs * 4,
        ]),
      ],
    ),
    ['tiny_face_detector@416 cpu', { model: 'tiny_face_detector', inputSizePx: 416, backend: 'cpu' }, 2],
    [
      'tiny_face_detector@416 tfjs-node',
      { model: 'tiny_face_detector', inputSizePx: 416, backend: 'tfjs-node' },
      runs * 4,
    ],
  ];
  for (const [name, opts, n] of configs) {
    let detector;
    try {
      detector = await createFaceDetector({ ...opts, minScore: 0.1 }, { workerFile: workerPath('detector') });
    } catch (err) {
      out[name] = { available: false, reason: err instanceof Error ? err.message : String(err) };
      continue;
    }
    try {
      // at the detection size: an input already downscaled, so only the model runs
      const small = frameKernels().downscaleRgb24(
        photo,
        opts.inputSizePx!,
        Math.round((opts.inputSizePx! * photo.height) / photo.width),
      );
      await detector.detect(small);
      const msAt: number[] = [];
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        await detector.detect(small);
        msAt.push(performance.now() - t0);
      }
      // on a full 1080p-class frame: downscale here + transfer + model
      const msFull: number[] = [];
      for (let i = 0; i < Math.min(n, 8); i++) {
        const t0 = performance.now();
        await detector.detect(photo);
        msFull.push(performance.now() - t0);
      }
      const rs02: RecallResult[] = [];
      const rs03: RecallResult[] = [];
      for (const img of truth.images) {
        const f = await decodeImage(join(root, truth.dir, img.file));
        const boxes = await detector.detect(f);
        rs02.push(
          scoreDetections(
            img.faces,
            boxes.filter((b) => b.score >= DEFAULT_ANONYMIZE_OPTIONS.threshold),
          ),
        );
        rs03.push(
          scoreDetections(
            img.faces,
            boxes.filter((b) => b.score >= 0.3),
          ),
        );
      }
      out[name] = {
        available: true,
        description: detector.description,
        ms_per_frame_at_detection_size: { median: round(median(msAt)), best: round(Math.min(...msAt)) },
        ms_per_frame_1920x1280_incl_downscale: {
          median: round(median(msFull)),
          best: round(Math.min(...msFull)),
        },
        recall_on_photos_at_threshold_0_2: sumRecall(rs02),
        recall_on_photos_at_threshold_0_3: sumRecall(rs03),
      };
    } finally {
      await detector.dispose();
    }
    log(`detector ${name} done`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// anonymize: in-memory frames/s

/** Decoded yuv420p frames of a face photo panned across width x height. */
function panFrames(width: number, height: number, count: number): Frame[] {
  const r = spawnSync(
    'ffmpeg',
    [
      '-v',
      'error',
      '-framerate',
      '15',
      '-loop',
      '1',
      '-i',
      join(demo, 'sample5.jpg'),
      '-vf',
      `scale=${Math.round(width * 1.25)}:-2,crop=${width}:${height}:x='(iw-${width})*n/${count}':y='(ih-${height})*n/${count}'`,
      '-frames:v',
      String(count),
      '-f',
      'rawvideo',
      '-pix_fmt',
      'yuv420p',
      '-',
    ],
    { maxBuffer: 2 ** 31 - 1 },
  );
  const size = width * height + 2 * ((width + 1) >> 1) * ((height + 1) >> 1);
  const out: Frame[] = [];
  for (let o = 0; o + size <= r.stdout.length; o += size)
    out.push({ format: 'yuv420p', width, height, data: new Uint8Array(r.stdout.subarray(o, o + size)) });
  return out;
}

/** frames/s of detect-every-3rd (worker, overlapped) + tracker + anonymize, in memory. */
async function anonymizeFps(
  width: number,
  height: number,
  opts: Partial<FaceDetectorOptions>,
): Promise<Record<string, number>> {
  const frames = panFrames(width, height, 45);
  const detector = await createFaceDetector(opts, { workerFile: workerPath('detector') });
  try {
    await detector.detect(frames[0]!);
    const tracker = new FaceTracker();
    const total = frames.length * 2;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let pending = detector.detect(frames[0]!);
    let regions = 0;
    for (let i = 0; i < total; i++) {
      const f = frames[i % frames.length]!;
      const frame = { ...f, data: f.data.slice() };
      if (i % 3 === 0) {
        tracker.update(await pending, i);
        // the next detection runs in the worker while this thread anonymizes the next three frames
        if (i + 3 < total) pending = detector.detect(frames[(i + 3) % frames.length]!);
      }
      regions += anonymizeFrame(frame, tracker.predict(i), [], DEFAULT_ANONYMIZE_OPTIONS).length;
    }
    const wall = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    return {
      frames: total,
      fps: round(total / wall),
      cpu_ms_per_frame: round((c.user + c.system) / 1000 / total, 2),
      regions_per_frame: round(regions / total, 2),
    };
  } finally {
    await detector.dispose();
  }
}

// ---------------------------------------------------------------------------------------------
// cameras: the node's capture worker at a camera's rate; CPU of its process tree from /proc

/** One configuration a camera run measures. */
interface CameraRunRow {
  name: string;
  detector: Partial<FaceDetectorOptions>;
  every: number;
  sceneChange: boolean;
}

interface CameraRunConfig {
  clip: string;
  /** frames in the clip (the steady-state window ends a second before the last) */
  totalFrames: number;
  outDir: string;
  width: number;
  height: number;
  fps: number;
  detectEveryFrames: number;
  /** look at frames that look like a new scene out of schedule (the node's default) */
  sceneChange: boolean;
  detector: Partial<FaceDetectorOptions>;
  /** play the clip again and again until killed (the soak part) */
  loop?: boolean;
}

/** Child mode: one camera (the node's capture worker) on the clip at its native rate; prints status lines. */
async function cameraRunChild(cfg: CameraRunConfig): Promise<void> {
  const d = defaultVideoOptions(cfg.outDir, {
    capture: () => workerPath('capture'),
    detector: () => workerPath('detector'),
  });
  const config: CaptureWorkerConfig = {
    cameraId: 'bench',
    input: cfg.clip,
    width: cfg.width,
    height: cfg.height,
    fps: cfg.fps,
    pixelFormat: d.capture.pixelFormat,
    ioTimeoutMs: d.capture.ioTimeoutMs,
    stallMs: d.capture.stallMs,
    restartInitialMs: 60_000,
    restartMaxMs: 60_000,
    loopFile: cfg.loop === true,
    realtime: true,
    pipeline: {
      detectEveryFrames: cfg.detectEveryFrames,
      sceneChange: cfg.sceneChange ? d.pipeline.sceneChange : null,
      deadlineMs: d.pipeline.deadlineMs,
      whenBehind: d.pipeline.whenBehind,
      maxTrackedFrames: d.pipeline.maxTrackedFrames,
      anonymize: { ...DEFAULT_ANONYMIZE_OPTIONS },
      masks: [],
    },
    detector: { options: cfg.detector, workerFile: workerPath('detector') },
    record: { dir: cfg.outDir, segmentMs: d.segmentMs, minFreeBytes: 0, retryMs: 5000 },
    live: d.live,
  };
  let done: () => void = () => undefined;
  const ended = new Promise<void>((r) => (done = r));
  const w = new CameraWorker(workerPath('capture'), config, {
    onStatus: (s: CaptureStatus) => {
      process.stdout.write(
        JSON.stringify({ state: s.state, message: s.message, detector: s.detector, stats: s.stats }) + '\n',
      );
      if (s.state === 'reconnecting' || s.state === 'error') done();
    },
    onLive: () => undefined,
    onSegment: () => undefined,
    onStreamEnded: () => undefined,
    onExit: (reason) => {
      process.stdout.write(JSON.stringify({ state: 'exit', message: reason }) + '\n');
      done();
    },
  });
  await ended;
  await w.stop();
  process.exit(0);
}

interface CameraRun {
  detector: string;
  cpu_s_per_video_s: number;
  cpu_s_per_video_s_at_full_rate: number;
  /** where that CPU went: the node process (capture worker, detector thread), and its ffmpegs */
  cpu_s_per_video_s_by_process?: Record<CpuRole, number>;
  window_video_s: number;
  frames_per_s: number;
  detections_per_s: number;
  scene_changes: number;
  fail_closed: number;
  raw_dropped: number;
  keeps_up: boolean;
  cameras_cpu_bound: number;
  cameras: number;
  /** peak resident memory of the camera's process tree (node with its capture and detector threads, and its ffmpegs) */
  peak_rss_mb?: number;
  /** resident memory at the start and the end of the steady-state window */
  rss_mb_start?: number;
  rss_mb_end?: number;
  error?: string;
}

/** Runs one camera in a child process and measures its steady state (after the first second, before the last). */
async function cameraRun(cfg: CameraRunConfig, cores: number): Promise<CameraRun> {
  const child = spawn(process.execPath, [process.argv[1]!, '--camera-run', JSON.stringify(cfg)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const total = cfg.totalFrames;
  let buf = '';
  let err = '';
  let desc = '';
  let last: CaptureStatus['stats'] | undefined;
  type Mark = { cpu: ReturnType<typeof treeCpu>; atMs: number; stats: CaptureStatus['stats'] };
  let start: Mark | undefined;
  let end: Mark | undefined;
  let failure: string | undefined;
  let peakRss = 0;
  const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, treeRss(child.pid!))), 1000);
  let rssStart = 0;
  let rssEnd = 0;
  child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      const s = JSON.parse(line) as {
        state: string;
        message: string;
        detector?: string;
        stats?: CaptureStatus['stats'];
      };
      if (s.detector) desc = s.detector;
      if (s.state === 'error' || s.state === 'exit') failure = s.message;
      if (!s.stats || s.state !== 'streaming') continue;
      last = s.stats;
      const seen = s.stats.frames + s.stats.rawDropped;
      if (!start && seen >= cfg.fps * 2) {
        start = { cpu: treeCpu(child.pid!), atMs: performance.now(), stats: s.stats };
        rssStart = treeRss(child.pid!);
      }
      if (start && seen <= total - cfg.fps) {
        end = { cpu: treeCpu(child.pid!), atMs: performance.now(), stats: s.stats };
        rssEnd = treeRss(child.pid!);
      }
    }
  });
  await new Promise((r) => child.on('exit', r));
  clearInterval(rssTimer);
  if (!start || !end || end === start || !last) {
    return {
      detector: desc,
      cpu_s_per_video_s: NaN,
      cpu_s_per_video_s_at_full_rate: NaN,
      window_video_s: 0,
      frames_per_s: 0,
      detections_per_s: 0,
      scene_changes: last?.sceneChanges ?? 0,
      fail_closed: last?.failClosed ?? 0,
      raw_dropped: last?.rawDropped ?? 0,
      keeps_up: false,
      cameras_cpu_bound: 0,
      cameras: 0,
      error: failure ?? `no steady state measured: ${err.slice(-500)}`,
    };
  }
  const wallS = (end.atMs - start.atMs) / 1000;
  const cpu = (end.cpu.total - start.cpu.total) / wallS;
  const [a, b] = [start.cpu.byRole, end.cpu.byRole];
  const byRole = Object.fromEntries(
    (Object.keys(b) as CpuRole[]).map((k) => [k, round((b[k] - a[k]) / wallS, 3)]),
  ) as Record<CpuRole, number>;
  const fps = (end.stats.frames - start.stats.frames) / wallS;
  const dps = (end.stats.detections - start.stats.detections) / wallS;
  const failClosed = end.stats.failClosed - start.stats.failClosed;
  const dropped = end.stats.rawDropped - start.stats.rawDropped;
  // Real time: frames processed at the camera's rate and detection at ≥ 5 fps (each with 5% slack:
  // a shared machine drops the odd frame), nothing blurred whole.
  const keepsUp =
    fps >= cfg.fps * 0.95 && dps >= (cfg.fps / cfg.detectEveryFrames) * 0.95 && failClosed === 0;
  // A camera that drops frames used less CPU than keeping up would need: scale to the full rate (an estimate).
  const cpuFull = cpu * Math.max(1, cfg.fps / Math.max(fps, 0.1));
  const cpuBound = cores / cpuFull;
  return {
    detector: desc,
    cpu_s_per_video_s: round(cpu, 3),
    cpu_s_per_video_s_at_full_rate: round(cpuFull, 3),
    cpu_s_per_video_s_by_process: byRole,
    window_video_s: round(wallS, 1),
    frames_per_s: round(fps, 1),
    detections_per_s: round(dps, 2),
    scene_changes: end.stats.sceneChanges - start.stats.sceneChanges,
    fail_closed: failClosed,
    raw_dropped: dropped,
    keeps_up: keepsUp,
    cameras_cpu_bound: round(cpuBound, 2),
    cameras: keepsUp ? Math.floor(cpuBound) : 0,
    peak_rss_mb: round(peakRss / 2 ** 20, 0),
    rss_mb_start: round(rssStart / 2 ** 20, 0),
    rss_mb_end: round(rssEnd / 2 ** 20, 0),
  };
}

async function cameras(dir: string): Promise<Record<string, unknown>> {
  const cores = cpus().length;
  const fps = 10;
  const out: Record<string, unknown> = {
    method:
      'the node capture worker (ffmpeg decode → privacy pipeline: detect every 2nd frame = 5 fps + on scene changes + tracker + blur, or as named → H.264 veryfast recorder (one x264 thread) + live JPEGs) fed a 1080p 10 fps yuv420p CCTV-like clip (test/bench/video/cctv-clip.ts: a still background, nine faces of 18–140 px, seven walking) at its native rate; ' +
      'cameras = cores ÷ steady-state CPU seconds per video second (process tree from /proc; scaled up to the full frame rate when frames were dropped), and 0 when one camera cannot keep up (frames or detections below 95% of the rate, or frames blurred whole); ffmpeg = cores ÷ CPU seconds per video second of `ffmpeg -i clip -c:v libx264 -preset veryfast` ' +
      '(ratio_vs_ffmpeg, the target), and of the same with `-threads 1` on decoder and encoder (ratio_vs_ffmpeg_single_thread: the baseline given the one-thread-per-camera choice the recorder makes); ' +
      'cpu_s_per_video_s_by_process splits a run by process (node: capture worker and detector threads; decoder, recorder and live ffmpegs), to hold against ffmpeg_decode_only (`ffmpeg -i clip -f null -`)',
    cores,
  };
  const every = nodeDetectEvery(fps);
  const allRows: CameraRunRow[] = [
    {
      name: `camera default: ${describeOpts(CAMERA_DEFAULT)} (onnx), ${cadenceName(every, true)} as the node runs it`,
      detector: { ...CAMERA_DEFAULT, backend: 'onnx' },
      every,
      sceneChange: true,
    },
    {
      name: `baseline, the camera default before the small-face pass: ${describeOpts({ ...CAMERA_DEFAULT, smallFaces: 'off' })} (onnx), ${cadenceName(every, true)}`,
      detector: { ...CAMERA_DEFAULT, smallFaces: 'off', backend: 'onnx' },
      every,
      sceneChange: true,
    },
    {
      name: `tiny_face_detector@416 (onnx), ${cadenceName(every, true)}`,
      detector: { ...tiny(416), smallFaces: 'off', backend: 'onnx' },
      every,
      sceneChange: true,
    },
  ];
  const picked = values['camera-rows']?.split(',').map(Number);
  const runs = picked ? allRows.filter((_, i) => picked.includes(i)) : allRows;
  // the issue's two conditions: clean footage and sensor noise 4
  const noises = [...(values.clean === 'no' ? [] : [0]), 4];
  for (const noise of noises) {
    const key = noise > 0 ? `noise_${noise}` : 'clean';
    const clip = join(dir, `cam1080-${key}.mp4`);
    makeCctvClip(clip, clipSeconds, fps, 1920, 1080, noise);
    // plain ffmpeg (its default threads), and the same with one thread to decode and one to encode
    const transcode = (threads: string[], out: string) =>
      timed('ffmpeg', [
        '-v',
        'error',
        '-y',
        ...threads,
        '-i',
        clip,
        '-c:v',
        'libx264',
        '-preset',
        'veryfast',
        ...threads,
        join(dir, out),
      ]);
    const plain = await transcode([], `plain-${key}.mp4`);
    const decodeOnly = await timed('ffmpeg', ['-v', 'error', '-i', clip, '-f', 'null', '-']);
    const single = await transcode(['-threads', '1'], `plain1-${key}.mp4`);
    const ffmpegCams = (cores * clipSeconds) / plain.cpuS;
    const ffmpegCams1 = (cores * clipSeconds) / single.cpuS;
    const row: Record<string, unknown> = {
      clip: {
        width: 1920,
        height: 1080,
        fps,
        seconds: clipSeconds,
        content: 'CCTV-like: still background, faces walking (test/bench/video/cctv-clip.ts)',
        sensor_noise: noise,
      },
      ffmpeg_decode_reencode: {
        cpu_s_per_video_s: round(plain.cpuS / clipSeconds, 3),
        cameras: round(ffmpegCams, 2),
        whole_cameras: Math.floor(ffmpegCams),
      },
      ffmpeg_decode_only: { cpu_s_per_video_s: round(decodeOnly.cpuS / clipSeconds, 3) },
      ffmpeg_decode_reencode_single_thread: {
        cpu_s_per_video_s: round(single.cpuS / clipSeconds, 3),
        cameras: round(ffmpegCams1, 2),
      },
    };
    const per: Record<string, unknown> = {};
    for (const c of runs) {
      log(`cameras ${key}: ${c.name}`);
      const outDir = mkdtempSync(join(dir, 'rec-'));
      const r = await cameraRun(
        {
          clip,
          totalFrames: Math.round(clipSeconds * fps),
          outDir,
          width: 1920,
          height: 1080,
          fps,
          detectEveryFrames: c.every,
          sceneChange: c.sceneChange,
          detector: c.detector,
        },
        cores,
      );
      rmSync(outDir, { recursive: true, force: true });
      per[c.name] = {
        ...r,
        ratio_vs_ffmpeg: round(r.cameras_cpu_bound / ffmpegCams, 2),
        ratio_vs_ffmpeg_single_thread: round(r.cameras_cpu_bound / ffmpegCams1, 2),
        ratio_whole: ffmpegCams >= 1 ? round(r.cameras / Math.floor(ffmpegCams), 2) : null,
        target: 0.6,
      };
      log(`cameras ${key}: ${c.name}: ${JSON.stringify(per[c.name])}`);
    }
    row.anonymized_realtime = per;
    out[key] = row;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// pipeline: privacy of what cameras actually record, frames moving, detector in its real cadence

/** A 640×360 10 fps clip of one group photo filling the frame and drifting on a closed path (like a slow PTZ tour). */
function makePanClip(file: string, seconds: number): void {
  const r = spawnSync(
    'ffmpeg',
    [
      '-v',
      'error',
      '-y',
      '-loop',
      '1',
      '-framerate',
      '10',
      '-i',
      join(demo, 'sample5.jpg'),
      '-vf',
      "scale=720:-2,crop=640:360:x='40+40*sin(2*PI*n/40)':y='(ih-360)/2+24*cos(2*PI*n/40)',format=yuv420p",
      '-frames:v',
      String(seconds * 10),
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-crf',
      '18',
      file,
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`ffmpeg could not make ${file}: ${r.stderr}`);
}

/** The integration test's RTSP clip (the six photos in turn, hard cuts between them) as a 640×360 10 fps file. */
function makeCutsClip(file: string): number {
  const frames = makeFaceClip(join(root, 'test', '.tmp', 'face-clip-640'), {
    width: 640,
    height: 360,
    fps: 10,
    framesPerPhoto: 20,
  });
  const r = spawnSync(
    'ffmpeg',
    [
      '-v',
      'error',
      '-y',
      '-framerate',
      '10',
      '-i',
      join(dirnameOf(frames[0]!), 'frame%04d.jpg'),
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-crf',
      '18',
      '-pix_fmt',
      'yuv420p',
      file,
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`ffmpeg could not make ${file}: ${r.stderr}`);
  return frames.length;
}
const dirnameOf = (p: string): string => p.slice(0, p.lastIndexOf('/'));

async function pipelinePrivacy(dir: string): Promise<Record<string, unknown>> {
  const cores = cpus().length;
  const checker = await createFaceDetector(
    { model: 'ssd_mobilenetv1', inputSizePx: 640, minScore: 0.5, backend: 'wasm' },
    { workerFile: workerPath('detector') },
  );
  const clips: Array<{ name: string; file: string; frames: number; about: string }> = [];
  const pan = join(dir, 'pan640.mp4');
  makePanClip(pan, 12);
  clips.push({
    name: 'pan',
    file: pan,
    frames: 120,
    about: 'one photo (5 faces) filling 640×360, drifting ≤ 6 px per frame on a closed path, 12 s',
  });
  const cuts = join(dir, 'cuts640.mp4');
  clips.push({
    name: 'cuts',
    file: cuts,
    frames: makeCutsClip(cuts),
    about: 'the integration test clip: six photos letterboxed in 640×360, 2 s each, hard cuts',
  });
  const every = nodeDetectEvery(10);
  const runs: CameraRunRow[] = [
    {
      name: `camera default ${describeOpts(CAMERA_DEFAULT)}, ${cadenceName(every, true)} (node default)`,
      detector: CAMERA_DEFAULT,
      every,
      sceneChange: true,
    },
    {
      name: `camera default ${describeOpts(CAMERA_DEFAULT)}, ${cadenceName(3, true)}`,
      detector: CAMERA_DEFAULT,
      every: 3,
      sceneChange: true,
    },
    {
      name: `camera default ${describeOpts(CAMERA_DEFAULT)}, ${cadenceName(3, false)}`,
      detector: CAMERA_DEFAULT,
      every: 3,
      sceneChange: false,
    },
    {
      name: `camera default ${describeOpts(CAMERA_DEFAULT)}, ${cadenceName(1, false)}`,
      detector: CAMERA_DEFAULT,
      every: 1,
      sceneChange: false,
    },
    {
      name: `tiny_face_detector@416, ${cadenceName(3, true)}`,
      detector: tiny(416),
      every: 3,
      sceneChange: true,
    },
  ];
  const out: Record<string, unknown> = {
    method:
      'the node capture worker (node defaults for a 640×360 10 fps camera: tracker between detections, deadline 1.5 s, blur when behind) fed each clip at its native rate, recording; ' +
      'every recorded frame is checked with the privacy checker (ssd_mobilenetv1 ≥ 0.5 @640): frames_with_face must be 0',
    clips: Object.fromEntries(clips.map((c) => [c.name, c.about])),
  };
  try {
    for (const clip of clips) {
      let sourceFaces = 0;
      const src = decodeRgbFrames(clip.file, 640, 360).filter((_, i) => i % 10 === 0);
      for (const f of src) sourceFaces += (await checker.detect(f)).length;
      const per: Record<string, unknown> = { source_faces_per_frame: round(sourceFaces / src.length, 2) };
      for (const r of runs) {
        log(`pipeline ${clip.name}: ${r.name}`);
        const outDir = mkdtempSync(join(dir, 'rec-'));
        const run = await cameraRun(
          {
            clip: clip.file,
            totalFrames: clip.frames,
            outDir,
            width: 640,
            height: 360,
            fps: 10,
            detectEveryFrames: r.every,
            sceneChange: r.sceneChange,
            detector: r.detector,
          },
          cores,
        );
        const recorded = readdirSync(outDir, { recursive: true, encoding: 'utf8' })
          .filter((f) => f.endsWith('.mp4'))
          .sort()
          .flatMap((f) => decodeRgbFrames(join(outDir, f), 640, 360));
        let checked = 0;
        let withFace = 0;
        let faces = 0;
        for (const f of recorded) {
          const n = (await checker.detect(f)).length;
          checked++;
          faces += n;
          if (n > 0) withFace++;
        }
        rmSync(outDir, { recursive: true, force: true });
        per[r.name] = {
          recorded_frames: recorded.length,
          checked_frames: checked,
          frames_with_face: withFace,
          faces_detectable: faces,
          frames_per_s: run.frames_per_s,
          detections_per_s: run.detections_per_s,
          scene_changes: run.scene_changes,
          raw_dropped: run.raw_dropped,
          fail_closed: run.fail_closed,
          ...(run.error ? { error: run.error } : {}),
        };
        log(`pipeline ${clip.name}: ${r.name}: ${JSON.stringify(per[r.name])}`);
      }
      out[clip.name] = per;
    }
  } finally {
    await checker.dispose();
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

/** The soak part: one camera of the node's defaults on a looped one-minute clip (test/bench/video/soak.ts). */
function soakOneCamera(dir: string, minutes: number): Promise<Record<string, unknown>> {
  const fps = 10;
  const clip = join(dir, 'soak-1080p.mp4');
  makeCctvClip(clip, 60, fps, 1920, 1080, 4);
  const outDir = join(dir, 'soak-rec');
  mkdirSync(outDir, { recursive: true });
  const cfg: CameraRunConfig = {
    clip,
    totalFrames: 0,
    outDir,
    width: 1920,
    height: 1080,
    fps,
    detectEveryFrames: nodeDetectEvery(fps),
    sceneChange: true,
    detector: { ...CAMERA_DEFAULT, backend: 'onnx' },
    loop: true,
  };
  return soak({
    minutes,
    sampleS: 30,
    log,
    start: () =>
      spawn(process.execPath, [process.argv[1]!, '--camera-run', JSON.stringify(cfg)], {
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
  });
}

const noiseLevel = Math.max(0, Number(values.noise));
const clipSeconds = Math.max(4, Number(values.seconds));

/**
 * `bin/hotpot video anonymize` on CCTV-like clips of our own (test/bench/video/cctv-clip.ts, 10 fps:
 * 768×576 like the issue's clip, and 1080p), against a plain `ffmpeg -c:v libx264 -preset veryfast`
 * transcode of the same file, run in turn (target ≥ 0.3 of its speed).
 */
async function fileSpeed(cli: string, dir: string, noise: number): Promise<Record<string, unknown>> {
  type Run = { wallS: number; cpuS: number };
  const best = (a: Run[]): Run => ({
    wallS: Math.min(...a.map((x) => x.wallS)),
    cpuS: Math.min(...a.map((x) => x.cpuS)),
  });
  const out: Record<string, unknown> = { target: 0.3 };
  for (const [width, height] of [
    [768, 576],
    [1920, 1080],
  ] as const) {
    const clip = join(dir, `cctv-${width}.mp4`);
    makeCctvClip(clip, clipSeconds, 10, width, height, noise);
    const anonymize = async (name: string, extra: string[]): Promise<Run> => {
      const r = await timed(process.execPath, [
        cli,
        'video',
        'anonymize',
        clip,
        join(dir, name),
        '--quiet',
        ...extra,
      ]);
      if (r.code !== 0) throw new Error(`video anonymize ${extra.join(' ')} failed: ${r.stderr}`);
      return r;
    };
    const plain: Run[] = [];
    const byDefault: Run[] = [];
    const baseline: Run[] = [];
    for (let i = 0; i < 2; i++) {
      plain.push(
        await timed('ffmpeg', [
          '-v',
          'error',
          '-y',
          '-i',
          clip,
          '-c:v',
          'libx264',
          '-preset',
          'veryfast',
          join(dir, 'plain.mp4'),
        ]),
      );
      byDefault.push(await anonymize('anon.mp4', []));
      baseline.push(await anonymize('anon-off.mp4', ['--small-faces', 'off']));
    }
    const p = best(plain);
    const row = (detector: string, runs: Run[]): Record<string, unknown> => {
      const a = best(runs);
      return {
        detector,
        wall_s: a.wallS,
        cpu_s: round(a.cpuS, 2),
        speed_vs_plain_wall: round(p.wallS / a.wallS, 2),
        speed_vs_plain_cpu: round(p.cpuS / a.cpuS, 2),
      };
    };
    out[`${width}x${height}`] = {
      clip: {
        width,
        height,
        fps: 10,
        seconds: clipSeconds,
        content: 'CCTV-like: still background, faces walking',
        sensor_noise: noise,
      },
      plain_transcode: { wall_s: p.wallS, cpu_s: round(p.cpuS, 2) },
      anonymize_cli_default: row(
        'ssd_mobilenetv1@512 + small faces (motion): the CLI default, as cameras',
        byDefault,
      ),
      anonymize_baseline: row('ssd_mobilenetv1@512 alone (--small-faces off): the default before', baseline),
    };
  }
  return out;
}

async function main(): Promise<void> {
  const parts = new Set(values.parts.split(','));
  const runs = Math.max(2, Number(values.runs));
  const cli = join(root, 'dist', 'main', 'cli.js');
  const dir = mkdtempSync(join(tmpdir(), 'hotpot-bench-video-'));
  const result: Record<string, unknown> = {
    bench: 'video',
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      note: 'shared with other agents working at the same time: figures are noisy, CPU seconds are the robust ones',
    },
    native_kernels: nativeAvailable(),
    wasm: await wasmFeatures().catch(() => null),
    camera_default_detector: CAMERA_DEFAULT,
  };
  try {
    if (parts.has('privacy')) {
      log('privacy: detector configurations on the multi-scale face set');
      result.privacy = await privacyBench({
        rows: values['privacy-rows']?.split(',').map(Number),
        clipSizes: values['clip-sizes'].split(',') as Array<'camera' | 'full'>,
        log,
      });
    }
    if (parts.has('detector')) {
      log('detector timings and recall');
      result.detector = await detectorTimings(runs);
    }
    if (parts.has('anonymize')) {
      log('anonymize frames/s');
      const a: Record<string, unknown> = {};
      for (const [name, o] of [
        [`camera default ${describeOpts(CAMERA_DEFAULT)}`, CAMERA_DEFAULT],
        ['tiny_face_detector@416', tiny(416)],
      ] as const) {
        a[name] = { '720p': await anonymizeFps(1280, 720, o), '1080p': await anonymizeFps(1920, 1080, o) };
      }
      result.anonymize = a;
    }
    if (parts.has('file')) {
      log('file anonymization vs plain transcode (CCTV-like clips, 10 fps)');
      // with the bench's sensor noise, and the same clips without
      result.file = {
        [`noise_${noiseLevel}`]: await fileSpeed(cli, dir, noiseLevel),
        ...(noiseLevel > 0 ? { clean: await fileSpeed(cli, dir, 0) } : {}),
      };
    }
    if (parts.has('pipeline')) {
      log('pipeline: privacy of recorded frames with the detector in its real cadence');
      result.pipeline = await pipelinePrivacy(dir);
    }
    if (parts.has('cameras')) {
      log('camera capacity (1080p 10 fps CCTV-like clip, the node capture worker in real time)');
      result.cameras = await cameras(dir);
    }
    if (parts.has('soak')) {
      const minutes = Math.max(2, Number(values['soak-minutes']));
      log(`soak: one 1080p camera for ${minutes} minutes, memory of its process tree`);
      result.soak = await soakOneCamera(dir, minutes);
    }
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const childCfg = values['camera-run'];
(childCfg ? cameraRunChild(JSON.parse(childCfg) as CameraRunConfig) : main()).catch((err: unknown) => {
  process.stderr.write(
    `bench video failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exitCode = 1;
});
