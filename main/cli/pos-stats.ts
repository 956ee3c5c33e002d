/**
 * What a `pos simulate` run counts, and how it reports it: a progress line every few seconds and a
 * summary at the end (text, or one JSON object). Every order the run made ends in exactly one of
 * accepted, rejected or unsent, so a summary's numbers add up and nothing goes missing unsaid.
 */
import { LatencyHistogram } from './latency-histogram';
import type { Attempt, Problem } from './pos-post';

/** At most this many problems and unsent ids are kept for the summary (the counts are complete). */
const KEEP = 20;

/** One refusal the summary names. */
export interface NamedProblem extends Problem {
  status: number;
  /** The order (or refund) ids the refused request carried, the first few. */
  ids: string[];
}

/** The run's counters, shared by every till. */
export class SimulationStats {
  /** Sales the tills made. */
  generated = 0;
  /** Sales posted at least once. */
  sent = 0;
  /** Sales the node acknowledged (201). */
  accepted = 0;
  /** Of those, acknowledged only on a resend: the node may have stored an earlier attempt and answered its receipt again. */
  replays = 0;
  /** Sales the node refused (their request was answered 4xx). */
  rejected = 0;
  /** Sales never acknowledged: the drain ran out, or the run stopped on a fatal answer. */
  unsent = 0;
  /** Refunds queued after their sale was acknowledged, and how they ended. */
  refundsQueued = 0;
  refundsAccepted = 0;
  refundsRejected = 0;
  refundsUnsent = 0;
  /** Requests sent, counting every attempt. */
  requests = 0;
  retried = 0;
  networkErrors = 0;
  throttled = 0;
  serverErrors = 0;
  /** The acknowledged sales' totals, minor units. */
  revenueMinor = 0;
  /** Whether any attempt was answered at all (false: the node was never reached). */
  reached = false;
  readonly problems: NamedProblem[] = [];
  readonly unsentIds: string[] = [];
  readonly latency = new LatencyHistogram();
  /** The latencies since the last progress line. */
  readonly window = new LatencyHistogram();

  /** Counts an attempt: its latency when answered, and what kind of failure it was when not 2xx. */
  countAttempt(a: Attempt, isRetry: boolean): void {
    this.requests += 1;
    if (isRetry) this.retried += 1;
    if (!a.answered) {
      this.networkErrors += 1;
      return;
    }
    this.reached = true;
    this.latency.record(a.latencyMs);
    this.window.record(a.latencyMs);
    if (a.status === 429) this.throttled += 1;
    else if (a.status >= 500) this.serverErrors += 1;
  }

  noteProblem(p: NamedProblem): void {
    if (this.problems.length < KEEP) this.problems.push({ ...p, ids: p.ids.slice(0, 5) });
  }

  noteUnsent(ids: readonly string[]): void {
    for (const id of ids) if (this.unsentIds.length < KEEP) this.unsentIds.push(id);
  }

  /** Failed attempts and refused sales and refunds. */
  get errors(): number {
    return this.networkErrors + this.throttled + this.serverErrors + this.rejected + this.refundsRejected;
  }

  /** Every sale and refund acknowledged, and the node reached. */
  get ok(): boolean {
    return this.reached && this.rejected + this.unsent + this.refundsRejected + this.refundsUnsent === 0;
  }

  /** One progress line over the run so far; the latencies are those since the previous line. */
  progressLine(elapsedMs: number, queued: number): string {
    const line =
      `${(elapsedMs / 1000).toFixed(0).padStart(4)}s  sent ${this.sent}  accepted ${this.accepted}` +
      `  replays ${this.replays}  refunds ${this.refundsAccepted}  errors ${this.errors}  queued ${queued}` +
      `  p50 ${ms(this.window.percentileMs(50))}  p99 ${ms(this.window.percentileMs(99))}`;
    this.window.reset();
    return line;
  }
}

/** The run's settings, as the summary repeats them. */
export interface RunSettings {
  api: string;
  terminals: number;
  ratePerS: number;
  durationMs: number;
  batch: number;
  seed: number;
  currency: string;
  runTag: string;
}

/** The summary as `--json` prints it: snake_case, units in the names. */
export function summaryOf(s: SimulationStats, run: RunSettings, elapsedMs: number, fatal?: NamedProblem) {
  return {
    ok: s.ok && !fatal,
    api: run.api,
    terminals: run.terminals,
    rate_per_s: run.ratePerS,
    duration_s: run.durationMs / 1000,
    batch: run.batch,
    seed: run.seed,
    currency: run.currency,
    run_tag: run.runTag,
    elapsed_s: round(elapsedMs / 1000),
    sales: {
      generated: s.generated,
      sent: s.sent,
      accepted: s.accepted,
      replays: s.replays,
      rejected: s.rejected,
      unsent: s.unsent,
    },
    refunds: {
      queued: s.refundsQueued,
      accepted: s.refundsAccepted,
      rejected: s.refundsRejected,
      unsent: s.refundsUnsent,
    },
    requests: {
      total: s.requests,
      retried: s.retried,
      network_errors: s.networkErrors,
      throttled: s.throttled,
      server_errors: s.serverErrors,
    },
    accepted_per_s: round(s.accepted / Math.max(elapsedMs / 1000, 0.001)),
    latency_ms: {
      p50: round(s.latency.percentileMs(50)),
      p99: round(s.latency.percentileMs(99)),
      max: round(s.latency.maxMs),
    },
    revenue_minor: s.revenueMinor,
    fatal: fatal ?? null,
    problems: s.problems,
    unsent_ids: s.unsentIds,
  };
}

export type SimulationSummary = ReturnType<typeof summaryOf>;

/** The summary in words, for a person at a terminal. */
export function summaryText(x: SimulationSummary): string {
  const lines = [
    `${x.ok ? 'OK' : 'NOT ALL ACKNOWLEDGED'}: ${x.sales.accepted} of ${x.sales.generated} sales accepted by ${x.api} in ${x.elapsed_s} s (${x.accepted_per_s}/s), ${x.terminals} tills, seed ${x.seed}, run ${x.run_tag}`,
    `  sales: sent ${x.sales.sent}, replays ${x.sales.replays}, rejected ${x.sales.rejected}, unsent ${x.sales.unsent}; revenue ${x.revenue_minor} minor units of ${x.currency}`,
    `  refunds: accepted ${x.refunds.accepted} of ${x.refunds.queued}, rejected ${x.refunds.rejected}, unsent ${x.refunds.unsent}`,
    `  requests: ${x.requests.total} (retried ${x.requests.retried}: network errors ${x.requests.network_errors}, 429 ${x.requests.throttled}, 5xx ${x.requests.server_errors}); latency p50 ${x.latency_ms.p50} ms, p99 ${x.latency_ms.p99} ms, max ${x.latency_ms.max} ms`,
  ];
  if (x.fatal)
    lines.push(`  stopped: the node answered ${x.fatal.status} ${x.fatal.code}: ${x.fatal.detail}`);
  for (const p of x.problems)
    lines.push(`  refused ${p.status} ${p.code} (${p.ids.join(', ')}): ${p.detail}`);
  if (x.unsent_ids.length)
    lines.push(
      `  never acknowledged: ${x.unsent_ids.join(', ')}${x.sales.unsent + x.refunds.unsent > x.unsent_ids.length ? ', …' : ''}`,
    );
  return `${lines.join('\n')}\n`;
}

function ms(v: number): string {
  return `${v < 10 ? v.toFixed(1) : v.toFixed(0)} ms`;
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
