/**
 * Finality against validator count on a wide-area network (`bin/hotpot sim --wan`): one seeded run
 * per size with the chain's own step timeouts, no faults and no partition, and what each costs.
 */
import type { SignatureVerifier } from '../../chain/keys';
import { DEFAULT_PARAMS } from '../../chain/params';
import type { SimOptions } from './options';
import { runSimulation } from './simulation';
import { DEFAULT_WAN, type WanModel, checkWan } from './wan';

/** One row of the table: a validator count and what a height cost at that size. */
export interface WanRow {
  validators: number;
  heights: number;
  /** Median and 99th percentile of each honest node's time from entering a height to committing it, virtual ms. */
  finality_p50_ms: number;
  finality_p99_ms: number;
  /** Messages sent by all nodes (consensus messages and the periodic gossip) per committed height. */
  messages_per_block: number;
  /** Most rounds any height needed (0: every height decided in its first round). */
  max_round: number;
  safety_violations: number;
  reached_target: boolean;
  wall_ms: number;
}

/** What the sweep is asked for. */
export interface WanSweepOptions {
  sizes: readonly number[];
  seed: number;
  wan?: WanModel;
  /** Heights per run, by validator count (default `wanHeights`). */
  heightsFor?: (validators: number) => number;
  /** How often nodes re-send their status, votes and proposal, virtual ms (default 1,000, like the node's regossip). */
  gossipIntervalMs?: number;
  /** Sees each row as it is done (progress). */
  onRow?: (row: WanRow) => void;
  /** A wall clock in ms for `wall_ms` (the caller's; the simulation itself has only virtual time). */
  now?: () => number;
  /** A faster signature check (see `SimOptions.signatureVerifier`). */
  signatureVerifier?: SignatureVerifier;
}

/** Validator counts of the default table. */
export const WAN_SIZES = [4, 7, 10, 16, 31, 50, 100] as const;

/** Heights per run: fewer for large sets, whose heights cost O(n²) messages. */
export function wanHeights(validators: number): number {
  return validators <= 16 ? 30 : validators <= 50 ? 15 : 8;
}

/** The value at quantile `q` (0…1) of `sorted` (nearest rank), 0 for none. */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

/**
 * Runs one WAN simulation per size.
 *
 * @example runWanSweep({ sizes: [4, 7], seed: 1 }).map((r) => r.finality_p50_ms)
 */
export function runWanSweep(o: WanSweepOptions): WanRow[] {
  const wan = o.wan ?? DEFAULT_WAN;
  checkWan(wan);
  const { timeouts } = DEFAULT_PARAMS;
  return o.sizes.map((validators) => {
    const heights = (o.heightsFor ?? wanHeights)(validators);
    const started = o.now?.() ?? 0;
    const options: SimOptions = {
      validators,
      faults: { kind: 'none', count: 0 },
      heights,
      seed: o.seed,
      network: { wan, partitionChance: 0 },
      timeouts,
      gossipIntervalMs: o.gossipIntervalMs ?? 1_000,
      measureHeights: true,
      ...(o.signatureVerifier ? { signatureVerifier: o.signatureVerifier } : {}),
    };
    const r = runSimulation(options);
    const sorted = [...r.heightMs].sort((a, b) => a - b);
    const committed = Math.max(1, Math.min(heights, Math.min(...r.finalHeights)));
    const row: WanRow = {
      validators,
      heights,
      finality_p50_ms: Math.round(quantile(sorted, 0.5)),
      finality_p99_ms: Math.round(quantile(sorted, 0.99)),
      messages_per_block: Math.round(r.messagesSent / committed),
      max_round: r.maxRound,
      safety_violations: r.safetyViolations,
      reached_target: r.reachedTarget,
      wall_ms: Math.round((o.now?.() ?? 0) - started),
    };
    o.onRow?.(row);
    return row;
  });
}
