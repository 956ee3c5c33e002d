// The scene-change check that makes the pipeline look at a frame out of schedule: on real photos it
// must ignore what a tracker handles (sensor noise, a camera drifting a few pixels a frame) and catch
// what it cannot (a hard cut to another picture, the lights going on).
import { describe, expect, it } from 'vitest';
import { changedShare, DEFAULT_SCENE_CHANGE, lumaGrid } from '../../../../main/video/pipeline/scene-change';
import type { Frame } from '../../../../main/video/types';
import { frameKernels } from '../../../../native/index';
import { decodeRgbFrames } from '../../../helpers/rtsp/frames';
import { facePhotos } from '../detect/faces';

const W = 640;
const H = 360;
const { thresholdLuma, cutShare, driftShare } = DEFAULT_SCENE_CHANGE;

/** A deterministic PRNG (mulberry32), so the noise is the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `f` with Gaussian-like noise of standard deviation ~`sigma` on every byte. */
function noisy(f: Frame, sigma: number, seed: number): Frame {
  const r = rng(seed);
  const data = f.data.map((v) => {
    const n = (r() + r() + r() + r() - 2) * sigma * Math.sqrt(3);
    return Math.max(0, Math.min(255, Math.round(v + n)));
  });
  return { ...f, data };
}

/** `f` moved `d` pixels right and `d / 2` down (the edges repeated), as a camera panning. */
function shifted(f: Frame, d: number): Frame {
  const data = new Uint8Array(f.data.length);
  for (let y = 0; y < f.height; y++)
    for (let x = 0; x < f.width; x++) {
      const s = (Math.max(0, y - (d >> 1)) * f.width + Math.max(0, x - d)) * 3;
      data.set(f.data.subarray(s, s + 3), (y * f.width + x) * 3);
    }
  return { ...f, data };
}

describe('scene-change check (luma grid)', () => {
  const photos = facePhotos().map((p) => decodeRgbFrames(p.path, W, H)[0]!);

  it('ignores sensor noise and a pan of a few pixels on every photo', () => {
    for (const [i, f] of photos.entries()) {
      const g = lumaGrid(f);
      expect(g.cols).toBe(32);
      expect(g.rows).toBe(18);
      expect(changedShare(g, lumaGrid(noisy(f, 10, i + 1)), thresholdLuma)).toBeLessThan(0.01);
      // 2 px a frame, and 4 px since the last detection two frames before
      expect(changedShare(g, lumaGrid(shifted(f, 2)), thresholdLuma)).toBeLessThan(cutShare / 2);
      expect(changedShare(g, lumaGrid(shifted(f, 4)), thresholdLuma)).toBeLessThan(driftShare);
    }
  });

  it('sees a hard cut between any two of the photos, and the lights going on', () => {
    for (const [i, a] of photos.entries()) {
      for (const [j, b] of photos.entries()) {
        if (i === j) continue;
        expect(
          changedShare(lumaGrid(a), lumaGrid(b), thresholdLuma),
          `photo ${i} → ${j}`,
        ).toBeGreaterThanOrEqual(2 * cutShare);
      }
      const brighter = { ...a, data: a.data.map((v) => Math.min(255, v + 40)) };
      expect(changedShare(lumaGrid(a), lumaGrid(brighter), thresholdLuma)).toBeGreaterThanOrEqual(0.5);
    }
  });

  it('reads yuv420p frames (the Y plane) like rgb24 ones, and a new frame size is a new scene', () => {
    const k = frameKernels();
    for (const f of photos) {
      const rgb = lumaGrid(f);
      const yuv = lumaGrid(k.toYuv420p(f));
      // the same Y, sampled at the same pixels
      expect(changedShare(rgb, yuv, 1)).toBe(0);
    }
    const small = decodeRgbFrames(facePhotos()[0]!.path, 320, 240)[0]!;
    expect(changedShare(lumaGrid(photos[0]!), lumaGrid(small), thresholdLuma)).toBe(1);
  });
});
