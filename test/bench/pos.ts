// `bin/hotpot bench pos`: how many sales a second does a store node accept on POST /api/v1/sales,
// with p99 ≤ 20 ms, while it keeps finalizing blocks; does its memory stay flat through a rush; and
// does every accepted sale reach the chain exactly once? Starts a real node (dev chain, loopback),
// makes a `pos:write` key, sweeps the offered rate, measures the unthrottled maximum, runs a rush at
// the highest rate that held, waits for the queue to drain, stops the node and reads its ledger.db and
// sales.db. Prints one JSON object; progress goes to stderr.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { appRoot } from '../../main/platform/paths';
import { salesOnDisk } from '../helpers/sales-books';
import { cleanUp, cleanUpOnSignals } from './gateway/cleanup';
import { type BenchHost, makeKey, rssMb, startHost } from './gateway/hosts';
import { type PosMeasurement, measurePos } from './pos/load';
import { orderMaker } from './pos/orders';

const TARGET = { rate_per_s: 1000, p99_ms: 20 } as const;

const USAGE = `Usage: bin/hotpot bench pos [--rates R1,R2,…] [--duration S] [--connections C] [--tills N]
                           [--rush-minutes M] [--rush-rate R]

  --rates         offered rates to sweep, sales/s (default 250,500,1000,1500,2000,3000)
  --duration S    seconds of each step (default 10)
  --connections C connections (tills posting at once; default 16)
  --tills N       terminal ids the orders are spread over (default 8)
  --rush-minutes  length of the rush whose memory is watched (default 3; the issue's figure is 30)
  --rush-rate R   its rate (default: the highest swept rate that held p99 ≤ 20 ms)
`;

const say = (msg: string) => process.stderr.write(`bench pos: ${msg}\n`);

interface Options {
  rates: number[];
  durationS: number;
  connections: number;
  tills: number;
  rushMinutes: number;
  rushRate: number | undefined;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      rates: { type: 'string', default: '250,500,1000,1500,2000,3000' },
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '16' },
      tills: { type: 'string', default: '8' },
      'rush-minutes': { type: 'string', default: '3' },
      'rush-rate': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const num = (raw: string, flag: string, min: number, max: number) => {
    const n = Number(raw);
    if (!/^\d+(\.\d+)?$/.test(raw) || n < min || n > max)
      throw new Error(`${flag} must be a number from ${min} to ${max}, got "${raw}"`);
    return n;
  };
  return {
    rates: values.rates.split(',').map((r) => num(r.trim(), '--rates', 1, 100_000)),
    durationS: num(values.duration, '--duration', 1, 600),
    connections: num(values.connections, '--connections', 1, 1000),
    tills: num(values.tills, '--tills', 1, 1000),
    rushMinutes: num(values['rush-minutes'], '--rush-minutes', 0, 240),
    rushRate: values['rush-rate'] ? num(values['rush-rate'], '--rush-rate', 1, 100_000) : undefined,
  };
}

/** The queue to the chain, from the summary the Sales page reads. */
async function queueOf(host: BenchHost, key: string): Promise<{ pending: number; submitted: number }> {
  const now = Date.now();
  const r = await fetch(new URL(`/api/v1/sales/summary?from=${now - 3_600_000}&to=${now}`, host.url), {
    headers: { Authorization: `Bearer ${key}` },
  });
  if (!r.ok) throw new Error(`GET /api/v1/sales/summary: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { queue: { pending: number; submitted: number } }).queue;
}

/** The rush: the same load for `minutes`, its RSS sampled every 5 s; growth is measured after a warm-up. */
async function rush(host: BenchHost, key: string, next: () => string, opts: Options, rate: number) {
  const samples: Array<{ s: number; rss_mb: number }> = [];
  const t0 = Date.now();
  const sampler = setInterval(
    () => samples.push({ s: Math.round((Date.now() - t0) / 1000), rss_mb: Math.round(rssMb(host.pid) ?? 0) }),
    5000,
  );
  const minutes: PosMeasurement[] = [];
  try {
    for (let m = 0; m < opts.rushMinutes; m++) {
      const step = await measurePos(host, key, next, { rate, durationS: 60, connections: opts.connections });
      say(
        `rush minute ${m + 1}/${opts.rushMinutes}: ${step.accepted_per_s}/s, p99 ${step.p99_ms} ms, RSS ${Math.round(rssMb(host.pid) ?? 0)} MB`,
      );
      minutes.push(step);
    }
  } finally {
    clearInterval(sampler);
  }
  // The rule: growth after the first 5 minutes; a shorter rush warms up for its first third.
  const warmS = Math.min(300, (opts.rushMinutes * 60) / 3);
  const after = samples.filter((x) => x.s >= warmS);
  const first = after[0]?.rss_mb ?? 0;
  const last = after[after.length - 1]?.rss_mb ?? 0;
  return {
    rate_per_s: rate,
    minutes: opts.rushMinutes,
    warm_up_s: warmS,
    rss_mb_after_warm_up: first,
    rss_mb_end: last,
    rss_mb_max: Math.max(0, ...samples.map((x) => x.rss_mb)),
    growth_after_warm_up_pct: first ? Math.round(((last - first) / first) * 1000) / 10 : null,
    p99_ms_worst_minute: Math.max(0, ...minutes.map((x) => x.p99_ms)),
    accepted: minutes.reduce((n, x) => n + x.accepted, 0),
    non_2xx: minutes.reduce((n, x) => n + x.non_2xx, 0),
    samples,
  };
}

/** SIGTERM to the node and wait for it to exit (its files are read after). */
async function stopNode(pid: number): Promise<void> {
  process.kill(pid, 'SIGTERM');
  const t0 = Date.now();
  while (rssMb(pid) !== undefined) {
    if (Date.now() - t0 > 30_000) throw new Error(`the node (pid ${pid}) did not stop within 30 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  cleanUpOnSignals(say);
  const host = await startHost('new', join(appRoot(), 'dist', 'main', 'cli.js'));
  const key = await makeKey(host, ['pos:write', 'read', 'metrics:read'], 'bench pos');
  const next = (() => {
    const make = orderMaker(`b${Date.now().toString(36)}`, opts.tills);
    let n = 0;
    return () => make(n++);
  })();
  say('warming up (registers the dev store, fills caches)');
  const warm = await measurePos(host, key, next, { rate: 100, durationS: 3, connections: 4 });
  // Each rate twice: GET /api/v1/status first (the same node's baseline: what any request meets while
  // blocks are made), then POST /api/v1/sales.
  const sweep: PosMeasurement[] = [];
  const baseline: PosMeasurement[] = [];
  for (const rate of opts.rates) {
    const spec = { rate, durationS: opts.durationS, connections: opts.connections };
    const b = await measurePos(host, key, null, spec);
    const m = await measurePos(host, key, next, spec);
    say(
      `offered ${rate}/s: sales accepted ${m.accepted_per_s}/s, p50 ${m.p50_ms} ms, p99 ${m.p99_ms} ms (status route p99 ${b.p99_ms} ms), ` +
        `non-2xx ${m.non_2xx}, errors ${m.errors}, ${m.blocks} blocks, RSS ${m.rss_max_mb} MB, ` +
        `node event-loop delay p99 ${m.node_event_loop_delay_ms?.p99} ms, max ${m.node_event_loop_delay_ms?.max} ms`,
    );
    sweep.push(m);
    baseline.push(b);
    if (m.accepted_per_s < 0.8 * rate || m.errors > 0) break;
  }
  const max = await measurePos(host, key, next, { durationS: opts.durationS, connections: opts.connections });
  say(`unthrottled: ${max.accepted_per_s}/s, p99 ${max.p99_ms} ms`);
  const holding = sweep.filter(
    (m) =>
      m.p99_ms <= TARGET.p99_ms &&
      m.non_2xx === 0 &&
      m.errors === 0 &&
      m.accepted_per_s >= 0.95 * m.offered_per_s!,
  );
  const best = holding.length ? Math.max(...holding.map((m) => m.offered_per_s!)) : null;
  const rushResult =
    opts.rushMinutes > 0 ? await rush(host, key, next, opts, opts.rushRate ?? best ?? opts.rates[0]!) : null;
  say('waiting for the queue to the chain to drain');
  const t0 = Date.now();
  for (;;) {
    const q = await queueOf(host, key);
    if (q.pending + q.submitted === 0) break;
    if (Date.now() - t0 > 600_000) throw new Error(`the queue did not drain in 10 min: ${JSON.stringify(q)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  const drainMs = Date.now() - t0;
  // Every 201 of the run: each was a new order id, so each must be on the chain once.
  const accepted = [warm, ...sweep, max].reduce((n, m) => n + m.accepted, 0) + (rushResult?.accepted ?? 0);
  await stopNode(host.pid);
  const disk = salesOnDisk(host.dataDir);
  await cleanUp();
  const counts = [...disk.recorded.values()];
  const result = {
    bench: 'pos',
    target: TARGET,
    machine: { cpus: (await import('node:os')).availableParallelism(), node: process.version },
    highest_rate_holding_target_per_s: best,
    target_met: best !== null && best >= TARGET.rate_per_s,
    sweep,
    status_route_at_the_same_rates: baseline,
    unthrottled: max,
    rush: rushResult,
    drain_ms_after_load: drainMs,
    chain: {
      // autocannon counts the 201s it read before its clock ran out; the node also stored the
      // requests still in flight then, so stored ≥ acknowledged, and every stored sale must be on chain.
      sales_acknowledged_201: accepted,
      sales_stored: disk.stored,
      orders_recorded: counts.length,
      every_stored_sale_recorded_once:
        counts.length === disk.stored && disk.stored >= accepted && counts.every((c) => c === 1),
      recorded_more_than_once: counts.filter((c) => c > 1).length,
      failed_record_sales_txs: disk.failedSalesTxs,
      terminal_chains_verified: disk.chains.filter((c) => c.ok).length,
      terminal_chains_broken: disk.chains.filter((c) => !c.ok).length,
    },
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

main().catch(async (err: unknown) => {
  process.stderr.write(`bench pos: ${(err as Error).stack ?? String(err)}\n`);
  await cleanUp();
  process.exit(1);
});
