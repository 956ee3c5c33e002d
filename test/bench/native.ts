/**
 * Native kernel benchmark: `bin/hotpot bench native [--ms 1500]` prints one JSON object with the
 * throughput (MB/s of region bytes processed) of each frame kernel, native addon vs the JavaScript
 * fallback, on 1080p rgb24 and yuv420p frames with typical face rects (4 faces of ~200×260 px,
 * enlarged 1.3× as the anonymizer does), plus the whole-frame fail-closed blur, downscale for the
 * detector and colour conversion. Target (issue 2): native blur ≥ 5× JavaScript.
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { blurRadiusFor, enlargeBox } from '../../main/video/anonymize';
import type { Frame, PixelFormat, Rect } from '../../main/video/types';
import {
  FrameKernels,
  frameBytes,
  jsFrameKernels,
  nativeRawKernels,
  nativeUnavailableReason,
} from '../../native';

const { values } = parseArgs({ options: { ms: { type: 'string', default: '1500' } } });
const budgetMs = Math.max(100, Number(values.ms));

const W = 1920;
const H = 1080;
const FACES: Rect[] = [
  { x: 300, y: 200, width: 200, height: 260 },
  { x: 800, y: 260, width: 190, height: 250 },
  { x: 1300, y: 180, width: 210, height: 270 },
  { x: 1600, y: 600, width: 180, height: 240 },
].map((r) => enlargeBox(r, 1.3));

function frame(format: PixelFormat): Frame {
  const data = new Uint8Array(frameBytes(format, W, H));
  let s = 12345;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    data[i] = s >>> 24;
  }
  return { format, width: W, height: H, data };
}

function regionBytes(format: PixelFormat, rects: Rect[]): number {
  const px = rects.reduce((a, r) => a + Math.ceil(r.width) * Math.ceil(r.height), 0);
  return format === 'rgb24' ? px * 3 : px * 1.5;
}

/**
 * ms per call: the best of 5 batches of about budgetMs/5 each, in CPU time of this thread's
 * process (user + system) rather than wall time: the machine is shared, and CPU time does not count
 * the time other processes held the core. Wall time of the best batch is kept for reference.
 */
function time(fn: () => void): { msPerCall: number; wallMsPerCall: number; calls: number } {
  fn(); // warm-up
  let best = Infinity;
  let bestWall = Infinity;
  let calls = 0;
  for (let batch = 0; batch < 5; batch++) {
    let n = 0;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < budgetMs / 5 || n < 2) {
      fn();
      n++;
      t = performance.now();
    }
    const c = process.cpuUsage(c0);
    calls += n;
    best = Math.min(best, (c.user + c.system) / 1000 / n);
    bestWall = Math.min(bestWall, (t - t0) / n);
  }
  return { msPerCall: best, wallMsPerCall: bestWall, calls };
}

const raw = nativeRawKernels();
const native = raw ? new FrameKernels(raw, true) : null;
const impls: Array<[string, FrameKernels]> = [['js', jsFrameKernels]];
if (native) impls.unshift(['native', native]);

type Row = Record<string, number | string | null>;
const kernels: Record<string, Row> = {};
function measure(
  name: string,
  bytes: number,
  make: () => Frame,
  run: (k: FrameKernels, f: Frame) => void,
): void {
  const row: Row = { bytesPerCall: Math.round(bytes) };
  for (const [label, k] of impls) {
    const f = make();
    const r = time(() => run(k, f));
    row[`${label}_ms`] = Number(r.msPerCall.toFixed(3));
    row[`${label}_wall_ms`] = Number(r.wallMsPerCall.toFixed(3));
    row[`${label}_MBps`] = Number((bytes / 1e6 / (r.msPerCall / 1000)).toFixed(1));
  }
  row.speedup = native ? Number(((row.js_ms as number) / (row.native_ms as number)).toFixed(2)) : null;
  kernels[name] = row;
}

const rgb = frame('rgb24');
const yuv = frame('yuv420p');
const blurFaces = (k: FrameKernels, f: Frame): void => {
  for (const r of FACES) k.blurRects(f, [r], { radiusPx: blurRadiusFor(r), passes: 3 });
};
measure(
  'blur_faces_rgb24_1080p',
  regionBytes('rgb24', FACES),
  () => ({ ...rgb, data: rgb.data.slice() }),
  blurFaces,
);
measure(
  'blur_faces_yuv420p_1080p',
  regionBytes('yuv420p', FACES),
  () => ({ ...yuv, data: yuv.data.slice() }),
  blurFaces,
);
const whole = [{ x: 0, y: 0, width: W, height: H }];
measure(
  'blur_full_frame_yuv420p_1080p',
  regionBytes('yuv420p', whole),
  () => ({ ...yuv, data: yuv.data.slice() }),
  (k, f) => k.blurRects(f, whole, { radiusPx: 80, passes: 3 }),
);
measure(
  'pixelate_faces_yuv420p_1080p',
  regionBytes('yuv420p', FACES),
  () => ({ ...yuv, data: yuv.data.slice() }),
  (k, f) => {
    for (const r of FACES) k.pixelateRects(f, [r], 32);
  },
);
measure(
  'downscale_yuv420p_1080p_to_rgb24_416',
  frameBytes('yuv420p', W, H),
  () => yuv,
  (k, f) => void k.downscaleToRgb24(f, 416, 234),
);
measure(
  'downscale_rgb24_1080p_to_416',
  W * H * 3,
  () => rgb,
  (k, f) => void k.downscaleRgb24(f, 416, 234),
);
measure(
  'yuv420p_to_rgb24_1080p',
  frameBytes('yuv420p', W, H),
  () => yuv,
  (k, f) => void k.toRgb24(f),
);
measure(
  'rgb24_to_yuv420p_1080p',
  W * H * 3,
  () => rgb,
  (k, f) => void k.toYuv420p(f),
);

const blurRgb = kernels.blur_faces_rgb24_1080p!;
const blurYuv = kernels.blur_faces_yuv420p_1080p!;
process.stdout.write(
  JSON.stringify(
    {
      bench: 'native',
      native: native !== null,
      nativeUnavailableReason: native ? null : nativeUnavailableReason(),
      machine: {
        cpus: cpus().length,
        model: cpus()[0]?.model ?? 'unknown',
        node: process.version,
        note: 'shared machine: other processes were running; MB/s from CPU time (best of 5 batches)',
      },
      frame: `${W}x${H}`,
      faceRects: FACES.map((r) => ({
        x: Math.round(r.x),
        y: Math.round(r.y),
        width: Math.round(r.width),
        height: Math.round(r.height),
      })),
      blur: {
        rgb24: {
          native_MBps: blurRgb.native_MBps ?? null,
          js_MBps: blurRgb.js_MBps,
          speedup: blurRgb.speedup,
        },
        yuv420p: {
          native_MBps: blurYuv.native_MBps ?? null,
          js_MBps: blurYuv.js_MBps,
          speedup: blurYuv.speedup,
        },
        target_speedup: 5,
        meets_target: native ? Math.min(blurRgb.speedup as number, blurYuv.speedup as number) >= 5 : false,
      },
      kernels,
    },
    null,
    2,
  ) + '\n',
);
