// What does bench gateway conclude from its measurements? Per-pair ratios and medians of the two hosts,
// and whether the new host meets issue #15's target: at least the old host's throughput, and p99 within
// 5 ms at 2,000 req/s while it produces blocks.
import { type Measurement, round } from './load';

/** One pair: each host's measurement of a kind, old and new taken back to back. */
export interface Pair {
  order: Array<'old' | 'new'>;
  max: { old: Measurement; new: Measurement };
  fixed: { old: Measurement; new: Measurement };
}

/** What the target asks of the new host. */
export const TARGET = { rate_per_s: 2000, p99_ms: 5 } as const;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function medianOf(ms: Measurement[], pick: (m: Measurement) => number, digits = 2): number {
  return round(median(ms.map(pick)), digits);
}

/** Medians over the pairs of one host's measurements of a kind. */
function summary(ms: Measurement[]) {
  return {
    rps: medianOf(ms, (m) => m.rps, 0),
    p50_ms: medianOf(ms, (m) => m.p50_ms),
    p99_ms: medianOf(ms, (m) => m.p99_ms),
    non_2xx: ms.reduce((n, m) => n + m.non_2xx, 0),
    errors: ms.reduce((n, m) => n + m.errors + m.timeouts, 0),
    rss_max_mb: Math.max(...ms.map((m) => m.rss_max_mb)),
    blocks: ms.map((m) => m.blocks),
  };
}

/** The figures of the whole run, with the ratios and the target. */
export function conclude(pairs: Pair[]) {
  const of = (kind: 'max' | 'fixed', host: 'old' | 'new') => pairs.map((p) => p[kind][host]);
  const ratios = pairs.map((p) => ({
    rps_new_over_old: round(p.max.new.rps / p.max.old.rps, 3),
    max_p99_new_over_old: round(p.max.new.p99_ms / p.max.old.p99_ms, 3),
    fixed_p99_new_over_old: round(p.fixed.new.p99_ms / p.fixed.old.p99_ms, 3),
  }));
  const median_ = { old: summary(of('max', 'old')), new: summary(of('max', 'new')) };
  const fixed = { old: summary(of('fixed', 'old')), new: summary(of('fixed', 'new')) };
  const newFixed = of('fixed', 'new');
  const allBlocks = pairs.flatMap((p) => [p.max.new, p.fixed.new]).every((m) => m.blocks > 0);
  const target_met = {
    throughput_at_least_old: median_.new.rps >= median_.old.rps,
    p99_within_5ms_at_2000: fixed.new.p99_ms <= TARGET.p99_ms,
    rate_2000_reached: newFixed.every((m) => m.rps >= TARGET.rate_per_s * 0.98),
    no_errors_or_non_2xx:
      fixed.new.non_2xx + fixed.new.errors + median_.new.non_2xx + median_.new.errors === 0,
    blocks_during_every_measurement: allBlocks,
  };
  return {
    ratios,
    median: median_,
    ratio_rps_new_over_old: round(median_.new.rps / median_.old.rps, 3),
    ratio_median_of_pairs_rps_new_over_old: round(median(ratios.map((r) => r.rps_new_over_old)), 3),
    fixed_rate_2000: fixed,
    target_met: { ...target_met, all: Object.values(target_met).every(Boolean) },
    rss_mb: {
      old: Math.max(median_.old.rss_max_mb, fixed.old.rss_max_mb),
      new: Math.max(median_.new.rss_max_mb, fixed.new.rss_max_mb),
    },
  };
}
