import { describe, expect, it } from 'vitest';
import { contains, evenRect, mergeWindows, tileRect } from '../../../../../main/video/detect/search/windows';
import type { Rect } from '../../../../../main/video/types';

describe('small-face windows', () => {
  it('tile a frame so every face narrower than the overlap lies wholly in one window', () => {
    for (const [W, H, overlap] of [
      [1920, 1080, 106],
      [1280, 720, 72],
      [3840, 2160, 196],
      [641, 359, 40],
    ] as const) {
      const tiles = tileRect({ x: 0, y: 0, width: W, height: H }, 480, overlap, W, H);
      for (const t of tiles) {
        expect(t.width).toBeLessThanOrEqual(480);
        expect(t.height).toBeLessThanOrEqual(480);
        expect((t.x % 2) + (t.y % 2) + (t.width % 2) + (t.height % 2)).toBe(0);
        expect(t.x + t.width).toBeLessThanOrEqual(W);
      }
      const face = overlap - 2;
      for (let y = 0; y + face <= H - (H % 2); y += 37)
        for (let x = 0; x + face <= W - (W % 2); x += 41) {
          const f: Rect = { x, y, width: face, height: face };
          expect(
            tiles.some((t) => contains(t, f)),
            `${W}x${H} face at ${x},${y}`,
          ).toBe(true);
        }
    }
  });

  it('windows are no larger than covering needs: a region a little larger than one window gets halves, every face still inside one', () => {
    const W = 1920;
    const H = 1080;
    for (const [x, y, w, h, overlap] of [
      [58, 586, 284, 494, 106],
      [1000, 100, 500, 300, 106],
      [0, 0, 961, 481, 76],
      [300, 200, 700, 650, 106],
    ] as const) {
      const tiles = tileRect({ x, y, width: w, height: h }, 480, overlap, W, H);
      let area = 0;
      for (const t of tiles) {
        expect(t.width).toBeLessThanOrEqual(480);
        expect(t.height).toBeLessThanOrEqual(480);
        area += t.width * t.height;
      }
      // windows of the full 480 would have cost this many pixels
      const full = tiles.length * Math.min(480, w + (w % 2)) * Math.min(480, h + (h % 2));
      if (w > 480 || h > 480) expect(area).toBeLessThan(0.8 * full);
      const face = overlap - 2;
      for (let fy = y; fy + face <= y + h; fy += 7)
        for (let fx = x; fx + face <= x + w; fx += 11) {
          const f: Rect = { x: fx, y: fy, width: face, height: face };
          expect(
            tiles.some((t) => contains(t, f)),
            `${x},${y} ${w}x${h} face at ${fx},${fy}`,
          ).toBe(true);
        }
    }
  });

  it('even rects grow outwards and stay inside the frame', () => {
    expect(evenRect({ x: 3, y: 5, width: 10, height: 9 }, 100, 100)).toEqual({
      x: 2,
      y: 4,
      width: 12,
      height: 10,
    });
    expect(evenRect({ x: -10, y: 95, width: 30, height: 30 }, 101, 101)).toEqual({
      x: 0,
      y: 94,
      width: 20,
      height: 6,
    });
  });

  it('merge overlapping windows while the union stays small and cheap, and drop windows inside others', () => {
    const a = { x: 0, y: 0, width: 100, height: 100 };
    const b = { x: 50, y: 0, width: 100, height: 100 };
    expect(mergeWindows([a, b], 480)).toEqual([{ x: 0, y: 0, width: 150, height: 100 }]);
    // a union wider than the largest window stays two windows
    expect(mergeWindows([a, { ...b, x: 90, width: 400 }], 480)).toHaveLength(2);
    // a union that would cost far more pixels than the two (diagonal neighbours) stays two windows
    expect(mergeWindows([a, { x: 90, y: 90, width: 100, height: 100 }], 480)).toHaveLength(2);
    expect(mergeWindows([a, { x: 10, y: 10, width: 20, height: 20 }, a], 480)).toEqual([a]);
  });
});
