/**
 * `pos simulate`'s run: N simulated tills post the model's orders to a node at R sales a second for a
 * while, then keep resending what is not yet acknowledged for up to the drain time. Progress goes to
 * a callback every few seconds; the result is the summary (`pos-stats.ts`).
 */
import type { SimCurrency } from '../sales/simulator/menu';
import { TillOrders } from '../sales/simulator/till-orders';
import { type NamedProblem, SimulationStats, type SimulationSummary, summaryOf } from './pos-stats';
import { SimulatedTill } from './pos-till';

/** What `pos simulate` was asked for. */
export interface SimulateOptions {
  api: string;
  key: string;
  terminals: number;
  /** Sales per second over all tills. */
  ratePerS: number;
  durationMs: number;
  currency: SimCurrency;
  seed: number;
  /** Sales per request at most. */
  batch: number;
  /** After the duration, how long unacknowledged orders are still resent. */
  drainMs: number;
  /** Starts every order id (unique per run). */
  runTag: string;
  requestTimeoutMs?: number;
  progressEveryMs?: number;
}

/** The run's ways to the outside, so a test can drive it. */
export interface SimulateIo {
  progress(line: string): void;
  /** Ctrl-C: the first call stops closing orders (the queues still drain), the second gives up at once. */
  onInterrupt(handler: () => void): void;
}

/** Waits that end early when the run gives up, so no till sleeps past the end. */
class Sleeper {
  private readonly pending = new Set<() => void>();

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.pending.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.pending.add(done);
    });
  }

  wakeAll(): void {
    for (const done of [...this.pending]) done();
  }
}

/** Runs the simulation to its end and returns the summary. */
export async function simulate(opts: SimulateOptions, io: SimulateIo): Promise<SimulationSummary> {
  const stats = new SimulationStats();
  const sleeper = new Sleeper();
  const startMs = Date.now();
  let closesAtMs = startMs + opts.durationMs;
  let giveUpAtMs = closesAtMs + opts.drainMs;
  let fatal: NamedProblem | undefined;
  const givingUp = () => fatal !== undefined || Date.now() >= giveUpAtMs;
  const sleep = (ms: number) => sleeper.sleep(Math.min(ms, giveUpAtMs - Date.now()));
  io.onInterrupt(() => {
    if (Date.now() < closesAtMs) {
      closesAtMs = Date.now();
      giveUpAtMs = closesAtMs + opts.drainMs;
      io.progress(
        'stopping: no new orders; resending what is not yet acknowledged (Ctrl-C again to give up now)',
      );
    } else {
      giveUpAtMs = Date.now();
    }
    sleeper.wakeAll();
  });
  const intervalMs = (1000 * opts.terminals) / opts.ratePerS;
  const tills = Array.from({ length: opts.terminals }, (_, i) => {
    const orders = new TillOrders({ seed: opts.seed, currency: opts.currency, runTag: opts.runTag }, i + 1);
    return new SimulatedTill(
      orders,
      {
        target: { api: opts.api, key: opts.key, timeoutMs: opts.requestTimeoutMs ?? 10_000 },
        stats,
        batch: opts.batch,
        batchWaitMs: Math.min(1000, intervalMs * opts.batch),
        now: Date.now,
        sleep,
        closesAtMs: () => closesAtMs,
        retry: { baseBackoffMs: 100, maxBackoffMs: 5_000, giveUp: givingUp, sleep, random: Math.random },
        fatal: (p) => {
          fatal ??= p;
          sleeper.wakeAll();
        },
        stopped: givingUp,
      },
      startMs,
      intervalMs,
      i / opts.terminals,
    );
  });
  const progress = setInterval(() => {
    const queued = tills.reduce((n, t) => n + t.queued, 0);
    io.progress(stats.progressLine(Date.now() - startMs, queued));
  }, opts.progressEveryMs ?? 5_000);
  try {
    await Promise.all(tills.map((t) => t.run()));
  } finally {
    clearInterval(progress);
  }
  return summaryOf(stats, opts, Date.now() - startMs, fatal);
}
