// How does bench pos offer a fixed rate? Open loop: request i is due at t0 + i / rate, whatever the
// node is doing, and its latency counts from that due time, not from when a free connection sent it.
// A node that stalls for 200 ms therefore owes 200 ms to every request due during the stall, as a till
// at the counter would feel it. (autocannon's `overallRate` sends each connection's quota for the
// second in one burst and then back-fills its histogram as if requests were due every millisecond, so
// a single slow answer adds dozens of made-up samples: its throttled p99 measured neither the node nor
// the tills.) The requests go over a keep-alive pool of `connections` sockets; a request due while all
// of them are busy waits in the pool, and that wait is part of its latency.
import { Agent, request } from 'node:http';

/** What one open-loop run saw. */
export interface OpenLoopResult {
  /** Latencies of the 2xx answers, ms from each request's due time, ascending. */
  latenciesMs: Float64Array;
  ok: number;
  non2xx: number;
  errors: number;
  /** Requests still unanswered when the run stopped waiting (counted as errors too). */
  unanswered: number;
  /** Seconds from the first due time to the last due time. */
  durationS: number;
  /** The first non-2xx status and body, to say what went wrong. */
  firstFailure: string | null;
}

/** One request of the run. */
export interface OpenLoopRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/**
 * Offers `rate` requests a second to `url` for `durationS` seconds from `next()`, open loop, over at
 * most `connections` sockets; waits up to `graceS` seconds for the last answers.
 */
export async function openLoop(
  url: string,
  next: () => OpenLoopRequest,
  spec: { rate: number; durationS: number; connections: number; graceS?: number },
): Promise<OpenLoopResult> {
  const target = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: spec.connections });
  const total = Math.max(1, Math.round(spec.rate * spec.durationS));
  const latencies = new Float64Array(total);
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let answered = 0;
  let firstFailure: string | null = null;
  let allAnswered: () => void = () => {};
  const done = new Promise<void>((resolve) => (allAnswered = resolve));
  const settle = () => {
    if (++answered === total) allAnswered();
  };

  const send = (due: number, req: OpenLoopRequest) => {
    const r = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.path,
        agent,
        headers: req.body ? { ...req.headers, 'Content-Length': Buffer.byteLength(req.body) } : req.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) latencies[ok++] = performance.now() - due;
          else {
            non2xx++;
            firstFailure ??= `${status} ${Buffer.concat(chunks).toString().slice(0, 300)}`;
          }
          settle();
        });
      },
    );
    r.on('error', (err) => {
      errors++;
      firstFailure ??= err.message;
      settle();
    });
    if (req.body) r.end(req.body);
    else r.end();
  };

  const t0 = performance.now() + 5;
  const intervalMs = 1000 / spec.rate;
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      // Every request whose due time has come goes now, stamped with its due time.
      while (sent < total && t0 + sent * intervalMs <= now) {
        send(t0 + sent * intervalMs, next());
        sent++;
      }
      if (sent === total) resolve();
      else setTimeout(tick, Math.max(0, Math.min(5, t0 + sent * intervalMs - now)));
    };
    setTimeout(tick, 5);
  });
  const graceMs = (spec.graceS ?? 30) * 1000;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([done, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
  clearTimeout(timer);
  agent.destroy();
  const unanswered = total - answered;
  return {
    latenciesMs: latencies.slice(0, ok).sort(),
    ok,
    non2xx,
    errors: errors + unanswered,
    unanswered,
    durationS: ((total - 1) * intervalMs) / 1000,
    firstFailure,
  };
}

/** The q-quantile (0..1) of ascending `sorted`, nearest rank; 0 when empty. */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] as number;
}
