import { describe, expect, it } from 'vitest';
import { passes, RateSweep } from '../../bench/chain/rate-sweep';

/** Runs a sweep against a machine whose true edge is `edge` tx/s; returns the rates tried and the result. */
function sweepAgainst(edge: number, opts = { from: 200, max: 20_000, precision: 0.1, maxSteps: 12 }) {
  const s = new RateSweep(opts);
  const tried: number[] = [];
  for (let r = s.next(); r !== null; r = s.next()) {
    tried.push(r);
    s.record(r, r <= edge);
  }
  return { tried, ...s.edge() };
}

describe('RateSweep', () => {
  it('doubles until a step fails, then bisects to within the precision', () => {
    const { tried, lastPass, firstFail } = sweepAgainst(1_150);
    expect(tried.slice(0, 4)).toEqual([200, 400, 800, 1600]);
    expect(lastPass).toBeLessThanOrEqual(1_150);
    expect(firstFail).toBeGreaterThan(1_150);
    expect(firstFail! / lastPass!).toBeLessThanOrEqual(1.1);
    expect(tried.length).toBeLessThanOrEqual(8);
  });

  it('halves when the first step already fails, and gives up below the minimum', () => {
    expect(sweepAgainst(120).tried.slice(0, 2)).toEqual([200, 100]);
    const none = sweepAgainst(5);
    expect(none.lastPass).toBeNull();
    expect(none.firstFail).toBe(12);
  });

  it('stops at max when every step passes, and after maxSteps', () => {
    const top = sweepAgainst(1e9, { from: 1_000, max: 4_000, precision: 0.1, maxSteps: 12 });
    expect(top.tried).toEqual([1_000, 2_000, 4_000]);
    expect(top.firstFail).toBeNull();
    expect(sweepAgainst(1_150, { from: 200, max: 20_000, precision: 0.001, maxSteps: 6 }).tried).toHaveLength(
      6,
    );
  });

  it('ignores a noisy pass above a failing rate', () => {
    const s = new RateSweep({ from: 100, max: 1_000, precision: 0.1, maxSteps: 10 });
    s.record(100, true);
    s.record(200, false);
    s.record(300, true);
    expect(s.edge()).toEqual({ lastPass: 100, firstFail: 200 });
  });

  it('fails a step over either bound, or with refused or unfinished transactions', () => {
    const ok = {
      finality_p50_ms: 1_000,
      finality_p99_ms: 2_000,
      txs_refused_at_submit: 0,
      txs_not_final_at_end: 0,
    };
    expect(passes(ok)).toBe(true);
    expect(passes({ ...ok, finality_p50_ms: 1_001 })).toBe(false);
    expect(passes({ ...ok, finality_p99_ms: 2_001 })).toBe(false);
    expect(passes({ ...ok, txs_refused_at_submit: 1 })).toBe(false);
    expect(passes({ ...ok, txs_not_final_at_end: 1 })).toBe(false);
  });
});
