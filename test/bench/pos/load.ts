// How does bench pos put load on the node? From this process (the node is its own process), POSTing
// one order per request, each a new order id: at a fixed rate open loop (`open-loop.ts`: latency from
// each request's due time), or as fast as the node answers with autocannon (closed loop: the maximum
// rate). The node's RSS is sampled and its blocks counted meanwhile.
import autocannon from 'autocannon';
import { type BenchHost, heightOf, rssMb } from '../gateway/hosts';
import { openLoop, quantile } from './open-loop';

/** One measurement's figures. */
export interface PosMeasurement {
  offered_per_s: number | null;
  accepted_per_s: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  max_ms: number;
  accepted: number;
  non_2xx: number;
  errors: number;
  timeouts: number;
  /** How the load was offered: open loop at the rate, or closed loop as fast as answered. */
  load: 'open-loop' | 'closed-loop';
  rss_max_mb: number;
  blocks: number;
  /** The node's own event-loop delay over the step (prom-client's histogram, 10 ms resolution). */
  node_event_loop_delay_ms: { p99: number; max: number } | null;
}

/** What the load generator itself measured. */
type LoadFigures = Omit<
  PosMeasurement,
  'offered_per_s' | 'rss_max_mb' | 'blocks' | 'node_event_loop_delay_ms'
>;

/**
 * The node's event-loop delay since the last scrape (each scrape of /metrics resets the histogram),
 * or null when the key may not read metrics.
 */
async function eventLoopDelay(host: BenchHost, key: string): Promise<{ p99: number; max: number } | null> {
  const r = await fetch(new URL('/metrics', host.url), { headers: { Authorization: `Bearer ${key}` } });
  if (!r.ok) return null;
  const text = await r.text();
  const ms = (name: string) => {
    const m = new RegExp(`^hotpot_nodejs_eventloop_lag_${name}_seconds\\s+(\\S+)`, 'm').exec(text);
    return m ? Math.round(Number(m[1]) * 10_000) / 10 : NaN;
  };
  return { p99: ms('p99'), max: ms('max') };
}

/**
 * Loads `POST /api/v1/sales` on `host` for `durationS`, at `rate` orders a second (none: as fast as it
 * answers). With `nextOrder` null it loads `GET /api/v1/status` instead: the same node's baseline.
 */
export async function measurePos(
  host: BenchHost,
  key: string,
  nextOrder: (() => string) | null,
  spec: { rate?: number; durationS: number; connections: number },
): Promise<PosMeasurement> {
  const h0 = await heightOf(host);
  await eventLoopDelay(host, key); // resets the node's histogram
  let rssMax = rssMb(host.pid) ?? 0;
  const sampler = setInterval(() => (rssMax = Math.max(rssMax, rssMb(host.pid) ?? 0)), 200);
  const request = nextOrder
    ? () => ({
        method: 'POST' as const,
        path: '/api/v1/sales',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
        body: nextOrder(),
      })
    : () => ({ method: 'GET' as const, path: '/api/v1/status', headers: { Authorization: `Bearer ${key}` } });
  let figures: LoadFigures;
  try {
    figures = spec.rate
      ? fromOpenLoop(await openLoop(host.url, request, { ...spec, rate: spec.rate }))
      : await closedLoop(host.url, request, spec);
  } finally {
    clearInterval(sampler);
  }
  const delay = await eventLoopDelay(host, key);
  const h1 = await heightOf(host);
  return {
    offered_per_s: spec.rate ?? null,
    ...figures,
    rss_max_mb: Math.round(rssMax),
    blocks: h1 - h0,
    node_event_loop_delay_ms: delay,
  };
}

function fromOpenLoop(r: Awaited<ReturnType<typeof openLoop>>): LoadFigures {
  const ms = (q: number) => Math.round(quantile(r.latenciesMs, q) * 10) / 10;
  if (r.firstFailure) process.stderr.write(`bench pos: first failure: ${r.firstFailure}\n`);
  return {
    accepted_per_s: Math.round(r.ok / r.durationS),
    p50_ms: ms(0.5),
    p90_ms: ms(0.9),
    p99_ms: ms(0.99),
    max_ms: ms(1),
    accepted: r.ok,
    non_2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.unanswered,
    load: 'open-loop',
  };
}

/** As many requests as `connections` sockets carry, each sent when the last answer came (autocannon). */
async function closedLoop(
  url: string,
  request: () => { method: 'GET' | 'POST'; path: string; headers: Record<string, string>; body?: string },
  spec: { durationS: number; connections: number },
): Promise<LoadFigures> {
  const first = request();
  const r = await autocannon({
    url,
    connections: spec.connections,
    duration: spec.durationS,
    requests: [
      {
        method: first.method,
        path: first.path,
        headers: first.headers,
        ...(first.body !== undefined ? { setupRequest: (req) => ({ ...req, body: request().body }) } : {}),
      },
    ],
  });
  return {
    accepted_per_s: Math.round(r['2xx'] / r.duration),
    p50_ms: r.latency.p50,
    p90_ms: r.latency.p90,
    p99_ms: r.latency.p99,
    max_ms: r.latency.max,
    accepted: r['2xx'],
    non_2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    load: 'closed-loop',
  };
}
