import { describe, expect, it } from 'vitest';
import { throttle } from '../../../renderer/throttle';

/** A clock the test moves by hand. */
function fakeClock() {
  let now = 0;
  const timers: Array<{ at: number; fn: () => void }> = [];
  return {
    now: () => now,
    setTimeout: (fn: () => void, ms: number) => timers.push({ at: now + ms, fn }),
    advance(ms: number) {
      now += ms;
      for (const t of timers.splice(0).sort((a, b) => a.at - b.at))
        if (t.at <= now) t.fn();
        else timers.push(t);
    },
    pending: () => timers.length,
  };
}

describe('throttle', () => {
  it('runs the first call at once and folds a burst into one call at the end of the interval', () => {
    const clock = fakeClock();
    let runs = 0;
    const refresh = throttle(() => runs++, 1000, clock);
    refresh();
    expect(runs).toBe(1);
    for (let i = 0; i < 500; i++) {
      clock.advance(1);
      refresh();
    }
    expect(runs).toBe(1);
    expect(clock.pending()).toBe(1);
    clock.advance(500);
    expect(runs).toBe(2);
    // A rush of 10 s at one event per 10 ms refreshes about once a second, never more.
    for (let i = 0; i < 1000; i++) {
      clock.advance(10);
      refresh();
    }
    clock.advance(1000);
    expect(runs).toBeGreaterThanOrEqual(11);
    expect(runs).toBeLessThanOrEqual(13);
  });

  it('runs at once again after a quiet interval', () => {
    const clock = fakeClock();
    let runs = 0;
    const refresh = throttle(() => runs++, 1000, clock);
    refresh();
    clock.advance(5000);
    refresh();
    expect(runs).toBe(2);
    expect(clock.pending()).toBe(0);
  });
});
