// `bin/hotpot bench sales-queries`: do the Sales page's queries answer in p95 ≤ 100 ms over a year
// of a busy store (about 1M sale lines)? Fills a sales.db in a temp dir with a year of the POS
// simulator's orders (through the real writer: fiscal chains, lines, rollups, refunds), then times
// each query the page makes, and, as the baseline in the same run, the year's summary computed from
// the raw lines without the rollups. Prints one JSON object; progress goes to stderr.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import type { Franchise } from '../../main/chain/tx/types';
import type { Address } from '../../main/chain/types';
import type { SalesLedger } from '../../main/sales/sales-ledger';
import { SalesService } from '../../main/sales/sales-service';
import { ordersBetween } from '../../main/sales/simulator/day-orders';

const TARGET_P95_MS = 100;
const say = (msg: string) => process.stderr.write(`bench sales-queries: ${msg}\n`);

const FRANCHISE: Franchise = {
  id: 'bench-store',
  owner: `0x${'11'.repeat(20)}` as Address,
  status: 'active',
  city: 'Chengdu',
  region: 'sichuan',
  tokenomics: { currency: 'USD', tokensPerMinorUnit: 1n, royaltyBps: 500, validatorRewardBps: 100 },
};

/** The chain side, for a store that is only read here: it knows the franchise and sends nothing. */
const OFFLINE: SalesLedger = {
  storeFranchise: async () => FRANCHISE,
  submitSales: async () => {
    throw new Error('this bench sends nothing to a chain');
  },
  resubmit: async () => undefined,
  outcome: () => null,
  committedNonce: () => 0,
  recordedThrough: () => 0,
  paymentsToHq: () => [],
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function time(
  runs: number,
  fn: () => unknown,
): Promise<{ p50_ms: number; p95_ms: number; max_ms: number }> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  ms.sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 100) / 100;
  return { p50_ms: r(percentile(ms, 50)), p95_ms: r(percentile(ms, 95)), max_ms: r(ms[ms.length - 1]!) };
}

async function fill(svc: SalesService, ordersPerDay: number, from: string, to: string) {
  let sales = 0;
  let lines = 0;
  let refunds = 0;
  let batch: Parameters<SalesService['record']>[0][number][] = [];
  const pendingRefunds: Array<Parameters<SalesService['refund']>[0]> = [];
  const t0 = Date.now();
  for (const o of ordersBetween({ seed: 7, currency: 'USD', terminals: 6, ordersPerDay }, from, to)) {
    batch.push(o.sale);
    sales++;
    lines += o.sale.lines.length;
    if (o.refund) pendingRefunds.push(o.refund);
    if (batch.length === 500) {
      await svc.record(batch);
      batch = [];
      for (const r of pendingRefunds.splice(0)) {
        await svc.refund(r);
        refunds++;
      }
      if (sales % 20_000 < 500)
        say(`${sales} sales, ${lines} lines stored (${Math.round((Date.now() - t0) / 1000)} s)`);
    }
  }
  if (batch.length) await svc.record(batch);
  for (const r of pendingRefunds) {
    await svc.refund(r);
    refunds++;
  }
  return { sales, lines, refunds, fill_s: Math.round((Date.now() - t0) / 100) / 10 };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: {
      'orders-per-day': { type: 'string', default: '330' },
      runs: { type: 'string', default: '60' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(
      'Usage: bin/hotpot bench sales-queries [--orders-per-day N (default 330: ~1M lines a year)] [--runs N]\n',
    );
    return;
  }
  const ordersPerDay = Number(values['orders-per-day']);
  const runs = Number(values.runs);
  const dir = mkdtempSync(join(tmpdir(), 'hotpot-bench-sales-'));
  try {
    const svc = new SalesService(
      { dataDir: dir, batchEveryMs: 3_600_000 },
      { ledger: OFFLINE, log: { info() {}, warn() {}, error() {} }, now: Date.now },
    );
    await svc.start();
    say(`filling a year of ${ordersPerDay} orders a day`);
    const filled = await fill(svc, ordersPerDay, '2025-12-01', '2026-11-30');
    // A year-old store has its sales on the chain: one recorded batch holds them (the queue is empty).
    const raw = new Database(join(dir, 'sales.db'));
    raw.pragma('busy_timeout = 5000');
    raw.exec(`INSERT INTO sales_batches (id, nonce, tx_hash, tx_bytes, sales, state, height, created_ms)
      VALUES (1, 0, '0xbench', x'00', (SELECT COUNT(*) FROM sales), 'recorded', 1, 0);
      UPDATE sales SET batch_id = 1;`);
    raw.close();
    const day = (d: string) => Date.parse(`${d}T00:00:00Z`);
    const summary = (from: string, to: string) => () =>
      void svc.summary({ from: day(from), to: day(to), utcOffsetMinutes: 180 });
    // summary() is async only for the franchise lookup; the SQL runs before it returns.
    const queries = {
      summary_today: await time(runs, summary('2026-11-30', '2026-12-01')),
      summary_7_days: await time(runs, summary('2026-11-24', '2026-12-01')),
      summary_month: await time(runs, summary('2026-11-01', '2026-12-01')),
      summary_year: await time(runs, summary('2025-12-01', '2026-12-01')),
      list_newest_100: await time(runs, () => svc.list({ limit: 100 })),
      list_day_100: await time(runs, () =>
        svc.list({ limit: 100, from: day('2026-06-15'), to: day('2026-06-16') }),
      ),
      list_terminal_100: await time(runs, () => svc.list({ limit: 100, terminalId: 'till-3' })),
      list_deep_page_100: await time(runs, () =>
        svc.list({ limit: 100, before: Math.floor(filled.sales / 2) }),
      ),
      statement_month_by_day: await time(runs, () =>
        svc.royaltyStatement({ period: '2026-11', by: 'day', utcOffsetMinutes: 180 }),
      ),
    };
    await svc.stop();
    // The baseline: the year's top items and revenue by day straight from the lines, as without rollups.
    const db = new Database(join(dir, 'sales.db'), { readonly: true });
    const naive = await time(Math.max(3, Math.floor(runs / 10)), () => {
      db.prepare(
        `SELECT l.item_id, SUM(l.quantity), SUM(l.quantity * l.unit_price_minor - l.discount_minor + l.tax_minor) AS revenue
         FROM sale_lines l JOIN sales s ON s.seq = l.sale_seq WHERE s.time_ms >= ? AND s.time_ms < ? GROUP BY l.item_id ORDER BY revenue DESC LIMIT 10`,
      ).all(day('2025-12-01'), day('2026-12-01'));
      db.prepare(
        `SELECT date((time_ms / 1000) + 10800, 'unixepoch') AS d, COUNT(*), SUM(total_minor) FROM sales WHERE time_ms >= ? AND time_ms < ? GROUP BY d`,
      ).all(day('2025-12-01'), day('2026-12-01'));
    });
    db.close();
    const worst = Math.max(...Object.values(queries).map((q) => q.p95_ms));
    process.stdout.write(
      `${JSON.stringify(
        {
          bench: 'sales-queries',
          target_p95_ms: TARGET_P95_MS,
          store: {
            orders_per_day: ordersPerDay,
            ...filled,
            db_mb: Math.round(statSync(join(dir, 'sales.db')).size / 1e6),
          },
          queries,
          worst_p95_ms: worst,
          target_met: worst <= TARGET_P95_MS,
          baseline_year_from_lines_without_rollups: naive,
          summary_year_vs_baseline_p50: Math.round((naive.p50_ms / queries.summary_year.p50_ms) * 10) / 10,
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench sales-queries: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
