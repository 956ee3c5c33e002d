// Run by record.test.ts inside `unshare -rmn` with a 2 MB tmpfs on argv[2]: records incompressible
// anonymized frames until the disk fills, frees space, and records again. Prints one JSON report.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createFaceDetector } from '../../../../main/video/detect/index';
import { PrivacyPipeline } from '../../../../main/video/pipeline/pipeline';
import { mp4LooksComplete } from '../../../../main/video/record/mp4-check';
import { SegmentRecorder, type ClosedSegment } from '../../../../main/video/record/segment-recorder';
import { frameKernels } from '../../../../native/index';

const dir = process.argv[2]!;
const detectorFile = process.argv[3]!;
const W = 320;
const H = 240;
const detector = await createFaceDetector({}, { workerFile: detectorFile });
const pipeline = new PrivacyPipeline(
  {
    detectEveryFrames: 1,
    deadlineMs: 10_000,
    whenBehind: 'blur',
    maxTrackedFrames: 1,
    anonymize: { replaceWith: 'blur', maskScale: 1.3, threshold: 0.2 },
    masks: [],
  },
  { detector, kernels: frameKernels(), nowMs: () => performance.now() },
);
const errors: Array<{ code: string; message: string }> = [];
const segments: ClosedSegment[] = [];
const partsSeen = new Set<string>();
let t = Date.UTC(2026, 0, 1);
const recOpts = {
  cameraId: 'cam',
  dir,
  segmentMs: 1000,
  width: W,
  height: H,
  fps: 10,
  pixelFormat: 'rgb24' as const,
  minFreeBytes: 64 * 1024,
  retryMs: 0,
  x264Preset: 'ultrafast',
  crf: 0,
};
const recDeps = {
  nowMs: () => Date.now(),
  onSegment: (s: ClosedSegment) => segments.push(s),
  onError: (code: string, message: string) => errors.push({ code, message }),
};
let rec = new SegmentRecorder(recOpts, recDeps);
const walk = (d: string): string[] =>
  readdirSync(d, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)],
  );
let seed = 1;
const noise = (): Uint8Array => {
  const a = new Uint8Array(W * H * 3);
  for (let i = 0; i < a.length; i++) a[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
  return a;
};
async function feed(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const out = await pipeline.process({ format: 'rgb24', width: W, height: H, data: noise() }, (t += 100));
    if (out) rec.write(out);
    for (const f of walk(dir)) if (f.endsWith('.part')) partsSeen.add(f);
    await new Promise((r) => setTimeout(r, 5));
  }
}
await feed(120);
await rec.close();
const afterFull = walk(dir).map((f) => ({
  f,
  bytes: statSync(f).size,
  complete: f.endsWith('.mp4') ? mp4LooksComplete(f) : null,
}));
const errorsWhileFull = errors.length;
// Retention frees space: the recorder resumes on its own.
for (const s of segments) rmSync(s.path, { force: true });
const before = segments.length;
rec = new SegmentRecorder(recOpts, recDeps);
await feed(25);
await rec.close();
process.stdout.write(
  JSON.stringify({
    errorsWhileFull,
    errors: errors.slice(0, 3),
    firstSegments: before,
    resumedSegments: segments.length - before,
    afterFull,
    final: walk(dir),
    partsSeen: partsSeen.size,
    segments: segments.map((s) => s.path),
  }) + '\n',
);
await detector.dispose();
