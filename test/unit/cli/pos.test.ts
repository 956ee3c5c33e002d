import { describe, expect, it } from 'vitest';
import { durationOf } from '../../../main/cli/pos';
import { retryAfterMs } from '../../../main/cli/pos-post';

describe('pos simulate: reading its inputs', () => {
  it('reads durations as 500ms, 30s, 5m, 1h, or bare seconds', () => {
    expect(['500ms', '30s', '5m', '1h', '2', '1.5s'].map((d) => durationOf(d, '--duration'))).toEqual([
      500, 30_000, 300_000, 3_600_000, 2_000, 1_500,
    ]);
    for (const bad of ['', 'soon', '-1s', '5 m', '1d', '8000h'])
      expect(() => durationOf(bad, '--duration')).toThrow(/--duration must be a duration such as 30s/);
  });

  it('reads Retry-After as seconds or an HTTP date, and ignores what it cannot read', () => {
    const now = Date.parse('2026-03-14T12:00:00Z');
    expect(retryAfterMs('2', now)).toBe(2_000);
    expect(retryAfterMs('Sat, 14 Mar 2026 12:00:05 GMT', now)).toBe(5_000);
    expect(retryAfterMs('Sat, 14 Mar 2026 11:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
  });
});
