// Issue #17, at the camera: a capture session (real ffmpeg decoding a clip of a face photo, the real
// privacy pipeline and kernels, the detector worker as built) whose detector dies or stalls
// mid-stream, whose frames cannot be treated, or whose decoder ends mid-frame; and the capture worker
// itself (dist/main/workers/capture.worker.js) when its detector cannot start. No frame may reach an
// exit other than with its faces covered or blurred whole (compared byte for byte with `failClosed`),
// and the status must say what is wrong.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerPath } from '../../../../main/platform/paths';
import { DEFAULT_ANONYMIZE_OPTIONS } from '../../../../main/video/anonymize';
import { CameraWorker } from '../../../../main/video/capture/camera-worker';
import { CaptureSession } from '../../../../main/video/capture/capture-session';
import type { CaptureSinks } from '../../../../main/video/capture/capture-sinks';
import { frameBytesOf, startDecoder, type Decoder } from '../../../../main/video/capture/decoder';
import type {
  CaptureStatus,
  CaptureWorkerConfig,
  FromCaptureWorker,
} from '../../../../main/video/capture/protocol';
import { createFaceDetector, type WorkerFaceDetector } from '../../../../main/video/detect/index';
import type { AnonymizedFrame } from '../../../../main/video/pipeline/anonymized-frame';
import { DEFAULT_SCENE_CHANGE } from '../../../../main/video/pipeline/scene-change';
import type { FaceDetector, Frame } from '../../../../main/video/types';
import { frameKernels } from '../../../../native/index';
import { bundleScript } from '../../../helpers/bundle';
import { CAMERA_DETECTOR } from '../../../helpers/rtsp/face-check';
import { FACE_PHOTOS_DIR } from '../../../helpers/rtsp/rtsp-server';
import { tempDir } from '../../../helpers/tmp';
import { brokenModelInstall } from '../../../helpers/video/broken-install';
import { detectorFaults } from '../../../helpers/video/detector-faults';
import { blurredWhole, decodeFrame, sameBytes } from '../../../helpers/video/fail-closed-check';

const W = 480;
const H = 320;
const FPS = 10;
const kernels = frameKernels();
const dir = tempDir('hotpot-bad-detector-');
afterAll(() => dir.cleanup());

/** The raw frame every frame of the clip decodes to (yuv420p, as cameras run). */
const RAW: Frame = decodeFrame(join(FACE_PHOTOS_DIR, 'sample1.jpg'), W, H, 'yuv420p');
const BLURRED = blurredWhole(RAW, kernels);

/** A lossless Y4M clip of `frames` copies of RAW (and `extraBytes` of one more, cut short). */
function writeClip(name: string, frames: number, extraBytes = 0): string {
  const file = join(dir.path, name);
  const parts: Uint8Array[] = [Buffer.from(`YUV4MPEG2 W${W} H${H} F${FPS}:1 Ip A1:1 C420jpeg\n`)];
  for (let i = 0; i < frames; i++) parts.push(Buffer.from('FRAME\n'), RAW.data);
  if (extraBytes > 0) parts.push(Buffer.from('FRAME\n'), RAW.data.subarray(0, extraBytes));
  writeFileSync(file, Buffer.concat(parts));
  return file;
}

function config(input: string, over: Partial<CaptureWorkerConfig> = {}): CaptureWorkerConfig {
  return {
    cameraId: 'cam-bad-detector',
    input,
    width: W,
    height: H,
    fps: FPS,
    pixelFormat: 'yuv420p',
    ioTimeoutMs: 5000,
    // no face looked for in this long: the status says so
    stallMs: 1000,
    restartInitialMs: 60_000,
    restartMaxMs: 60_000,
    realtime: true,
    // the camera defaults (VideoService), with a shorter deadline
    pipeline: {
      detectEveryFrames: 2,
      sceneChange: { ...DEFAULT_SCENE_CHANGE },
      deadlineMs: 800,
      whenBehind: 'blur',
      maxTrackedFrames: 6,
      anonymize: DEFAULT_ANONYMIZE_OPTIONS,
      masks: [],
    },
    detector: { options: CAMERA_DETECTOR, workerFile: 'unused: the test passes its detector in' },
    record: null,
    live: { fps: FPS, outWidthPx: W },
    ...over,
  };
}

interface Run {
  exited: AnonymizedFrame[];
  statuses: CaptureStatus[];
  session: CaptureSession;
}

/**
 * Runs a session over `cfg.input` until its decoder ends (state 'reconnecting'), calling `during`
 * with what has exited so far every 50 ms; returns what reached the exit and every status posted.
 */
async function runSession(
  cfg: CaptureWorkerConfig,
  detector: FaceDetector,
  opts: { during?: (exited: AnonymizedFrame[]) => Promise<void>; decoder?: () => Decoder } = {},
): Promise<Run> {
  const exited: AnonymizedFrame[] = [];
  const statuses: CaptureStatus[] = [];
  const sink = { write: (f: AnonymizedFrame) => void exited.push(f), close: async () => undefined };
  const sinks = { live: () => sink } as unknown as CaptureSinks;
  const session = new CaptureSession(cfg, {
    port: {
      post: (m: FromCaptureWorker) => void (m.type === 'status' && statuses.push(m.status)),
      close: () => undefined,
    },
    detector,
    kernels,
    startDecoder: opts.decoder ?? startDecoder,
    sinks,
    clock: { wallMs: Date.now, monoMs: () => performance.now() },
    random: () => 0.5,
  });
  session.start();
  // the live exit is where this test sees frames: someone watches
  session.handle({ type: 'live-on' });
  const deadline = Date.now() + 30_000;
  const ended = (): boolean => session.status.state === 'reconnecting' || session.status.state === 'error';
  while (!ended() && Date.now() < deadline) {
    await opts.during?.(exited);
    await new Promise((r) => setTimeout(r, 50));
  }
  // the last frames may still be in the pipeline: let them through before stopping
  for (let seen = -1; seen !== session.status.stats.frames;) {
    seen = session.status.stats.frames;
    await new Promise((r) => setTimeout(r, 500));
  }
  await session.stop();
  return { exited, statuses, session };
}

/** Every frame that exited had its faces covered, or is exactly the fail-closed picture. */
function expectNothingRaw(exited: readonly AnonymizedFrame[]): void {
  exited.forEach((f, i) => {
    if (f.treatment === 'faces')
      expect(f.faces, `frame ${i}: treated, but no face covered`).toBeGreaterThan(0);
    else expect(sameBytes(f.data, BLURRED), `frame ${i}: not the fail-closed picture`).toBe(true);
  });
}

/** Frames after a fault that tracked boxes may still cover: maxTrackedFrames 6, and one frame in flight. */
const TRACKED = 8;

const treatments = (exited: readonly AnonymizedFrame[]): string =>
  exited.map((f) => (f.treatment === 'faces' ? 'F' : 'B')).join('');

/** A detector worker started and run once (ONNX Runtime's first run is slow enough to miss a deadline). */
async function warmDetector(workerFile: string): Promise<WorkerFaceDetector> {
  const d = await createFaceDetector(CAMERA_DETECTOR, { workerFile });
  await d.detect({ ...RAW, data: RAW.data.slice() });
  return d;
}

describe('a capture session whose detector fails mid-stream (real ffmpeg, pipeline, detector worker)', () => {
  let faultyWorker: string;
  const faults = detectorFaults();
  const clip = writeClip('face.y4m', 40);
  beforeAll(async () => {
    faultyWorker = await bundleScript(join(__dirname, '../../../helpers/video/faulty-detector-worker.ts'));
  });
  afterAll(() => faults.close());

  it('the control: with nothing failing the session covers the faces of the clip', async () => {
    const detector = await warmDetector(workerPath('detector'));
    const { exited } = await runSession(config(clip), detector);
    expect(exited.length).toBeGreaterThanOrEqual(30);
    // (the first detection may miss its deadline on a busy machine: that frame is blurred whole)
    expect(treatments(exited)).toMatch(/F{25,}$/);
    expectNothingRaw(exited);
  }, 40_000);

  it('a detector that dies: every frame after it is blurred whole, nothing else exits, and the status says the detector failed', async () => {
    const detector = await warmDetector(faultyWorker);
    let crashedAt: number | undefined;
    const { exited, statuses, session } = await runSession(config(clip), detector, {
      during: async (exited) => {
        if (crashedAt === undefined && exited.filter((f) => f.treatment === 'faces').length >= 4) {
          crashedAt = exited.length;
          await faults.set({ type: 'exit', code: 3 });
        }
      },
    });
    expectNothingRaw(exited);
    // tracked boxes may cover a few frames after the last detection (maxTrackedFrames 6, and one in flight)
    const after = treatments(exited).slice(crashedAt! + TRACKED);
    expect(after).toMatch(/^B{15,}$/);
    expect(session.status.stats.detectorErrors).toBeGreaterThan(10);
    expect(statuses.map((s) => s.message)).toContainEqual(
      expect.stringMatching(
        /no frame's faces were looked for in 1 s \(the detector worker exited unexpectedly \(code 3\)\): every frame is blurred whole/,
      ),
    );
  }, 40_000);

  it('a detector that stalls: frames meanwhile are blurred whole and the status says so; when it answers again, faces are covered and the message clears', async () => {
    const detector = await warmDetector(faultyWorker);
    let stalled: { at: number; ms: number } | undefined;
    let releasedAt: number | undefined;
    const { exited, statuses, session } = await runSession(config(clip), detector, {
      during: async (exited) => {
        if (!stalled && exited.filter((f) => f.treatment === 'faces').length >= 4) {
          stalled = { at: exited.length, ms: Date.now() };
          await faults.set({ type: 'stall' });
        } else if (stalled && releasedAt === undefined && Date.now() - stalled.ms > 2000) {
          releasedAt = exited.length;
          await faults.set({ type: 'none' });
        }
      },
    });
    await detector.dispose();
    expectNothingRaw(exited);
    const t = treatments(exited);
    expect(t.slice(stalled!.at + TRACKED, releasedAt)).toMatch(/^B{5,}$/);
    expect(t.slice(releasedAt)).toMatch(/F{5}$/);
    expect(session.status.stats.detectionsLate).toBeGreaterThan(5);
    const messages = statuses.map((s) => s.message);
    const said = messages.findIndex((m) =>
      /no frame's faces were looked for in 1 s \(the face detector .*\): every frame is blurred whole/.test(
        m,
      ),
    );
    expect(said, messages.join('\n')).toBeGreaterThan(0);
    expect(messages.slice(said + 1)).toContain(`receiving ${W}x${H} at ${FPS} fps`);
  }, 40_000);
});

/** A decoder stand-in that sends `bytes` in frame-sized pieces at the camera's rate, then ends (`reason`). */
function fakeDecoder(bytes: Uint8Array, piece: number, reason: string | null): () => Decoder {
  return () => {
    const chunks: Uint8Array[] = [];
    for (let at = 0; at < bytes.length; at += piece) chunks.push(bytes.subarray(at, at + piece));
    let resolveDone: (r: string | null) => void = () => undefined;
    const done = new Promise<string | null>((r) => (resolveDone = r));
    const stdout = Readable.from(
      (async function* () {
        for (const c of chunks) {
          await new Promise((r) => setTimeout(r, 1000 / FPS));
          yield Buffer.from(c);
        }
      })(),
    );
    stdout.on('end', () => resolveDone(reason));
    return { stdout, kill: () => stdout.destroy(), done, stderrTail: () => '', pid: () => null };
  };
}

describe('a capture session whose frames cannot be trusted', () => {
  let real: WorkerFaceDetector;
  let detector: FaceDetector & { calls: number };
  beforeAll(async () => {
    real = await warmDetector(workerPath('detector'));
    detector = {
      calls: 0,
      description: real.description,
      detect: (f) => {
        detector.calls++;
        return real.detect(f);
      },
      // each session disposes of its detector when it stops; this one lives for the whole describe
      dispose: async () => undefined,
    };
  });
  afterAll(() => real?.dispose());

  it('frames whose bytes do not match the size (a config of odd width in yuv420p) are dropped and counted; nothing exits; the status says why', async () => {
    const w = W + 1; // the decoder cuts frames of frameBytesOf (floor of the odd chroma width), the kernels need the ceiling
    const cut = frameBytesOf('yuv420p', w, H);
    const cfg = config('fake://odd', { width: w });
    const { exited, statuses, session } = await runSession(cfg, detector, {
      decoder: fakeDecoder(new Uint8Array(cut * 20).fill(90), cut, null),
    });
    expect(exited).toEqual([]);
    expect(session.status.stats).toMatchObject({ frames: 20, badFrames: 20, dropped: 20, detections: 0 });
    expect(detector.calls).toBe(0);
    expect(statuses.map((s) => s.message)).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `a frame was dropped: a ${w}x${H} yuv420p frame needs \\d+ bytes, got ${cut}\\): every frame is dropped`,
        ),
      ),
    );
  }, 40_000);

  it('a size ffmpeg cannot decode to (odd) never starts the decoder: nothing exits, the status says why', async () => {
    const { exited, statuses, session } = await runSession(
      config(writeClip('odd.y4m', 3), { width: W + 1 }),
      detector,
    );
    expect(exited).toEqual([]);
    expect(session.status.stats.frames).toBe(0);
    expect(statuses.map((s) => `${s.state}: ${s.message}`)).toContain(
      `error: cannot start ffmpeg: decode size must be even, got ${W + 1}x${H}`,
    );
  }, 40_000);

  it('a decoder that dies mid-frame: the part of the frame it sent is never processed', async () => {
    const frame = frameBytesOf('yuv420p', W, H);
    const bytes = new Uint8Array(frame * 2.5);
    for (let i = 0; i < 3; i++)
      bytes.set(RAW.data.subarray(0, Math.min(frame, bytes.length - i * frame)), i * frame);
    const { exited, session } = await runSession(config('fake://dies'), detector, {
      decoder: fakeDecoder(bytes, frame / 2, 'killed'),
    });
    // two whole frames (one may be replaced by the next while the pipeline is busy: rawDropped)
    const { frames, rawDropped } = session.status.stats;
    expect(frames + rawDropped).toBe(2);
    expect(exited).toHaveLength(frames);
    expectNothingRaw(exited);
  }, 40_000);

  it('ffmpeg on a clip cut off in the middle of a frame: it drops the partial frame, only whole frames are processed', async () => {
    const clip = writeClip('cut.y4m', 3, frameBytesOf('yuv420p', W, H) / 2);
    const { exited, session } = await runSession(config(clip), detector);
    // (a raw frame that arrives while the pipeline is busy is replaced by the newer one: rawDropped)
    const { frames, rawDropped, badFrames } = session.status.stats;
    expect(frames + rawDropped).toBe(3);
    expect(exited).toHaveLength(frames);
    expect(badFrames).toBe(0);
    expectNothingRaw(exited);
  }, 40_000);
});

describe('the capture worker (dist/main/workers/capture.worker.js) when its detector cannot start', () => {
  const clip = writeClip('loop.y4m', 10);

  /**
   * Runs the real capture worker with `detectorWorker` until `enough` holds (at most 30 s); returns
   * its statuses, how many live JPEGs it sent, and how long it ran.
   */
  async function runWorker(
    detectorWorker: string,
    enough: (r: { statuses: CaptureStatus[]; live: number; ms: number }) => boolean,
  ): Promise<{ statuses: CaptureStatus[]; live: number; ms: number }> {
    const r = { statuses: [] as CaptureStatus[], live: 0, ms: 0 };
    const cfg = config(clip, {
      loopFile: true,
      live: { fps: 2, outWidthPx: 160 },
      detector: { options: CAMERA_DETECTOR, workerFile: detectorWorker },
    });
    const worker = new CameraWorker(workerPath('capture'), cfg, {
      onStatus: (s) => void r.statuses.push(s),
      onLive: () => void r.live++,
      onSegment: () => undefined,
      onStreamEnded: () => undefined,
      onExit: (reason) => void r.statuses.push({ ...r.statuses.at(-1)!, state: 'error', message: reason }),
    });
    // someone watches: live pictures are made (none would be otherwise, healthy or not)
    worker.setLive(true);
    const t0 = Date.now();
    while (!enough(r) && r.ms < 30_000) {
      await new Promise((res) => setTimeout(res, 100));
      r.ms = Date.now() - t0;
    }
    await worker.stop();
    return r;
  }
  /** How long the healthy worker took to send its first live picture. */
  let firstLiveMs = 10_000;

  it('with a healthy detector it streams and sends live pictures (so the harness would see any)', async () => {
    const { statuses, live, ms } = await runWorker(workerPath('detector'), (r) => r.live > 0);
    expect(live).toBeGreaterThan(0);
    firstLiveMs = ms;
    expect(statuses.map((s) => s.state)).toContain('streaming');
  }, 40_000);

  it.each([
    [
      'damaged model weights',
      'damaged',
      /model ssd_mobilenetv1 at .* is damaged \(its weights are not those face-api 1\.7\.15 ships\): reinstall/,
    ],
    ['a missing detector worker file', 'missing', /the detector worker failed to start: Cannot find module/],
  ])(
    'with %s it captures nothing (no decoder, no live picture) and its status says why',
    async (_, kind, why) => {
      const workerFile =
        kind === 'missing'
          ? join(dir.path, 'no-such.worker.js')
          : brokenModelInstall(join(dir.path, 'damaged-install'), (model) => {
              const f = join(model, 'ssd_mobilenetv1_model.bin');
              const b = readFileSync(f);
              for (let i = 0; i < 5_535_069; i += 64) b[i] = b[i]! ^ 0x5a;
              writeFileSync(f, b);
            });
      // twice as long as the healthy worker took to send a live picture
      const { statuses, live } = await runWorker(workerFile, (r) => r.ms > Math.max(2 * firstLiveMs, 4000));
      expect(live).toBe(0);
      const last = statuses.find((s) => s.state === 'error');
      expect(last?.message).toMatch(
        /^the face detector could not start: .*; nothing is captured without it$/,
      );
      expect(last?.message).toMatch(why);
      expect(
        statuses.some((s) => s.state === 'streaming' || s.decoderPid !== null || s.stats.frames > 0),
      ).toBe(false);
    },
    70_000,
  );
});
