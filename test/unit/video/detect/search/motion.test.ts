import { describe, expect, it } from 'vitest';
import { MotionMap } from '../../../../../main/video/detect/search/motion';
import type { Frame } from '../../../../../main/video/types';

const W = 640;
const H = 360;

/** A yuv420p frame: a textured background (Y), grey chroma, a bright square at (sx, sy), Gaussian-ish noise of about σ. */
function frame(sx: number, sy: number, sigma: number, seed: number): Frame {
  const data = new Uint8Array(W * H * 1.5).fill(128);
  let s = seed;
  const rnd = (): number => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const base = 60 + ((x * 7 + y * 3) % 50);
      const inSquare = x >= sx && x < sx + 24 && y >= sy && y < sy + 24;
      const noise = sigma * (rnd() + rnd() + rnd() - 1.5) * 2;
      data[y * W + x] = Math.max(0, Math.min(255, (inSquare ? 220 : base) + noise));
    }
  return { format: 'yuv420p', width: W, height: H, data };
}

describe('motion map', () => {
  it('the first frame has no previous one: everything counts as moved', () => {
    const m = new MotionMap();
    expect(m.observe(frame(100, 100, 0, 1))).toMatchObject({ first: true, movedShare: 1 });
  });

  it('finds a small square that moved, where it was and where it is, and nothing else', () => {
    const m = new MotionMap();
    m.observe(frame(100, 100, 0, 1));
    const r = m.observe(frame(130, 104, 0, 1));
    expect(r.first).toBe(false);
    expect(r.regions).toHaveLength(1);
    const [reg] = r.regions;
    expect(reg!.x).toBeLessThanOrEqual(100);
    expect(reg!.y).toBeLessThanOrEqual(100);
    expect(reg!.x + reg!.width).toBeGreaterThanOrEqual(154);
    expect(reg!.y + reg!.height).toBeGreaterThanOrEqual(128);
    expect(reg!.width * reg!.height).toBeLessThan(120 * 120);
    expect(r.movedShare).toBeLessThan(0.05);
  });

  it('ignores sensor noise of σ 10 on a still picture', () => {
    const m = new MotionMap();
    m.observe(frame(100, 100, 10, 1));
    for (let i = 2; i < 6; i++) expect(m.observe(frame(100, 100, 10, i)).regions).toEqual([]);
  });

  it('a frame of another size starts over', () => {
    const m = new MotionMap();
    m.observe(frame(100, 100, 0, 1));
    const other: Frame = { format: 'rgb24', width: 320, height: 180, data: new Uint8Array(320 * 180 * 3) };
    expect(m.observe(other).first).toBe(true);
  });
});
