/**
 * Which offered rate `bench chain` tries next, and where the edge is: coarse doubling from a start rate
 * until a step fails, then bisection (geometric) between the last passing and the first failing rate
 * until they are within `precision` of each other. A step passes when its finality stays within the
 * bounds (see `passes`). Pure: the bench measures, this decides.
 *
 * @example
 * const sweep = new RateSweep({ from: 200, max: 20_000, precision: 0.1, maxSteps: 12 });
 * for (let r = sweep.next(); r !== null; r = sweep.next()) sweep.record(r, passes(await runStep(r)));
 * sweep.edge(); // { lastPass: 1131, firstFail: 1231 }
 */
export interface SweepOptions {
  /** The first offered rate, tx/s. */
  from: number;
  /** Doubling stops here (a pass at `max` ends the sweep: the edge is at least that). */
  max: number;
  /** Bisection stops when firstFail ÷ lastPass ≤ 1 + precision. */
  precision: number;
  /** The sweep stops after this many steps whatever it found. */
  maxSteps: number;
  /** Halving below this ends the sweep without a passing rate. */
  min?: number;
}

/** The bounds a step must keep to pass: finality p50 ≤ 1 s and p99 ≤ 2 s, everything offered accepted and final. */
export const BOUNDS = { p50Ms: 1_000, p99Ms: 2_000 } as const;

/** Whether a step kept the bounds. */
export function passes(step: {
  finality_p50_ms: number;
  finality_p99_ms: number;
  txs_refused_at_submit: number;
  txs_not_final_at_end: number;
}): boolean {
  return (
    step.finality_p50_ms <= BOUNDS.p50Ms &&
    step.finality_p99_ms <= BOUNDS.p99Ms &&
    step.txs_refused_at_submit === 0 &&
    step.txs_not_final_at_end === 0
  );
}

/** The search state: feed each step's result with `record`, ask `next` for the following rate. */
export class RateSweep {
  private lastPass: number | null = null;
  private firstFail: number | null = null;
  private steps = 0;

  constructor(private readonly opts: SweepOptions) {}

  /** The next rate to offer, or null when the sweep is over. */
  next(): number | null {
    const { from, max, precision, maxSteps } = this.opts;
    const min = this.opts.min ?? 10;
    if (this.steps >= maxSteps) return null;
    if (this.steps === 0) return from;
    if (this.firstFail === null) {
      const pass = this.lastPass as number;
      return pass >= max ? null : Math.min(max, pass * 2);
    }
    if (this.lastPass === null) {
      const down = Math.floor(this.firstFail / 2);
      return down < min ? null : down;
    }
    if (this.firstFail / this.lastPass <= 1 + precision) return null;
    const mid = Math.round(Math.sqrt(this.lastPass * this.firstFail));
    return mid > this.lastPass && mid < this.firstFail ? mid : null;
  }

  /** Records that offering `rate` passed or failed. */
  record(rate: number, passed: boolean): void {
    this.steps++;
    if (passed) {
      if (this.firstFail === null || rate < this.firstFail)
        this.lastPass = Math.max(this.lastPass ?? 0, rate);
    } else if (this.lastPass === null || rate > this.lastPass) {
      this.firstFail = Math.min(this.firstFail ?? Infinity, rate);
    }
  }

  /** The highest passing rate and the lowest failing one above it (null: none found). */
  edge(): { lastPass: number | null; firstFail: number | null } {
    return { lastPass: this.lastPass, firstFail: this.firstFail };
  }
}
