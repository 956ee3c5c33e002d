/**
 * `SalesService`: the store's sales as one service: `sales.db` (opened at start with
 * `synchronous=FULL`, closed at stop), the intake tills post to, the batcher that carries the sales to
 * the chain, and the books the Sales page reads. The batcher stops before the database closes.
 */
import { join } from 'node:path';
import type { Startable } from '../common/startable';
import type { RoyaltyStatement } from '../contract/royalties';
import type { RefundReceipt, SaleInput, SaleReceipt, SaleView, SalesSummary } from '../contract/sales';
import type { Db } from '../store/db';
import { SalesError } from './errors';
import { SalesBatcher, type SalesBatcherDeps, type SalesQueueStats } from './sales-batcher';
import { SalesIntake } from './sales-intake';
import type { SalesLedger } from './sales-ledger';
import { InlineSalesWriter, type SalesWriter, ThreadSalesWriter, openSalesDb } from './sales-writer';
import { type SalesFilter, listSales } from './sales-queries';
import { salesSummary } from './sales-summary';
import { pendingPoints, pointsOf, pointsTokenomics, redemptionOf } from './loyalty-points';
import { royaltyStatement } from './royalty-statement';

export interface SalesServiceOptions {
  dataDir: string;
  /** How often the batcher looks at the queue, ms (`sales.batchEveryMs`). */
  batchEveryMs: number;
  /** The built writer thread (`workerPath('sales-writer')`); without it the writes run inline (tests). */
  writerFile?: () => string;
}

export interface SalesServiceDeps {
  ledger: SalesLedger;
  log: SalesBatcherDeps['log'];
  now: () => number;
  /** Told after sales are accepted (the `sales.accepted` event). */
  onAccepted?: (count: number, lastTimeMs: number) => void;
}

/**
 * @example
 * const sales = new SalesService({ dataDir, batchEveryMs: 2000 }, { ledger: node, log, now: Date.now });
 * await sales.start();
 * await sales.record([sale]); // durable; on the chain within a few blocks
 */
export class SalesService implements Startable {
  private db: Db | undefined;
  private writer: SalesWriter | undefined;
  private readonly intake: SalesIntake;
  private readonly batcher: SalesBatcher;
  private readonly ledger: SalesLedger;
  private readonly now: () => number;

  constructor(
    private readonly opts: SalesServiceOptions,
    deps: SalesServiceDeps,
  ) {
    this.ledger = deps.ledger;
    this.now = deps.now;
    const db = () => this.openDb();
    const writer = () => this.openWriter();
    this.intake = new SalesIntake({
      writer,
      ledger: deps.ledger,
      now: deps.now,
      onAccepted: deps.onAccepted,
    });
    this.batcher = new SalesBatcher(
      { everyMs: opts.batchEveryMs },
      { db, writer, ledger: deps.ledger, log: deps.log, now: deps.now },
    );
  }

  async start(): Promise<void> {
    const file = join(this.opts.dataDir, 'sales.db');
    // This connection (migrations first) only reads; every write goes to the one writer.
    this.db = openSalesDb(file);
    const { writerFile } = this.opts;
    this.writer = writerFile ? new ThreadSalesWriter(writerFile(), file) : new InlineSalesWriter(file);
    await this.batcher.start();
  }

  async stop(): Promise<void> {
    await this.batcher.stop();
    await this.writer?.close();
    this.writer = undefined;
    if (this.db?.open) this.db.close();
    this.db = undefined;
  }

  /** Stores sales all or none; resolves with their receipts once durable. */
  record(sales: readonly SaleInput[]): Promise<SaleReceipt[]> {
    return this.intake.record(sales);
  }

  /** Stores a refund; resolves with its receipt once durable. */
  refund(r: {
    orderId: string;
    refundId: string;
    amountMinor: number;
    timeMs: number;
    reason: string;
  }): Promise<RefundReceipt> {
    return this.intake.refund(r);
  }

  list(f: SalesFilter): { items: SaleView[]; nextBefore: number | null } {
    return listSales(this.openDb(), f);
  }

  /** The Sales page's figures for a window (the franchise's currency and royalty rate from the chain). */
  async summary(w: { from: number; to: number; utcOffsetMinutes: number }): Promise<SalesSummary> {
    const f = await this.ledger.storeFranchise();
    const { pending, submitted, oldestWaitingAcceptedMs, lastError } = this.batcher.stats();
    return salesSummary(
      this.openDb(),
      w,
      { currency: f.tokenomics.currency, royaltyBps: f.tokenomics.royaltyBps },
      { pending, submitted, oldestWaitingAcceptedMs, lastError },
    );
  }

  /** A loyalty card's points: spendable, and pending on sales not yet final. */
  async loyaltyBalance(card: string): Promise<{ balance: string; pending: string; earnedOrders: number }> {
    const cardHash = await this.intake.cardHash(card);
    const { balance, earnedOrders } = pointsOf(this.openDb(), cardHash);
    const t = pointsTokenomics((await this.ledger.storeFranchise()).tokenomics);
    const pending = pendingPoints(this.openDb(), cardHash, t);
    return { balance: balance.toString(), pending: pending.toString(), earnedOrders };
  }

  /** Spends a card's points at the till; resolves once durable. */
  async redeem(r: {
    card: string;
    redemptionId: string;
    points: string;
  }): Promise<{ redemptionId: string; points: string; balance: string }> {
    const cardHash = await this.intake.cardHash(r.card);
    return this.openWriter().write('redeem', redemptionOf(cardHash, r.redemptionId, r.points, this.now()));
  }

  /** The royalty statement of a month or year, by day, week or month. */
  async royaltyStatement(input: {
    period: string;
    by: 'day' | 'week' | 'month';
    utcOffsetMinutes: number;
  }): Promise<RoyaltyStatement> {
    const f = await this.ledger.storeFranchise();
    return royaltyStatement(
      this.openDb(),
      input,
      {
        currency: f.tokenomics.currency,
        royaltyBps: f.tokenomics.royaltyBps,
        tokensPerMinorUnit: f.tokenomics.tokensPerMinorUnit,
      },
      this.ledger.paymentsToHq(),
    );
  }

  /** Where the queue to the chain stands. */
  queue(): SalesQueueStats {
    return this.batcher.stats();
  }

  /** Runs one batcher pass now (tests, and the bench's drain). */
  flush(): Promise<void> {
    return this.batcher.tick();
  }

  private openWriter(): SalesWriter {
    if (!this.writer)
      throw new SalesError(
        'SALES_UNAVAILABLE',
        'the sales books are not open: the node is starting or stopping',
      );
    return this.writer;
  }

  private openDb(): Db {
    if (!this.db?.open)
      throw new SalesError(
        'SALES_UNAVAILABLE',
        'the sales books are not open: the node is starting or stopping',
      );
    return this.db;
  }
}
