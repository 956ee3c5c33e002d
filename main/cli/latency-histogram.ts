/**
 * Latencies kept as counts in logarithmic buckets (2% wide, from 1 µs to hours), so a run of millions
 * of requests takes a few kilobytes and a percentile is a walk over ~1,100 numbers. A percentile is
 * its bucket's upper edge: at most 2% above the true value, never below it.
 */
const GROWTH = 1.02;
const MIN_MS = 0.001;
const BUCKETS = Math.ceil(Math.log(3_600_000 / MIN_MS) / Math.log(GROWTH)) + 1;

/**
 * @example
 * const h = new LatencyHistogram();
 * h.record(3.2);
 * h.percentileMs(99); // ≈ 3.2
 */
export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKETS);
  private total = 0;
  private maxSeenMs = 0;

  record(ms: number): void {
    const i = ms <= MIN_MS ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log(ms / MIN_MS) / Math.log(GROWTH)));
    this.counts[i]! += 1;
    this.total += 1;
    if (ms > this.maxSeenMs) this.maxSeenMs = ms;
  }

  /** How many latencies were recorded. */
  get count(): number {
    return this.total;
  }

  /** The longest recorded, exactly (0 when none). */
  get maxMs(): number {
    return this.maxSeenMs;
  }

  /** The latency `p`% of requests took at most (0 < p ≤ 100), in ms; 0 when none were recorded. */
  percentileMs(p: number): number {
    if (this.total === 0) return 0;
    const rank = Math.ceil((p / 100) * this.total);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank)
        return i === BUCKETS - 1 ? this.maxSeenMs : Math.min(this.maxSeenMs, MIN_MS * GROWTH ** i);
    }
    return this.maxSeenMs;
  }

  /** Forgets everything (a progress line's window starts afresh). */
  reset(): void {
    this.counts.fill(0);
    this.total = 0;
    this.maxSeenMs = 0;
  }
}
