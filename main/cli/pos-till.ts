/**
 * One simulated till in a live run: it closes orders on its schedule (its share of the run's rate)
 * and posts them in the order it closed them, one request at a time, batching up to `batch` sales
 * when they queue up, and each refund after its sale was acknowledged. A request the node has not
 * answered blocks the ones behind it, as a real till's upload queue does.
 */
import type { SaleInput } from '../contract/sales';
import type { RefundPost } from '../sales/simulator/refunds';
import type { TillOrders } from '../sales/simulator/till-orders';
import { saleTotalMinor } from '../sales/sale-totals';
import { type PostOutcome, type PostTarget, type RetryPolicy, postUntilAnswered } from './pos-post';
import type { NamedProblem, SimulationStats } from './pos-stats';

type Queued = { kind: 'sale'; sale: SaleInput; refund?: RefundPost } | { kind: 'refund'; refund: RefundPost };

/** What the run tells its tills. */
export interface TillContext {
  target: PostTarget;
  stats: SimulationStats;
  /** Sales per request at most. */
  batch: number;
  /** A sale waits at most this long for others to fill a batch. */
  batchWaitMs: number;
  now(): number;
  sleep(ms: number): Promise<void>;
  /** When the till stops closing orders (the duration's end, or Ctrl-C): moves earlier, never later. */
  closesAtMs(): number;
  /** Retry policy for each request (its `giveUp` is the run's drain deadline). */
  retry: Omit<RetryPolicy, 'onAttempt'>;
  /** The node refused this till altogether: the run stops. */
  fatal(problem: NamedProblem): void;
  stopped(): boolean;
}

export class SimulatedTill {
  private readonly queue: Queued[] = [];
  private closed = 0;

  /**
   * @param orders  the till's order model
   * @param startMs when the run started
   * @param intervalMs the time between two of its orders
   * @param phase   its offset in [0, 1) of an interval, so tills do not post in lockstep
   */
  constructor(
    private readonly orders: TillOrders,
    private readonly ctx: TillContext,
    private readonly startMs: number,
    private readonly intervalMs: number,
    private readonly phase: number,
  ) {}

  /** How many sales and refunds wait to be posted. */
  get queued(): number {
    return this.queue.length;
  }

  /** Closes and posts orders until the run ends and the queue is empty (or the run gives up). */
  async run(): Promise<void> {
    for (;;) {
      this.closeDueOrders();
      if (this.ctx.stopped()) break;
      const postable = this.nextPostable();
      if (postable > 0) {
        await this.post(postable);
        continue;
      }
      const closing = this.nextDueMs() < this.ctx.closesAtMs();
      if (!closing && this.queue.length === 0) return;
      const wakeMs = Math.min(
        closing ? this.nextDueMs() : Infinity,
        this.queue.length ? this.oldestMs() + this.ctx.batchWaitMs : Infinity,
      );
      await this.ctx.sleep(Math.max(1, wakeMs - this.ctx.now()));
    }
    this.giveUpQueue();
  }

  private nextDueMs(): number {
    return this.startMs + (this.closed + this.phase) * this.intervalMs;
  }

  /** Closes every order due by now (the catch-up after a slow request), each at its due time. */
  private closeDueOrders(): void {
    const now = this.ctx.now();
    for (let due = this.nextDueMs(); due <= now && due < this.ctx.closesAtMs(); due = this.nextDueMs()) {
      this.closed += 1;
      const t = Math.floor(due);
      const { sale, refund } = this.orders.next(t, new Date(t).getHours());
      this.queue.push(refund ? { kind: 'sale', sale, refund } : { kind: 'sale', sale });
      this.ctx.stats.generated += 1;
    }
  }

  /** When the oldest queued item was closed. */
  private oldestMs(): number {
    const head = this.queue[0]!;
    return head.kind === 'sale' ? head.sale.timeMs : this.ctx.now();
  }

  /** How many items from the head make the next request now (0: wait for more). */
  private nextPostable(): number {
    const head = this.queue[0];
    if (!head) return 0;
    if (head.kind === 'refund') return 1;
    let n = 0;
    while (n < this.ctx.batch && this.queue[n]?.kind === 'sale') n++;
    const full = n === this.ctx.batch || n < this.queue.length; // a refund behind ends the batch
    const waitedMs = this.ctx.now() - this.oldestMs();
    const closing = this.nextDueMs() < this.ctx.closesAtMs();
    return full || waitedMs >= this.ctx.batchWaitMs || !closing ? n : 0;
  }

  private async post(count: number): Promise<void> {
    const items = this.queue.slice(0, count);
    const head = items[0]!;
    const { stats } = this.ctx;
    let attempts = 0;
    const policy: RetryPolicy = {
      ...this.ctx.retry,
      onAttempt: (a) => stats.countAttempt(a, ++attempts > 1),
    };
    if (head.kind === 'refund') {
      const r = head.refund;
      const outcome = await postUntilAnswered(
        this.ctx.target,
        `/api/v1/sales/${encodeURIComponent(r.orderId)}/refunds`,
        JSON.stringify(r),
        policy,
      );
      this.settleRefund(r, outcome);
    } else {
      const sales = items.map((i) => (i as Extract<Queued, { kind: 'sale' }>).sale);
      stats.sent += sales.length;
      const body = JSON.stringify(sales.length === 1 ? sales[0] : { sales });
      const outcome = await postUntilAnswered(this.ctx.target, '/api/v1/sales', body, policy);
      this.settleSales(items as Extract<Queued, { kind: 'sale' }>[], outcome);
    }
    this.queue.splice(0, count);
  }

  private settleSales(items: Extract<Queued, { kind: 'sale' }>[], outcome: PostOutcome): void {
    const { stats } = this.ctx;
    const ids = items.map((i) => i.sale.orderId);
    switch (outcome.kind) {
      case 'accepted':
        stats.accepted += items.length;
        if (outcome.attempts > 1) stats.replays += items.length;
        for (const { sale, refund } of items) {
          stats.revenueMinor += saleTotalMinor(sale.lines);
          if (!refund) continue;
          // Refunded now, at the till, rather than the model's minutes later: a live run is short.
          this.queue.push({
            kind: 'refund',
            refund: { ...refund, timeMs: Math.max(this.ctx.now(), sale.timeMs + 1) },
          });
          stats.refundsQueued += 1;
        }
        return;
      case 'rejected':
        stats.rejected += items.length;
        stats.noteProblem({ status: outcome.status, ...outcome.problem, ids });
        return;
      case 'fatal':
        stats.unsent += items.length;
        stats.noteUnsent(ids);
        this.ctx.fatal({ status: outcome.status, ...outcome.problem, ids });
        return;
      case 'gave-up':
        stats.unsent += items.length;
        stats.noteUnsent(ids);
    }
  }

  private settleRefund(refund: RefundPost, outcome: PostOutcome): void {
    const { stats } = this.ctx;
    switch (outcome.kind) {
      case 'accepted':
        stats.refundsAccepted += 1;
        return;
      case 'rejected':
        stats.refundsRejected += 1;
        stats.noteProblem({ status: outcome.status, ...outcome.problem, ids: [refund.refundId] });
        return;
      case 'fatal':
        stats.refundsUnsent += 1;
        stats.noteUnsent([refund.refundId]);
        this.ctx.fatal({ status: outcome.status, ...outcome.problem, ids: [refund.refundId] });
        return;
      case 'gave-up':
        stats.refundsUnsent += 1;
        stats.noteUnsent([refund.refundId]);
    }
  }

  /** The run stopped: whatever is still queued was never acknowledged, and is counted so. */
  private giveUpQueue(): void {
    const { stats } = this.ctx;
    for (const item of this.queue) {
      if (item.kind === 'sale') {
        stats.unsent += 1;
        stats.noteUnsent([item.sale.orderId]);
      } else {
        stats.refundsUnsent += 1;
        stats.noteUnsent([item.refund.refundId]);
      }
    }
    this.queue.length = 0;
  }
}
