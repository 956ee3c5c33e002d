import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../../main/cli/latency-histogram';

describe('LatencyHistogram', () => {
  it('answers percentiles within 2% above the exact ones, and the exact max', () => {
    const h = new LatencyHistogram();
    const values = Array.from({ length: 10_000 }, (_, i) => 0.05 + ((i * 7919) % 10_000) / 100); // 0.05 … 100 ms
    for (const v of values) h.record(v);
    const sorted = [...values].sort((a, b) => a - b);
    for (const p of [50, 90, 99, 99.9]) {
      const exact = sorted[Math.ceil((p / 100) * sorted.length) - 1]!;
      expect(h.percentileMs(p)).toBeGreaterThanOrEqual(exact);
      expect(h.percentileMs(p)).toBeLessThanOrEqual(exact * 1.02);
    }
    expect(h.maxMs).toBe(sorted.at(-1));
    expect(h.count).toBe(10_000);
  });

  it('is 0 when empty, again after reset, and never above the max', () => {
    const h = new LatencyHistogram();
    expect(h.percentileMs(99)).toBe(0);
    h.record(3);
    expect(h.percentileMs(50)).toBe(3);
    h.record(0);
    h.record(1e9); // past the last bucket: counted there
    expect(h.percentileMs(100)).toBe(1e9);
    h.reset();
    expect([h.count, h.maxMs, h.percentileMs(50)]).toEqual([0, 0, 0]);
  });
});
