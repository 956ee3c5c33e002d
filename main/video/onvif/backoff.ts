/** Options of {@link backoffDelayMs}. */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  factor?: number;
}

/**
 * Delay before reconnect attempt `attempt` (0-based): initial × factor^attempt, capped at max,
 * with ±20 % jitter from `random01` so many cameras that drop together do not retry in lockstep.
 *
 * @example backoffDelayMs(3, { initialMs: 1000, maxMs: 30000 }, Math.random) // ≈ 8000
 */
export function backoffDelayMs(attempt: number, opts: BackoffOptions, random01: () => number): number {
  const base = Math.min(opts.maxMs, opts.initialMs * (opts.factor ?? 2) ** Math.max(0, attempt));
  return Math.round(base * (0.8 + 0.4 * random01()));
}
