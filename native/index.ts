/**
 * Frame kernels: the N-API addon (`native/build/Release/hotpot_native.node`) when it is built, else
 * the JavaScript kernels of `native/fallback.ts`, which produce the same bytes. Everything here works
 * in place on tightly packed rgb24 / yuv420p frames (`Frame` of `native/frame.ts`).
 *
 * @example
 * import { frameKernels } from '../../native';
 * frameKernels.blurRects(frame, [{ x: 100, y: 80, width: 64, height: 64 }], { radiusPx: 12 });
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { appRoot } from '../main/platform/paths';
import type { Frame, PixelFormat, Rect } from './frame';
import { FORMAT_RGB24, FORMAT_YUV420P, jsKernels, type RawKernels } from './fallback';
import { NativeError } from './errors';

export { jsKernels, type RawKernels } from './fallback';
export { NativeError, type NativeErrorCode } from './errors';

/** An RGB colour, each component 0..255. */
export type Rgb = readonly [number, number, number];

/** Largest blur radius the kernels accept (the window is 2r+1 wide). */
export const MAX_BLUR_RADIUS_PX = 255;

let loaded: { kernels: RawKernels | null; error: string | null } | undefined;

function load(): { kernels: RawKernels | null; error: string | null } {
  if (loaded) return loaded;
  if (process.env.HOTPOT_NO_NATIVE === '1') {
    loaded = { kernels: null, error: 'disabled by HOTPOT_NO_NATIVE=1' };
    return loaded;
  }
  const file = join(appRoot(), 'native', 'build', 'Release', 'hotpot_native.node');
  if (!existsSync(file)) {
    loaded = { kernels: null, error: `not built (${file} is missing; run bin/hotpot setup)` };
    return loaded;
  }
  try {
    const req = createRequire(import.meta.url);
    loaded = { kernels: req(file) as RawKernels, error: null };
  } catch (err) {
    loaded = {
      kernels: null,
      error: `failed to load ${file}: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
  return loaded;
}

/** True when the addon is loaded and the kernels run natively; false means the JavaScript fallback. */
export function nativeAvailable(): boolean {
  return load().kernels !== null;
}

/** Why the addon is not in use (null when it is). */
export function nativeUnavailableReason(): string | null {
  return load().error;
}

/**
 * The addon's keccak-256 (of the concatenation of its Uint8Array arguments), or null when the addon
 * is not built or predates it. The node hands it to the chain with `useKeccak256`, which checks it.
 */
export function nativeKeccak256(): ((...parts: Uint8Array[]) => Uint8Array) | null {
  const k = load().kernels as (RawKernels & { keccak256?: (...parts: Uint8Array[]) => Uint8Array }) | null;
  return typeof k?.keccak256 === 'function' ? k.keccak256 : null;
}

/** The addon's raw kernels, or null when it is not built. */
export function nativeRawKernels(): RawKernels | null {
  return load().kernels;
}

/** Bytes of a tightly packed frame. */
export function frameBytes(format: PixelFormat, width: number, height: number): number {
  return format === 'rgb24'
    ? width * height * 3
    : width * height + 2 * ((width + 1) >> 1) * ((height + 1) >> 1);
}

/** Why the kernels cannot treat `frame` (format, a side outside 1..16384, bytes that do not match its size), or null. */
export function frameProblem(frame: Frame): string | null {
  const { format, width, height, data } = frame;
  if (format !== 'rgb24' && format !== 'yuv420p')
    return `unsupported pixel format ${String(format)} (expected rgb24 or yuv420p)`;
  const side = (n: number): boolean => Number.isInteger(n) && n > 0 && n <= 16384;
  if (!side(width) || !side(height))
    return `frame size ${width}x${height} is not a positive integer size up to 16384x16384`;
  const want = frameBytes(format, width, height);
  if (!(data instanceof Uint8Array) || data.length !== want)
    return `a ${width}x${height} ${format} frame needs ${want} bytes, got ${(data as Uint8Array | undefined)?.length ?? 0}`;
  return null;
}

function checkFrame(frame: Frame): number {
  const problem = frameProblem(frame);
  if (problem !== null)
    throw new NativeError('BAD_FRAME', problem, {
      width: frame.width,
      height: frame.height,
      format: frame.format,
    });
  return frame.format === 'rgb24' ? FORMAT_RGB24 : FORMAT_YUV420P;
}

function checkColour(rgb: Rgb): void {
  if (rgb.length !== 3 || rgb.some((c) => !Number.isInteger(c) || c < 0 || c > 255)) {
    throw new NativeError('BAD_ARGUMENT', `colour must be three integers 0..255, got [${rgb.join(', ')}]`);
  }
}

/**
 * Rects rounded outwards to whole pixels and clipped to the frame; empty ones dropped.
 * Non-finite coordinates are refused rather than guessed.
 */
export function clipRects(rects: readonly Rect[], width: number, height: number): Int32Array {
  const out: number[] = [];
  for (const r of rects) {
    if (![r.x, r.y, r.width, r.height].every(Number.isFinite)) {
      throw new NativeError('BAD_ARGUMENT', `rect ${JSON.stringify(r)} has a non-finite coordinate`);
    }
    const x0 = Math.max(0, Math.floor(r.x));
    const y0 = Math.max(0, Math.floor(r.y));
    const x1 = Math.min(width, Math.ceil(r.x + r.width));
    const y1 = Math.min(height, Math.ceil(r.y + r.height));
    if (x1 > x0 && y1 > y0) out.push(x0, y0, x1 - x0, y1 - y0);
  }
  return Int32Array.from(out);
}

/** The kernels on `Frame`s, over one raw implementation. */
export class FrameKernels {
  /** @param raw the addon's kernels or `jsKernels`; `native` says which, for reports */
  constructor(
    readonly raw: RawKernels,
    readonly native: boolean,
  ) {}

  /** Box blur (window 2r+1, `passes` times each way; 3 passes ≈ Gaussian) inside each rect, clamped at the rect's edges. Chroma planes use r/2. */
  blurRects(frame: Frame, rects: readonly Rect[], opts: { radiusPx: number; passes?: number }): void {
    const fmt = checkFrame(frame);
    const radius = Math.round(opts.radiusPx);
    const passes = opts.passes ?? 3;
    if (!(radius >= 0 && radius <= MAX_BLUR_RADIUS_PX))
      throw new NativeError(
        'BAD_ARGUMENT',
        `blur radius must be 0..${MAX_BLUR_RADIUS_PX} px, got ${opts.radiusPx}`,
      );
    if (!Number.isInteger(passes) || passes < 0 || passes > 16)
      throw new NativeError('BAD_ARGUMENT', `blur passes must be an integer 0..16, got ${passes}`);
    const r = clipRects(rects, frame.width, frame.height);
    if (r.length > 0) this.raw.blurRects(frame.data, fmt, frame.width, frame.height, r, radius, passes);
  }

  /** Replaces blocks of `blockPx`² pixels (aligned to each rect's corner) by their mean. */
  pixelateRects(frame: Frame, rects: readonly Rect[], blockPx: number): void {
    const fmt = checkFrame(frame);
    const block = Math.round(blockPx);
    if (!(block >= 1 && block <= 4096))
      throw new NativeError('BAD_ARGUMENT', `pixelate block must be 1..4096 px, got ${blockPx}`);
    const r = clipRects(rects, frame.width, frame.height);
    if (r.length > 0) this.raw.pixelateRects(frame.data, fmt, frame.width, frame.height, r, block);
  }

  /** Fills each rect with one colour. */
  fillRects(frame: Frame, rects: readonly Rect[], rgb: Rgb): void {
    const fmt = checkFrame(frame);
    checkColour(rgb);
    const r = clipRects(rects, frame.width, frame.height);
    if (r.length > 0)
      this.raw.fillRects(frame.data, fmt, frame.width, frame.height, r, rgb[0], rgb[1], rgb[2]);
  }

  /** Fills a polygon given in frame pixels (even-odd rule; a pixel is inside when its centre is). */
  fillPolygon(frame: Frame, pointsPx: ReadonlyArray<{ x: number; y: number }>, rgb: Rgb): void {
    const fmt = checkFrame(frame);
    checkColour(rgb);
    if (pointsPx.length < 3) return;
    const pts = new Float64Array(pointsPx.length * 2);
    pointsPx.forEach((p, i) => {
      if (!Number.isFinite(p.x) || !Number.isFinite(p.y))
        throw new NativeError('BAD_ARGUMENT', `polygon point ${i} is not finite`);
      pts[2 * i] = p.x;
      pts[2 * i + 1] = p.y;
    });
    this.raw.fillPolygon(frame.data, fmt, frame.width, frame.height, pts, rgb[0], rgb[1], rgb[2]);
  }

  /** Area-average downscale of an rgb24 frame to `width`×`height` (each no larger than the source). */
  downscaleRgb24(frame: Frame, width: number, height: number, out?: Uint8Array): Frame {
    checkFrame(frame);
    if (frame.format !== 'rgb24')
      throw new NativeError('BAD_FRAME', `downscale needs an rgb24 frame, got ${frame.format}`);
    if (
      !Number.isInteger(width) ||
      !Number.isInteger(height) ||
      width < 1 ||
      height < 1 ||
      width > frame.width ||
      height > frame.height
    ) {
      throw new NativeError(
        'BAD_ARGUMENT',
        `downscale target ${width}x${height} must be 1..${frame.width}x1..${frame.height}`,
      );
    }
    const dst = out ?? new Uint8Array(width * height * 3);
    if (dst.length !== width * height * 3)
      throw new NativeError(
        'BAD_ARGUMENT',
        `downscale output needs ${width * height * 3} bytes, got ${dst.length}`,
      );
    this.raw.downscaleRgb24(frame.data, frame.width, frame.height, dst, width, height);
    return { format: 'rgb24', width, height, data: dst };
  }

  /**
   * A downscaled rgb24 copy of an rgb24 or yuv420p frame (area average; yuv420p is averaged per
   * plane and then converted, so the full-size frame is never converted).
   */
  downscaleToRgb24(frame: Frame, width: number, height: number): Frame {
    if (frame.format === 'rgb24') return this.downscaleRgb24(frame, width, height);
    checkFrame(frame);
    if (
      !Number.isInteger(width) ||
      !Number.isInteger(height) ||
      width < 1 ||
      height < 1 ||
      width > frame.width ||
      height > frame.height
    ) {
      throw new NativeError(
        'BAD_ARGUMENT',
        `downscale target ${width}x${height} must be 1..${frame.width}x1..${frame.height}`,
      );
    }
    const dst = new Uint8Array(width * height * 3);
    this.raw.downscaleYuv420pToRgb24(frame.data, frame.width, frame.height, dst, width, height);
    return { format: 'rgb24', width, height, data: dst };
  }

  /** The frame as rgb24 (BT.601 limited range from yuv420p; the same object when it already is rgb24). */
  toRgb24(frame: Frame): Frame {
    checkFrame(frame);
    if (frame.format === 'rgb24') return frame;
    const dst = new Uint8Array(frame.width * frame.height * 3);
    this.raw.yuv420pToRgb24(frame.data, frame.width, frame.height, dst);
    return { format: 'rgb24', width: frame.width, height: frame.height, data: dst };
  }

  /**
   * The tiny face detector's input tensor data ([netH, netW, 3] float32): the rgb24 `frame` scaled up
   * to tw×th (bilinear, half-pixel centres; copied when the sizes match) at the top-left, the rest
   * black, every value (v − mean) / 255; the same bits natively and in JavaScript. Written into
   * the start of `out` when it is large enough (a view of it is returned), else into a new array.
   */
  tinyInput(
    frame: Frame,
    size: { tw: number; th: number; netW: number; netH: number },
    mean: readonly [number, number, number],
    out?: Float32Array,
  ): Float32Array {
    checkFrame(frame);
    const { tw, th, netW, netH } = size;
    const ok = (n: number): boolean => Number.isInteger(n) && n > 0 && n <= 16384;
    if (
      frame.format !== 'rgb24' ||
      ![tw, th, netW, netH].every(ok) ||
      tw < frame.width ||
      th < frame.height ||
      netW < tw ||
      netH < th
    )
      throw new NativeError(
        'BAD_ARGUMENT',
        `the tiny input takes an rgb24 frame no larger than tw×th inside netW×netH, got ${frame.format} ${frame.width}x${frame.height} → ${tw}x${th} in ${netW}x${netH}`,
      );
    if (!mean.every(Number.isFinite))
      throw new NativeError('BAD_ARGUMENT', `mean must be three finite numbers, got [${mean.join(', ')}]`);
    const n = netW * netH * 3;
    const dst = out && out.length >= n ? out.subarray(0, n) : new Float32Array(n);
    const raw = this.raw.tinyInputRgb24 ? this.raw : jsKernels;
    raw.tinyInputRgb24!(frame.data, frame.width, frame.height, dst, netW, netH, tw, th, ...mean);
    return dst;
  }

  /** The frame as yuv420p (BT.601 limited range, chroma from 2×2 means; the same object when it already is yuv420p). */
  toYuv420p(frame: Frame): Frame {
    checkFrame(frame);
    if (frame.format === 'yuv420p') return frame;
    const dst = new Uint8Array(frameBytes('yuv420p', frame.width, frame.height));
    this.raw.rgb24ToYuv420p(frame.data, frame.width, frame.height, dst);
    return { format: 'yuv420p', width: frame.width, height: frame.height, data: dst };
  }
}

/** The JavaScript kernels on frames (always available). */
export const jsFrameKernels = new FrameKernels(jsKernels, false);

let best: FrameKernels | undefined;

/** The fastest kernels here: native when the addon loads, else JavaScript. */
export function frameKernels(): FrameKernels {
  if (!best) {
    const raw = nativeRawKernels();
    best = raw ? new FrameKernels(raw, true) : jsFrameKernels;
  }
  return best;
}
