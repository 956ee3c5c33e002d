import { describe, expect, it } from 'vitest';
import { FaceTracker, iou } from '../../../../main/video/detect';
import type { FaceBox } from '../../../../main/video/types';

const box = (x: number, y: number, s = 40, score = 0.9): FaceBox => ({ x, y, width: s, height: s, score });
const centre = (b: FaceBox): [number, number] => [b.x + b.width / 2, b.y + b.height / 2];

describe('FaceTracker', () => {
  it('predicts a moving face at constant velocity between detections', () => {
    const t = new FaceTracker();
    t.update([box(100, 100)], 0);
    t.update([box(110, 104)], 2); // 5 px/frame right, 2 px/frame down
    const [p] = t.predict(5);
    expect(p).toBeDefined();
    expect(centre(p!)[0]).toBeCloseTo(110 + 20 + 5 * 3, 6);
    expect(centre(p!)[1]).toBeCloseTo(104 + 20 + 2 * 3, 6);
    expect(p!.width).toBeGreaterThan(40); // enlarged while unconfirmed
    expect(t.current).toHaveLength(1);
  });

  it('keeps the identity of a face across detections (IoU matching)', () => {
    const t = new FaceTracker();
    t.update([box(100, 100), box(300, 100)], 0);
    const ids = t.current.map((x) => x.id);
    t.update([box(304, 101), box(103, 99)], 1);
    expect(t.current.map((x) => x.id).sort()).toEqual(ids.sort());
    expect(t.current.find((x) => x.box.x === 304)?.id).toBe(ids[1]);
  });

  it('holds a vanished face for holdFrames, then drops it', () => {
    const t = new FaceTracker({ holdFrames: 5 });
    t.update([box(100, 100)], 0);
    t.update([], 3);
    expect(t.predict(5)).toHaveLength(1);
    expect(t.predict(6)).toHaveLength(0);
  });

  it('caps the uncertainty growth', () => {
    const t = new FaceTracker({ holdFrames: 1000, maxGrow: 1.5 });
    t.update([box(100, 100)], 0);
    expect(t.predict(500)[0]!.width).toBeCloseTo(60, 6);
  });

  it('starts a new track for a face far from every prediction', () => {
    const t = new FaceTracker();
    t.update([box(100, 100)], 0);
    t.update([box(500, 100)], 1);
    expect(t.current).toHaveLength(2); // the old one is held, the new one added: both stay covered
  });

  it('computes IoU', () => {
    expect(iou(box(0, 0, 10), box(5, 0, 10))).toBeCloseTo(50 / 150, 9);
    expect(iou(box(0, 0, 10), box(20, 0, 10))).toBe(0);
  });
});
