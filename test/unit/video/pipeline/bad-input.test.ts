// Issue #17: every bad input to the detector path — a corrupt frame, a model that fails to load, a
// detector that stalls or dies — blurs the frame whole (or drops it with its pixels wiped), and the
// counters say so. Real components throughout: the detector worker as built
// (dist/main/workers/detector.worker.js) through createFaceDetector, the real PrivacyPipeline and the
// native kernels. Faults are injected around the real worker (test/helpers/video/faulty-detector-worker.ts)
// or into a copy of the install whose model files are damaged (broken-install.ts).
// Every fail-closed frame is compared byte for byte with what `failClosed` makes of the raw frame, so a
// frame passed through (or treated some other way) fails the test.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerPath } from '../../../../main/platform/paths';
import { createFaceDetector, type WorkerFaceDetector } from '../../../../main/video/detect/index';
import type { AnonymizedFrame } from '../../../../main/video/pipeline/anonymized-frame';
import { PrivacyPipeline, type PrivacyPipelineOptions } from '../../../../main/video/pipeline/pipeline';
import { TEST_PIPELINE_OPTIONS } from './test-options';
import { DEFAULT_SCENE_CHANGE } from '../../../../main/video/pipeline/scene-change';
import { FaceTracker } from '../../../../main/video/detect/index';
import type { FaceDetector, Frame } from '../../../../main/video/types';
import { frameKernels } from '../../../../native/index';
import { bundleScript } from '../../../helpers/bundle';
import { CAMERA_DETECTOR, faceChecker } from '../../../helpers/rtsp/face-check';
import { decodeRgbFrames, meanAbsDiff } from '../../../helpers/rtsp/frames';
import { FACE_PHOTOS_DIR } from '../../../helpers/rtsp/rtsp-server';
import { tempDir } from '../../../helpers/tmp';
import { brokenModelInstall } from '../../../helpers/video/broken-install';
import { detectorFaults } from '../../../helpers/video/detector-faults';
import {
  blurredWhole,
  copyFrame,
  countingDetector,
  decodeFrame,
  sameBytes,
} from '../../../helpers/video/fail-closed-check';

const W = 640;
const H = 426;
const PHOTO = join(FACE_PHOTOS_DIR, 'sample1.jpg'); // three faces in the upper half
const kernels = frameKernels();
const OPTS = TEST_PIPELINE_OPTIONS;
const dir = tempDir('hotpot-bad-input-');
afterAll(() => dir.cleanup());

let detector: WorkerFaceDetector;
let checker: WorkerFaceDetector;
let faultyWorker: string;
const photo = decodeRgbFrames(PHOTO, W, H)[0]!;

beforeAll(async () => {
  detector = await createFaceDetector(CAMERA_DETECTOR, { workerFile: workerPath('detector') });
  checker = await faceChecker(workerPath('detector'));
  faultyWorker = await bundleScript(join(__dirname, '../../../helpers/video/faulty-detector-worker.ts'));
}, 120_000);
afterAll(async () => {
  await detector?.dispose();
  await checker?.dispose();
});

function pipeline(detector: FaceDetector, opts: Partial<PrivacyPipelineOptions> = {}): PrivacyPipeline {
  const tracker = (opts.detectEveryFrames ?? 1) > 1 ? new FaceTracker() : undefined;
  return new PrivacyPipeline(
    { ...OPTS, ...opts },
    { detector, tracker, kernels, nowMs: () => performance.now() },
  );
}

/** Faces the privacy checker finds in `f` (converted to rgb24 first when it is yuv420p). */
async function facesIn(f: Frame | AnonymizedFrame): Promise<number> {
  const rgb = f.format === 'rgb24' ? (f as Frame) : kernels.toRgb24(f as Frame);
  return (await checker.detect({ ...rgb, data: rgb.data.slice() })).length;
}

/** The frame came out blurred whole: exactly what `failClosed` makes of `raw`. */
function expectBlurredWhole(out: AnonymizedFrame | null, raw: Frame, what: string): void {
  expect(out?.treatment, what).toBe('fail-closed');
  expect(sameBytes(out!.data, blurredWhole(raw, kernels)), `${what}: not the fail-closed picture`).toBe(true);
}

/** The frame came out with its faces looked for, found and covered. */
async function expectFacesCovered(out: AnonymizedFrame | null, what: string): Promise<void> {
  expect(out?.treatment, what).toBe('faces');
  expect(out!.faces, what).toBeGreaterThan(0);
  expect(await facesIn(out!), what).toBe(0);
}

const until = async (cond: () => boolean, ms = 10_000): Promise<void> => {
  for (const end = Date.now() + ms; !cond(); await new Promise((r) => setTimeout(r, 20)))
    if (Date.now() > end) throw new Error('timed out waiting');
};

describe('the reference every test compares with', () => {
  it('the photo has faces the checker finds; blurred whole, none is left and every part of the picture changed', async () => {
    expect(await facesIn(photo)).toBeGreaterThanOrEqual(1);
    const blurred = { ...photo, data: blurredWhole(photo, kernels) };
    expect(await facesIn(blurred)).toBe(0);
    expect(meanAbsDiff(photo, blurred)).toBeGreaterThan(5);
    // in each quarter of the frame, not only around the faces
    for (const [x0, y0] of [
      [0, 0],
      [W / 2, 0],
      [0, H / 2],
      [W / 2, H / 2],
    ] as const)
      expect(
        meanAbsDiff(photo, blurred, (x, y) => x >= x0 && x < x0 + W / 2 && y >= y0 && y < y0 + H / 2),
      ).toBeGreaterThan(2);
  });
});

describe('a corrupt frame', () => {
  it('a frame whose bytes do not match its size is dropped with its pixels wiped, and counted; the detector never sees it', async () => {
    const seen = countingDetector(detector);
    const p = pipeline(seen);
    const cases: Array<[string, Frame]> = [
      ['one byte short', { ...photo, data: photo.data.slice(0, -1) }],
      ['one byte too many', { ...photo, data: Uint8Array.from([...photo.data, 7]) }],
      ['half a frame', { ...photo, data: photo.data.slice(0, photo.data.length / 2) }],
      ['rgb24 bytes labelled yuv420p', { ...photo, format: 'yuv420p', data: photo.data.slice() }],
    ];
    for (const [what, f] of cases) {
      const out = await p.process(f, 0);
      expect(out, what).toBeNull();
      expect(
        f.data.every((b) => b === 0),
        `${what}: raw pixels left in the buffer`,
      ).toBe(true);
    }
    expect(p.stats).toMatchObject({ frames: 4, badFrames: 4, dropped: 4, detections: 0, failClosed: 0 });
    expect(seen.calls).toBe(0);
    expect(p.lastError).toMatch(/needs \d+ bytes, got \d+/);
    // the next good frame is treated as usual
    await expectFacesCovered(await p.process(copyFrame(photo), 0), 'a good frame after the bad ones');
  });

  it('garbage pixels of the right size (noise, all 0, all 255; rgb24 and yuv420p) are looked at and come out treated', async () => {
    const seen = countingDetector(detector);
    const p = pipeline(seen);
    let seed = 17;
    const noise = (n: number): Uint8Array =>
      Uint8Array.from({ length: n }, () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 255);
    const rgb = W * H * 3;
    const yuv = W * H * 1.5;
    const cases: Array<[string, Frame]> = [
      ['rgb24 noise', { format: 'rgb24', width: W, height: H, data: noise(rgb) }],
      ['rgb24 all 0', { format: 'rgb24', width: W, height: H, data: new Uint8Array(rgb) }],
      ['rgb24 all 255', { format: 'rgb24', width: W, height: H, data: new Uint8Array(rgb).fill(255) }],
      ['yuv420p noise', { format: 'yuv420p', width: W, height: H, data: noise(yuv) }],
      ['yuv420p all 0', { format: 'yuv420p', width: W, height: H, data: new Uint8Array(yuv) }],
      ['yuv420p all 255', { format: 'yuv420p', width: W, height: H, data: new Uint8Array(yuv).fill(255) }],
    ];
    for (const [i, [what, f]] of cases.entries()) {
      const out = await p.process(f, 0);
      expect(out?.treatment, what).toBe('faces');
      expect(seen.calls, `${what}: the detector was not asked`).toBe(i + 1);
      expect(await facesIn(out!), what).toBe(0);
    }
    expect(p.stats).toMatchObject({ frames: 6, detections: 6, failClosed: 0, detectorErrors: 0 });
  });

  it('a frame whose lower half is decoder garbage (ffmpeg on an H.264 keyframe cut in half) still has its faces found and covered', async () => {
    const full = join(dir.path, 'face.h264');
    const enc = spawnSync('ffmpeg', [
      ...['-v', 'error', '-y', '-loop', '1', '-i', PHOTO, '-t', '0.3', '-r', '10'],
      ...['-vf', `scale=${W}:${H}`, '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-f', 'h264', full],
    ]);
    expect(enc.status, enc.stderr.toString()).toBe(0);
    const cut = join(dir.path, 'face-cut.h264');
    const bytes = readFileSync(full);
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    // ffmpeg conceals what is missing: one full-size frame whose lower part is smeared garbage
    const frames = decodeRgbFrames(cut, W, H);
    expect(frames).toHaveLength(1);
    const smeared = frames[0]!;
    expect(meanAbsDiff(photo, smeared, (_, y) => y > H * 0.75)).toBeGreaterThan(10);
    expect(await facesIn(smeared)).toBeGreaterThanOrEqual(1);
    const p = pipeline(detector);
    await expectFacesCovered(await p.process(copyFrame(smeared), 0), 'the half-decoded frame');
  });

  it('a frame of size 0, a fractional or negative size, or beyond the kernels’ 16384 px is dropped with its pixels wiped, and counted', async () => {
    const seen = countingDetector(detector);
    const p = pipeline(seen);
    const noise = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 37) & 255);
    const cases: Array<[string, Frame]> = [
      ['0x0', { format: 'rgb24', width: 0, height: 0, data: new Uint8Array(0) }],
      ['640x0', { format: 'rgb24', width: 640, height: 0, data: new Uint8Array(0) }],
      ['0x426 yuv420p', { format: 'yuv420p', width: 0, height: 426, data: new Uint8Array(0) }],
      ['-2x-2', { format: 'rgb24', width: -2, height: -2, data: noise(12) }],
      ['640.5x426', { format: 'rgb24', width: 640.5, height: 426, data: noise(818_559) }],
      ['20000x2 rgb24', { format: 'rgb24', width: 20_000, height: 2, data: noise(120_000) }],
      ['2x17000 yuv420p', { format: 'yuv420p', width: 2, height: 17_000, data: noise(51_000) }],
      ['bgr24', { ...photo, format: 'bgr24' as 'rgb24', data: photo.data.slice() }],
    ];
    for (const [what, f] of cases) {
      const out = await p.process(f, 0);
      expect(out, what).toBeNull();
      expect(
        f.data.every((b) => b === 0),
        `${what}: raw pixels left in the buffer`,
      ).toBe(true);
    }
    expect(p.stats).toMatchObject({ frames: cases.length, badFrames: cases.length, dropped: cases.length });
    expect(seen.calls).toBe(0);
  });

  it('a frame the anonymizer refuses (a malformed privacy mask) goes nowhere: the error is thrown with the pixels wiped', async () => {
    const p = pipeline(detector, {
      masks: [
        {
          points: [
            { x: 0, y: 0 },
            { x: 1, y: 1 },
          ],
        },
      ],
    });
    const f = copyFrame(photo);
    await expect(p.process(f, 0)).rejects.toThrow(/needs at least 3 points/);
    expect(f.data.every((b) => b === 0)).toBe(true);
    expect(p.stats.dropped).toBe(1);
  });

  it('odd sizes (641x427, rgb24 and yuv420p) and a 4K frame are treated like any other: faces found and covered', async () => {
    const p = pipeline(detector);
    for (const [w, h, format] of [
      [641, 427, 'rgb24'],
      [641, 427, 'yuv420p'],
      [3840, 2160, 'rgb24'],
    ] as const) {
      const raw = decodeFrame(PHOTO, w, h, format);
      expect(await facesIn(raw), `${w}x${h} ${format} raw`).toBeGreaterThanOrEqual(1);
      await expectFacesCovered(await p.process(raw, 0), `${w}x${h} ${format}`);
    }
    expect(p.stats).toMatchObject({ frames: 3, detections: 3, failClosed: 0, badFrames: 0 });
  });
});

describe('a model that fails to load', () => {
  const flipEvery64 = (file: string, end?: number): void => {
    const b = readFileSync(file);
    for (let i = 0; i < (end ?? b.length); i += 64) b[i] = b[i]! ^ 0x5a;
    writeFileSync(file, b);
  };
  // ssd_mobilenetv1's last 81 888 bytes are its anchors, which the ONNX path checks; the damage
  // below leaves them intact, as a bad disk sector in the middle of the file would.
  const SSD_ANCHORS_AT = 5_535_069;
  const damage: Array<[string, 'ssd_mobilenetv1' | 'tiny_face_detector', (model: string) => void]> = [
    [
      'manifest is missing',
      'ssd_mobilenetv1',
      (m) => rmSync(join(m, 'ssd_mobilenetv1_model-weights_manifest.json')),
    ],
    ['weights file is missing', 'ssd_mobilenetv1', (m) => rmSync(join(m, 'ssd_mobilenetv1_model.bin'))],
    [
      'manifest is not JSON',
      'ssd_mobilenetv1',
      (m) => writeFileSync(join(m, 'ssd_mobilenetv1_model-weights_manifest.json'), '{not json'),
    ],
    [
      'weights are cut short',
      'ssd_mobilenetv1',
      (m) =>
        writeFileSync(
          join(m, 'ssd_mobilenetv1_model.bin'),
          readFileSync(join(m, 'ssd_mobilenetv1_model.bin')).subarray(0, 4096),
        ),
    ],
    [
      'weights have one byte in 64 changed (same size, anchors intact)',
      'ssd_mobilenetv1',
      (m) => flipEvery64(join(m, 'ssd_mobilenetv1_model.bin'), SSD_ANCHORS_AT),
    ],
    [
      'weights are all zero (same size)',
      'tiny_face_detector',
      (m) =>
        writeFileSync(
          join(m, 'tiny_face_detector_model.bin'),
          new Uint8Array(readFileSync(join(m, 'tiny_face_detector_model.bin')).length),
        ),
    ],
    [
      'weights have one byte in 64 changed (same size)',
      'tiny_face_detector',
      (m) => flipEvery64(join(m, 'tiny_face_detector_model.bin')),
    ],
  ];

  it('an intact copy of the install loads and finds the faces (the harness itself works)', async () => {
    const workerFile = brokenModelInstall(join(dir.path, 'intact'), () => undefined);
    const d = await createFaceDetector(CAMERA_DETECTOR, { workerFile });
    try {
      expect((await d.detect(copyFrame(photo))).length).toBeGreaterThanOrEqual(3);
    } finally {
      await d.dispose();
    }
  });

  it.each(damage)(
    'a model whose %s (%s) is refused: the detector does not start, and says which model and what to do',
    async (what, model, breakModel) => {
      const workerFile = brokenModelInstall(
        join(dir.path, `${model}-${what.replace(/\W+/g, '-')}`),
        breakModel,
      );
      const options = model === 'ssd_mobilenetv1' ? CAMERA_DETECTOR : { model, inputSizePx: 416 };
      const started = createFaceDetector(options, { workerFile });
      // (what a damaged model that loaded would do: find fewer faces, or none)
      const found = await started.then(
        async (d) => {
          const n = (await d.detect(copyFrame(photo))).filter((b) => b.score >= 0.2).length;
          await d.dispose();
          return n;
        },
        () => null,
      );
      expect(found, `the damaged model loaded and found ${found} faces`).toBeNull();
      await expect(started).rejects.toThrow(new RegExp(`${model}.*reinstall|reinstall.*${model}`));
    },
  );

  it('a detector worker file that is missing, throws on start, or exits before its model loads is refused (WORKER_FAILED)', async () => {
    const throws = join(dir.path, 'throws.worker.mjs');
    writeFileSync(throws, "throw new Error('no model here');\n");
    const exits = join(dir.path, 'exits.worker.mjs');
    writeFileSync(exits, 'process.exit(4);\n');
    for (const [workerFile, message] of [
      [join(dir.path, 'missing.worker.mjs'), /failed to start: Cannot find module/],
      [throws, /failed to start: no model here/],
      [exits, /exited \(code 4\) before its model loaded/],
    ] as const)
      await expect(createFaceDetector(CAMERA_DETECTOR, { workerFile })).rejects.toMatchObject({
        code: 'WORKER_FAILED',
        message: expect.stringMatching(message),
      });
  });

  it('a detector worker that never finishes loading its model is given up on after loadTimeoutMs, and closed when it does finish', async () => {
    const slow = join(dir.path, 'slow.worker.mjs');
    const closed = join(dir.path, 'slow.closed');
    writeFileSync(
      slow,
      [
        "import { parentPort } from 'node:worker_threads';",
        "import { writeFileSync } from 'node:fs';",
        "setTimeout(() => parentPort.postMessage({ type: 'ready', description: 'slow' }), 1500);",
        `parentPort.on('message', (m) => { if (m.type === 'close') { writeFileSync(${JSON.stringify(closed)}, ''); process.exit(0); } });`,
      ].join('\n'),
    );
    const t0 = performance.now();
    await expect(
      createFaceDetector(CAMERA_DETECTOR, { workerFile: slow, loadTimeoutMs: 300 }),
    ).rejects.toMatchObject({
      code: 'WORKER_FAILED',
      message: expect.stringMatching(/did not load its model within 0\.3 s/),
    });
    expect(performance.now() - t0).toBeLessThan(1400);
    await until(() => {
      try {
        return readFileSync(closed) !== undefined;
      } catch {
        return false;
      }
    });
  });
});

describe('a detector that stalls', () => {
  let faulty: WorkerFaceDetector;
  const faults = detectorFaults();
  beforeAll(async () => {
    faulty = await createFaceDetector(CAMERA_DETECTOR, { workerFile: faultyWorker });
    // The detector's first look at a picture covers all of it at full resolution (search/finder.ts),
    // slower than these tests' 300 ms deadline on a busy machine; later looks at the same picture are quick.
    await faulty.detect(copyFrame(photo));
  }, 60_000);
  afterAll(async () => {
    await faults.set({ type: 'none' });
    await faulty?.dispose();
    faults.close();
  });

  it('while it does not answer every frame is blurred whole and counted late; when it answers again detection resumes', async () => {
    const p = pipeline(faulty, { deadlineMs: 300 });
    await expectFacesCovered(await p.process(copyFrame(photo), 0), 'before the stall');
    await faults.set({ type: 'stall' });
    for (let i = 1; i <= 5; i++)
      expectBlurredWhole(await p.process(copyFrame(photo), i * 100), photo, `frame ${i}`);
    expect(p.stats).toMatchObject({ frames: 6, detections: 1, detectionsLate: 5, failClosed: 5 });
    // one request is out; the pipeline does not pile more onto a detector that has not answered
    expect(faulty.pending).toBe(1);
    await faults.set({ type: 'none' }); // the held answer arrives, long after its deadline
    await until(() => faulty.pending === 0);
    await expectFacesCovered(await p.process(copyFrame(photo), 600), 'after the stall');
    expect(p.stats).toMatchObject({ frames: 7, detections: 3, failClosed: 5 });
  });

  it('with the camera settings (tracker between detections) nothing passes while it hangs: tracked frames cover the faces, then every frame is blurred whole', async () => {
    const p = pipeline(faulty, {
      deadlineMs: 300,
      detectEveryFrames: 2,
      maxTrackedFrames: 6,
      sceneChange: { ...DEFAULT_SCENE_CHANGE },
    });
    for (let i = 0; i < 2; i++)
      await expectFacesCovered(await p.process(copyFrame(photo), i * 100), `frame ${i}`);
    await faults.set({ type: 'stall' });
    const treatments: string[] = [];
    for (let i = 2; i < 22; i++) {
      const out = await p.process(copyFrame(photo), i * 100);
      treatments.push(out!.treatment);
      if (out!.treatment === 'fail-closed') expectBlurredWhole(out, photo, `frame ${i}`);
      else await expectFacesCovered(out, `frame ${i} (tracked)`);
    }
    // the last good detection was frame 0: tracks cover the skipped frames up to 6 frames after it
    expect(treatments.slice(0, 5)).toEqual(['fail-closed', 'faces', 'fail-closed', 'faces', 'fail-closed']);
    expect(treatments.slice(5).every((t) => t === 'fail-closed')).toBe(true);
    expect(p.stats.detections).toBe(1);
    await faults.set({ type: 'none' });
    await until(() => faulty.pending === 0);
  });
});

describe('a detector that dies mid-stream', () => {
  it.each([
    ['exits', { type: 'exit', code: 3 } as const, /exited unexpectedly \(code 3\)/],
    [
      'throws an uncaught error',
      { type: 'throw' } as const,
      /crashed: the faulty detector worker crashed on purpose/,
    ],
  ])(
    'a detector worker that %s: that frame and every later one is blurred whole, counted as detector errors',
    async (_, fault, why) => {
      const faults = detectorFaults();
      const dying = await createFaceDetector(CAMERA_DETECTOR, { workerFile: faultyWorker });
      try {
        const p = pipeline(dying, { deadlineMs: 5000 });
        await expectFacesCovered(await p.process(copyFrame(photo), 0), 'before');
        await faults.set(fault);
        for (let i = 1; i <= 5; i++)
          expectBlurredWhole(await p.process(copyFrame(photo), i * 100), photo, `frame ${i}`);
        expect(p.stats).toMatchObject({ frames: 6, detections: 1, detectorErrors: 5, failClosed: 5 });
        expect(p.lastError).toMatch(why);
      } finally {
        await dying.dispose();
        faults.close();
      }
    },
  );
});
