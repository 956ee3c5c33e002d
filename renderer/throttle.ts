/**
 * At most one call per interval: the first call runs at once, and calls during the interval after it
 * fold into one that runs when the interval ends (so the last change is never missed). Pushed events
 * that come in bursts (a rush of sales) refresh the page through it.
 */

/** The clock and timers a throttle uses (the browser's by default; tests pass fake ones). */
export interface ThrottleClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
}

const BROWSER_CLOCK: ThrottleClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
};

/**
 * `fn` run at most once every `everyMs`.
 *
 * @example const refresh = throttle(() => void queryClient.invalidateQueries(), 1000);
 */
export function throttle(fn: () => void, everyMs: number, clock: ThrottleClock = BROWSER_CLOCK): () => void {
  let lastMs = -Infinity;
  let pending = false;
  const run = () => {
    pending = false;
    lastMs = clock.now();
    fn();
  };
  return () => {
    if (pending) return;
    const waitMs = lastMs + everyMs - clock.now();
    if (waitMs <= 0) return run();
    pending = true;
    clock.setTimeout(run, waitMs);
  };
}
