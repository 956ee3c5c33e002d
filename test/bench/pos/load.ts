// How does bench pos put load on the node? autocannon in this process (the node is its own process),
// POSTing one order per request, each a new order id, at a fixed overall rate or as fast as the node
// answers; the node's RSS is sampled and its blocks counted meanwhile.
import autocannon from 'autocannon';
import { type BenchHost, heightOf, rssMb } from '../gateway/hosts';

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
  rss_max_mb: number;
  blocks: number;
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
  let rssMax = rssMb(host.pid) ?? 0;
  const sampler = setInterval(() => (rssMax = Math.max(rssMax, rssMb(host.pid) ?? 0)), 200);
  let r: Awaited<ReturnType<typeof autocannon>>;
  try {
    r = await autocannon({
      url: host.url,
      connections: spec.connections,
      duration: spec.durationS,
      ...(spec.rate ? { overallRate: spec.rate } : {}),
      requests: [
        nextOrder
          ? {
              method: 'POST',
              path: '/api/v1/sales',
              headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
              setupRequest: (req) => ({ ...req, body: nextOrder() }),
            }
          : { method: 'GET', path: '/api/v1/status', headers: { Authorization: `Bearer ${key}` } },
      ],
    });
  } finally {
    clearInterval(sampler);
  }
  const h1 = await heightOf(host);
  return {
    offered_per_s: spec.rate ?? null,
    accepted_per_s: Math.round(r['2xx'] / r.duration),
    p50_ms: r.latency.p50,
    p90_ms: r.latency.p90,
    p99_ms: r.latency.p99,
    max_ms: r.latency.max,
    accepted: r['2xx'],
    non_2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    rss_max_mb: Math.round(rssMax),
    blocks: h1 - h0,
  };
}
