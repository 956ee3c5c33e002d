import { writeFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { frameKernels } from '../../../../native/index';
import { DEFAULT_ANONYMIZE_OPTIONS } from '../../../../main/video/anonymize';
import { CaptureSession } from '../../../../main/video/capture/capture-session';
import { ffmpegCaptureSinks, type CaptureSinks } from '../../../../main/video/capture/capture-sinks';
import { startDecoder, type Decoder } from '../../../../main/video/capture/decoder';
import type {
  CaptureWorkerConfig,
  FromCaptureWorker,
  ToCaptureWorker,
} from '../../../../main/video/capture/protocol';
import type { AnonymizedFrame } from '../../../../main/video/pipeline/anonymized-frame';
import type { FaceBox, FaceDetector } from '../../../../main/video/types';
import { tempDir } from '../../../helpers/tmp';

// A CaptureSession driven without a worker thread: real ffmpeg decodes a small clip of known frames,
// the real privacy pipeline anonymizes them, and the test stands in for the exits and the owner.
const W = 160;
const H = 96;
const FPS = 10;
const FRAMES = 12;
const dir = tempDir('hotpot-capture-session-');
afterAll(() => dir.cleanup());

/** One yuv420p frame: a checkerboard of 8 px cells in luma (16 / 235), grey chroma. */
function checkerboard(): Uint8Array {
  const f = new Uint8Array(W * H * 1.5).fill(128);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) f[y * W + x] = ((x >> 3) + (y >> 3)) % 2 === 0 ? 16 : 235;
  return f;
}
const RAW = checkerboard();

/** A Y4M clip of FRAMES identical checkerboards (lossless: ffmpeg decodes them to the same bytes). */
function writeClip(): string {
  const file = join(dir.path, 'clip.y4m');
  const parts: Uint8Array[] = [Buffer.from(`YUV4MPEG2 W${W} H${H} F${FPS}:1 Ip A1:1 C420jpeg\n`)];
  for (let i = 0; i < FRAMES; i++) parts.push(Buffer.from('FRAME\n'), RAW);
  writeFileSync(file, Buffer.concat(parts));
  return file;
}
const CLIP = writeClip();

/** Mean absolute luma difference to the raw frame over the pixels where `include(x, y)` holds. */
function lumaDiff(f: AnonymizedFrame, include: (x: number, y: number) => boolean): number {
  let sum = 0;
  let n = 0;
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      if (include(x, y)) {
        sum += Math.abs(f.data[y * W + x]! - RAW[y * W + x]!);
        n++;
      }
  return sum / n;
}

function config(): CaptureWorkerConfig {
  return {
    cameraId: 'cam-test',
    input: CLIP,
    width: W,
    height: H,
    fps: FPS,
    pixelFormat: 'yuv420p',
    ioTimeoutMs: 5000,
    stallMs: 10_000,
    // the clip ends once; no reconnect before the test stops the session
    restartInitialMs: 60_000,
    restartMaxMs: 60_000,
    realtime: true,
    pipeline: {
      detectEveryFrames: 1,
      deadlineMs: 100,
      whenBehind: 'blur',
      maxTrackedFrames: 1,
      anonymize: DEFAULT_ANONYMIZE_OPTIONS,
      masks: [],
    },
    detector: { options: {}, workerFile: 'unused: the test passes its detector in' },
    record: null,
    live: { fps: FPS, outWidthPx: W },
  };
}

/**
 * Runs a session over the whole clip with `detector`; returns what reached the live exit and the
 * port. The owner's `messages` go in as it starts (default: someone watches the live view).
 */
async function runSession(
  detector: FaceDetector,
  decoder: typeof startDecoder = startDecoder,
  cfg: CaptureWorkerConfig = config(),
  toSession: ToCaptureWorker[] = [{ type: 'live-on' }],
): Promise<{
  exited: AnonymizedFrame[];
  messages: FromCaptureWorker[];
  session: CaptureSession;
  closed: boolean;
}> {
  const exited: AnonymizedFrame[] = [];
  const messages: FromCaptureWorker[] = [];
  let closed = false;
  const sinks: CaptureSinks = {
    ...ffmpegCaptureSinks(cfg, Date.now),
    // Each frame the live exit takes comes out as a (stand-in) JPEG at once.
    live: (onJpeg) => ({
      write: (f) => {
        exited.push(f);
        onJpeg(new Uint8Array([0xff, 0xd8, 0xff, 0xd9]), f.capturedAtMs);
      },
      close: async () => undefined,
    }),
  };
  const session = new CaptureSession(cfg, {
    port: { post: (m) => void messages.push(m), close: () => (closed = true) },
    detector,
    kernels: frameKernels(),
    startDecoder: decoder,
    sinks,
    clock: { wallMs: Date.now, monoMs: () => performance.now() },
    random: () => 0.5,
  });
  session.start();
  for (const m of toSession) session.handle(m);
  const deadline = Date.now() + 15_000;
  while (session.status.state !== 'reconnecting' && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  expect(session.status.state, session.status.message).toBe('reconnecting');
  await session.stop();
  return { exited, messages, session, closed };
}

describe('CaptureSession (no worker thread, real ffmpeg and anonymizer)', () => {
  it('fails closed when the detector is late: every frame that exits is blurred whole', async () => {
    const late: FaceDetector = {
      description: 'never answers',
      detect: () => new Promise<FaceBox[]>(() => undefined),
      dispose: async () => undefined,
    };
    const { exited, session } = await runSession(late);
    expect(exited.length).toBeGreaterThanOrEqual(3);
    for (const f of exited) {
      expect(f.treatment).toBe('fail-closed');
      // blurred whole: the 16/235 checkerboard is gone everywhere
      expect(lumaDiff(f, () => true)).toBeGreaterThan(50);
    }
    expect(session.status.stats.failClosed).toBe(session.status.stats.frames);
    expect(session.status.stats.detections).toBe(0);
  }, 30_000);

  it('exits only anonymized frames: the face is replaced, the rest left as decoded; stop closes the port', async () => {
    const face: FaceBox = { x: 48, y: 24, width: 32, height: 32, score: 0.9 };
    let disposed = false;
    const finds: FaceDetector = {
      description: 'one face, always',
      detect: async () => [{ ...face }],
      dispose: async () => void (disposed = true),
    };
    const { exited, messages, session, closed } = await runSession(finds);
    expect(exited.length).toBeGreaterThanOrEqual(3);
    const inFace = (x: number, y: number): boolean =>
      x >= face.x && x < face.x + face.width && y >= face.y && y < face.y + face.height;
    // well away from the box enlarged by maskScale 1.3
    const farAway = (x: number): boolean => x < 24 || x >= 112;
    for (const f of exited) {
      expect(f.treatment).toBe('faces');
      expect(f.faces).toBe(1);
      expect(lumaDiff(f, inFace)).toBeGreaterThan(50);
      expect(lumaDiff(f, (x) => farAway(x))).toBeLessThan(1);
    }
    expect(session.status.stats.detections).toBe(session.status.stats.frames);
    expect(disposed).toBe(true);
    expect(closed).toBe(true);
    expect(messages.at(-1)).toEqual({ type: 'stopped' });
    const states = messages.flatMap((m) => (m.type === 'status' ? [m.status.state] : []));
    expect(states).toContain('streaming');
    expect(states.at(-1)).toBe('stopped');
    // the clip's end came right after its last frame
    const reconnecting = messages.flatMap((m) =>
      m.type === 'status' && m.status.state === 'reconnecting' ? [m.status.message] : [],
    );
    expect(reconnecting[0]).toMatch(/^the stream ended; reconnecting in/);
  }, 30_000);

  it('encodes no live JPEG while nobody watches, yet frames flow and a snapshot is taken', async () => {
    const finds: FaceDetector = {
      description: 'no faces',
      detect: async () => [],
      dispose: async () => undefined,
    };
    const { exited, messages, session } = await runSession(finds, startDecoder, config(), [
      { type: 'snapshot', id: 1 },
    ]);
    expect(session.status.stats.frames).toBeGreaterThanOrEqual(3);
    expect(exited).toEqual([]);
    expect(session.status.stats.liveJpegs).toBe(0);
    expect(messages.filter((m) => m.type === 'live')).toEqual([]);
    const snap = messages.find((m) => m.type === 'snapshot');
    expect(snap?.type === 'snapshot' && [...(snap.jpeg ?? new Uint8Array()).subarray(0, 2)]).toEqual([
      0xff, 0xd8,
    ]);
  }, 30_000);

  it('encodes live JPEGs between live-on and live-off, and counts them', async () => {
    const finds: FaceDetector = {
      description: 'no faces',
      detect: async () => [],
      dispose: async () => undefined,
    };
    const { exited, messages, session } = await runSession(finds);
    const live = messages.filter((m) => m.type === 'live');
    expect(live.length).toBeGreaterThanOrEqual(3);
    expect(session.status.stats.liveJpegs).toBe(live.length);
    expect(exited.length).toBe(live.length);
    // 'live-off' stops it: after it, no frame reaches the live exit
    const off = await runSession(finds, startDecoder, config(), [{ type: 'live-on' }, { type: 'live-off' }]);
    expect(off.exited).toEqual([]);
    expect(off.session.status.stats.liveJpegs).toBe(0);
  }, 30_000);

  it("a decoder that ffmpeg's socket timeout ends is reported as a stalled stream, not an ended one", async () => {
    // Two frames, then nothing: ffmpeg's I/O timeout (1 s here) gives up, says so on stderr and
    // exits 0 (as Debian's ffmpeg 7 does against a frozen RTSP server).
    const silentCamera = (): Decoder => {
      const stdout = new PassThrough();
      stdout.write(RAW);
      stdout.write(RAW);
      return {
        stdout,
        kill: () => undefined,
        done: new Promise((r) => setTimeout(() => r(null), 1200)),
        stderrTail: () => 'rtsp://127.0.0.1:8554/cam: Connection timed out',
        pid: () => null,
      };
    };
    const finds: FaceDetector = {
      description: 'no faces',
      detect: async () => [],
      dispose: async () => undefined,
    };
    const { messages } = await runSession(finds, silentCamera, { ...config(), ioTimeoutMs: 1000 });
    const reconnecting = messages.flatMap((m) =>
      m.type === 'status' && m.status.state === 'reconnecting' ? [m.status.message] : [],
    );
    expect(reconnecting[0]).toMatch(/^no frame for 1 s \(stream stalled\); reconnecting in/);
  }, 30_000);
});
