/**
 * `SalesBatcher`: carries every acknowledged sale to the chain exactly once.
 *
 * Every few seconds (every 250 ms while a full transaction's worth waits) it takes the sales in no batch, in the order they
 * were accepted, and makes `record-sales` transactions of them. Each transaction is signed and written
 * to `sales.db` together with its sales' batch id before it is sent, so a crash at any point leaves
 * it known. Then, until it is in a final block, the batcher:
 * - sends it again when the mempool may have lost it (after a restart, every `resendEveryMs`);
 * - marks it `recorded` when a final block holds it, and its sales with it;
 * - marks it `failed` when the chain refused it (its sales go back to the queue, after a pause), or
 *   `superseded` when the key's nonce moved past it without it: that transaction can never land, so
 *   its sales go back to the queue and travel in a new one.
 * A transaction's nonce can be used once, and a sale belongs to one open batch at a time: no sale is
 * recorded twice, and none is dropped.
 *
 * The chain numbers a franchise's sales in one unbroken sequence (`main/chain/state/rules/sales.ts`):
 * sale `seq` of this book is number `base + seq` there, where `base` is the chain's mark when this
 * book sent its first batch (0 for a new store; kept in `sales_meta`). A batch is a run of consecutive
 * numbers. When one is lost (superseded), the batches sent after it are refused with `SALES_GAP`;
 * their sales go back to the queue at once, with no pause, and follow the lost ones in order (a gap
 * that no waiting sale explains pauses, as any refusal does).
 */
import type { Startable } from '../common/startable';
import type { Address } from '../chain/types';
import type { Sale } from '../chain/tx/types';
import { type Db, prepared } from '../store/db';
import type { SalesLedger } from './sales-ledger';
import type { SalesWriter } from './sales-writer';
import { pointsTokenomics } from './loyalty-points';

export interface SalesBatcherOptions {
  /** How often the queue is looked at, ms (default 2,000). */
  everyMs?: number;
  /** The most sales per transaction (default 400; fewer when the ids are long: a transaction is ≤ 64 KiB). */
  maxSalesPerTx?: number;
  /** The most transactions on their way at once (default 4). */
  maxInFlight?: number;
  /** How often a transaction not yet in a block is sent again, ms (default 30,000). */
  resendEveryMs?: number;
}

export interface SalesBatcherDeps {
  /** The books, read here; every write goes through `writer`. */
  db: () => Db;
  writer: () => SalesWriter;
  ledger: SalesLedger;
  log: {
    info(o: object, m: string): void;
    warn(o: object, m: string): void;
    error(o: object, m: string): void;
  };
  now: () => number;
  /** Told when a batch is recorded on the chain (the Sales page, metrics). */
  onRecorded?: (sales: number, height: number) => void;
}

/** Where the queue stands (the dashboard's "sales queue not draining" alert reads it). */
export interface SalesQueueStats {
  /** Sales in no batch yet. */
  pending: number;
  /** Sales in a transaction not yet final. */
  submitted: number;
  /** When the oldest sale not yet recorded was accepted (null when none waits). */
  oldestWaitingAcceptedMs: number | null;
  lastRecordedHeight: number | null;
  /** The last refusal or failure, until a batch is recorded again. */
  lastError: string | null;
}

/** The encoded size of a sale in a transaction beyond its ids, bytes, with room to spare. */
const SALE_FIXED_BYTES = 64;
/** What the sales of one transaction may take, bytes (a transaction is at most 64 KiB). */
const TX_SALES_BUDGET = 60_000;
/** Pauses after a refused batch, ms: doubling up to 5 minutes (not after `SALES_GAP`: see above). */
const PAUSE_MS = { first: 5_000, max: 300_000 };
/** How soon the next pass runs while a full transaction's worth of sales waits, ms. */
const BACKLOG_PASS_MS = 250;

interface WaitingSale {
  seq: number;
  order_id: string;
  terminal_id: string;
  total_minor: number;
  currency: string;
  time_ms: number;
  card_hash: string | null;
}

interface OpenBatch {
  id: number;
  sales: number;
  nonce: number;
  tx_hash: string;
  tx_bytes: Buffer;
  created_ms: number;
}

export class SalesBatcher implements Startable {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private stopped = true;
  private lastResendMs = 0;
  private pausedUntilMs = 0;
  private pauseMs = PAUSE_MS.first;
  private lastError: string | null = null;
  private lastRecordedHeight: number | null = null;
  /** The chain's number of this book's sale 0 (see the module comment); read once, then kept. */
  private chainSeqBase: number | null = null;
  private readonly opts: Required<SalesBatcherOptions>;

  constructor(
    opts: SalesBatcherOptions,
    private readonly deps: SalesBatcherDeps,
  ) {
    this.opts = { everyMs: 2000, maxSalesPerTx: 400, maxInFlight: 4, resendEveryMs: 30_000, ...opts };
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.lastResendMs = 0; // resend what was open at the last stop, on the first tick
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Runs one pass now (tests, and `flush` at a quiet moment); resolves when it is done. */
  async tick(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.pass().finally(() => {
      this.running = null;
      // Every pass, on the timer or asked for, sets when the next one runs.
      if (!this.stopped) this.schedule(this.nextPassInMs());
    });
    return this.running;
  }

  stats(): SalesQueueStats {
    const db = this.deps.db();
    // Each through its own index: the sales in no batch, and those of open batches.
    const pending = prepared(db, 'SELECT COUNT(*) AS n FROM sales WHERE batch_id IS NULL').get() as {
      n: number;
    };
    const oldestPending = prepared(
      db,
      'SELECT accepted_ms AS at FROM sales WHERE batch_id IS NULL ORDER BY seq LIMIT 1',
    ).get() as { at: number } | undefined;
    const open = prepared(
      db,
      `SELECT COALESCE(SUM(b.sales), 0) AS n, (SELECT MIN(s.accepted_ms) FROM sales s WHERE s.batch_id = MIN(b.id)) AS at
       FROM sales_batches b WHERE b.state = 'submitted'`,
    ).get() as { n: number; at: number | null };
    const oldest = [oldestPending?.at, open.at ?? undefined].filter((x): x is number => x !== undefined);
    return {
      pending: pending.n,
      submitted: open.n,
      oldestWaitingAcceptedMs: oldest.length ? Math.min(...oldest) : null,
      lastRecordedHeight: this.lastRecordedHeight,
      lastError: this.lastError,
    };
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
  }

  /**
   * When the next pass runs: `everyMs` from now, or after `BACKLOG_PASS_MS` while a full
   * transaction's worth of sales waits and the batcher is not paused, so a rush's queue drains as
   * fast as blocks take the batches in flight (every 2 s, four batches of 400 carry at most 800
   * sales a second).
   */
  private nextPassInMs(): number {
    if (this.deps.now() < this.pausedUntilMs) return this.opts.everyMs;
    try {
      const full = prepared(
        this.deps.db(),
        'SELECT 1 FROM sales WHERE batch_id IS NULL ORDER BY seq LIMIT 1 OFFSET ?',
      ).get(this.opts.maxSalesPerTx - 1);
      return full ? Math.min(BACKLOG_PASS_MS, this.opts.everyMs) : this.opts.everyMs;
    } catch {
      return this.opts.everyMs; // the books are closing: the interval, as before
    }
  }

  private async pass(): Promise<void> {
    try {
      await this.settleOpen();
      if (this.deps.now() >= this.pausedUntilMs) await this.sendWaiting();
    } catch (err) {
      this.lastError = (err as Error).message;
      this.deps.log.warn(
        { err: this.lastError },
        'sales batcher: this pass failed; the next one tries again',
      );
    }
  }

  /** Looks up every open batch on the chain: recorded, refused, superseded, or to be sent again. */
  private async settleOpen(): Promise<void> {
    const db = this.deps.db();
    const open = prepared(
      db,
      "SELECT id, nonce, tx_hash, tx_bytes, sales, created_ms FROM sales_batches WHERE state = 'submitted' ORDER BY id",
    ).all() as OpenBatch[];
    const resend = this.deps.now() - this.lastResendMs >= this.opts.resendEveryMs;
    if (resend) this.lastResendMs = this.deps.now();
    for (const b of open) {
      // The nonce first: if it has moved past this batch, the block that moved it is already stored,
      // so a batch in it is found by `outcome` below and never taken for superseded.
      const nonce = this.deps.ledger.committedNonce();
      const outcome = this.deps.ledger.outcome(b.tx_hash);
      if (outcome?.ok) await this.recorded(b, outcome.height);
      else if (outcome?.error === 'SALES_GAP')
        await this.reopen(b, 'failed', outcome.error, { pause: !this.followsWaitingSales(db, b.id) });
      else if (outcome) await this.reopen(b, 'failed', outcome.error ?? 'refused');
      else if (nonce > b.nonce) await this.reopen(b, 'superseded', null);
      else if (resend) await this.deps.ledger.resubmit(new Uint8Array(b.tx_bytes));
    }
  }

  /**
   * True when sales numbered below batch `id`'s are not recorded yet — in no batch, or in an open one
   * (a lost batch's sales sent again, after a restart under the nonce this one held): they go first,
   * which explains the chain's `SALES_GAP`. A gap nothing here explains (a book that lost sales)
   * pauses like any refusal, so the batcher does not burn a fee every pass.
   */
  private followsWaitingSales(db: Db, id: number): boolean {
    const first = prepared(db, 'SELECT MIN(seq) AS seq FROM sales WHERE batch_id = ?').get(id) as {
      seq: number | null;
    };
    if (first.seq === null) return false;
    return (
      prepared(
        db,
        `SELECT 1 FROM sales s LEFT JOIN sales_batches b ON b.id = s.batch_id
         WHERE s.seq < ? AND (s.batch_id IS NULL OR (b.state = 'submitted' AND b.id <> ?)) LIMIT 1`,
      ).get(first.seq, id) !== undefined
    );
  }

  private async recorded(b: OpenBatch, height: number): Promise<void> {
    const tokenomics = pointsTokenomics((await this.deps.ledger.storeFranchise()).tokenomics);
    await this.deps.writer().write('batchRecorded', { id: b.id, height, atMs: this.deps.now(), tokenomics });
    this.lastRecordedHeight = height;
    this.lastError = null;
    this.pauseMs = PAUSE_MS.first;
    this.deps.onRecorded?.(b.sales, height);
  }

  /** A batch that can no longer land: its sales go back to the queue, in one transaction with its new state. */
  private async reopen(
    b: OpenBatch,
    state: 'failed' | 'superseded',
    error: string | null,
    opts = { pause: state === 'failed' },
  ): Promise<void> {
    await this.deps.writer().write('batchReopened', { id: b.id, state, error, atMs: this.deps.now() });
    if (opts.pause) {
      this.lastError = `the chain refused sales batch ${b.tx_hash}: ${error}`;
      this.pausedUntilMs = this.deps.now() + this.pauseMs;
      this.deps.log.error(
        { txHash: b.tx_hash, error, pauseMs: this.pauseMs },
        'sales batcher: the chain refused a batch; its sales wait and are sent again after a pause',
      );
      this.pauseMs = Math.min(this.pauseMs * 2, PAUSE_MS.max);
    } else {
      this.deps.log.info(
        { txHash: b.tx_hash, nonce: b.nonce, error },
        error
          ? 'sales batcher: a batch came after one that did not land; its sales follow those in a new one'
          : 'sales batcher: a batch was superseded; its sales go in a new one',
      );
    }
  }

  /** Makes and sends transactions of the waiting sales while fewer than `maxInFlight` are on their way. */
  private async sendWaiting(): Promise<void> {
    const db = this.deps.db();
    const openCount = () =>
      (
        prepared(db, "SELECT COUNT(*) AS n FROM sales_batches WHERE state = 'submitted'").get() as {
          n: number;
        }
      ).n;
    while (!this.stopped && openCount() < this.opts.maxInFlight) {
      const waiting = this.nextBatch(db);
      if (waiting.length === 0) return;
      const franchise = await this.deps.ledger.storeFranchise();
      const base = await this.seqBase();
      const sales = waiting.map((w) => toChainSale(w, franchise.owner));
      const firstSeq = base + (waiting[0] as WaitingSale).seq;
      await this.deps.ledger.submitSales({ firstSeq, sales }, async (tx) => {
        await this.deps.writer().write('keepBatch', {
          ...tx,
          seqs: waiting.map((w) => w.seq),
          createdMs: this.deps.now(),
        });
      });
    }
  }

  /**
   * The chain's number of this book's sale 0: kept in `sales_meta` from the first batch on. A book
   * that has none yet sets it so that its first sale the chain has not recorded follows the chain's
   * mark: a new store's first sale is number 1, a store whose book was started again goes on from its
   * chain's last number, and a book whose sales were recorded before the chain numbered them (one
   * per-order entry each) starts the chain's sequence with its first sale not yet recorded.
   */
  private async seqBase(): Promise<number> {
    if (this.chainSeqBase === null) {
      const recorded = prepared(
        this.deps.db(),
        `SELECT COALESCE(MAX(seq), 0) AS seq FROM sales
         WHERE batch_id IN (SELECT id FROM sales_batches WHERE state = 'recorded')`,
      ).get() as { seq: number };
      const ifUnset = this.deps.ledger.recordedThrough() - recorded.seq;
      this.chainSeqBase = await this.deps.writer().write('chainSeqBase', { ifUnset });
    }
    return this.chainSeqBase;
  }

  /** The oldest waiting sales that fit one transaction, with consecutive numbers. */
  private nextBatch(db: Db): WaitingSale[] {
    const rows = prepared(
      db,
      `SELECT seq, order_id, terminal_id, total_minor, currency, time_ms, card_hash FROM sales
       WHERE batch_id IS NULL ORDER BY seq LIMIT ?`,
    ).all(this.opts.maxSalesPerTx) as WaitingSale[];
    let bytes = 0;
    let n = 0;
    for (const r of rows) {
      bytes += SALE_FIXED_BYTES + r.order_id.length + r.terminal_id.length;
      if (bytes > TX_SALES_BUDGET) break;
      // The sales after a batch still open wait for it: a batch is one run of the sequence.
      if (n > 0 && r.seq !== (rows[n - 1] as WaitingSale).seq + 1) break;
      n++;
    }
    return rows.slice(0, n);
  }
}

/**
 * A stored sale as the chain records it. A sale with a loyalty card earns the customer's part of the
 * minted tokens for the store's own address, which keeps the guests' points (off-chain, by card hash).
 */
function toChainSale(w: WaitingSale, storeAddress: Address): Sale {
  return {
    terminalId: w.terminal_id,
    orderId: w.order_id,
    amountMinor: BigInt(w.total_minor),
    currency: w.currency,
    timeMs: w.time_ms,
    customer: w.card_hash ? storeAddress : null,
  };
}
