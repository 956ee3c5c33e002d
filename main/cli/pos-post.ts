/**
 * One POST of a till, sent until the node answers it: a network error, a timeout, 429 or a 5xx is
 * sent again after a backoff (429: at least its `Retry-After`) with the very same body, which the
 * node's idempotency by order and refund id makes safe. Only the caller's deadline ends the retries,
 * and then the outcome says so: nothing is dropped without a word.
 */

/** Where a till posts, and with what. */
export interface PostTarget {
  /** The node's base URL. */
  api: string;
  /** An API key with scope `pos:write` (or a bearer token made from one). */
  key: string;
  /** How long one attempt may take before it counts as a network error. */
  timeoutMs: number;
}

/** How one attempt went: answered (with its status and parsed body) or not (the error). */
export type Attempt =
  | { answered: true; status: number; body: unknown; retryAfterMs: number | undefined; latencyMs: number }
  | { answered: false; error: string; latencyMs: number };

/** How the POST ended. */
export type PostOutcome =
  | { kind: 'accepted'; body: unknown; attempts: number }
  /** The node refused the content (400, 409, 413, …): sending it again would not help. */
  | { kind: 'rejected'; status: number; problem: Problem; attempts: number }
  /** The node refuses this till altogether (401, 403, 404): the run cannot go on. */
  | { kind: 'fatal'; status: number; problem: Problem; attempts: number }
  /** The deadline passed before the node answered it. */
  | { kind: 'gave-up'; lastError: string; attempts: number };

/** The parts of an RFC 9457 problem a person needs. */
export interface Problem {
  code: string;
  detail: string;
}

export interface RetryPolicy {
  /** The first wait; each retry doubles it up to `maxBackoffMs`, with jitter. */
  baseBackoffMs: number;
  maxBackoffMs: number;
  /** True once retries should stop (the drain's deadline passed, or the person pressed Ctrl-C twice). */
  giveUp(): boolean;
  /** Waits `ms`, or less when giving up comes first. */
  sleep(ms: number): Promise<void>;
  /** Each attempt as it ends (for counters and latencies). */
  onAttempt(attempt: Attempt): void;
  /** A number in [0, 1) for the jitter. */
  random(): number;
}

/** Sends `body` (JSON text, sent byte for byte the same every time) to `path` until it is answered. */
export async function postUntilAnswered(
  target: PostTarget,
  path: string,
  body: string,
  policy: RetryPolicy,
): Promise<PostOutcome> {
  let lastError = 'not sent';
  for (let attempts = 1; ; attempts++) {
    const attempt = await attemptPost(target, path, body);
    policy.onAttempt(attempt);
    if (attempt.answered) {
      const { status } = attempt;
      if (status >= 200 && status < 300) return { kind: 'accepted', body: attempt.body, attempts };
      if ([401, 403, 404].includes(status))
        return { kind: 'fatal', status, problem: problemOf(attempt.body, status), attempts };
      if (status !== 429 && status < 500)
        return { kind: 'rejected', status, problem: problemOf(attempt.body, status), attempts };
      lastError = `${status} ${problemOf(attempt.body, status).detail}`;
    } else lastError = attempt.error;
    if (policy.giveUp()) return { kind: 'gave-up', lastError, attempts };
    const backoff = Math.min(policy.maxBackoffMs, policy.baseBackoffMs * 2 ** Math.min(attempts - 1, 20));
    const jittered = backoff / 2 + (policy.random() * backoff) / 2;
    await policy.sleep(Math.max(jittered, attempt.answered ? (attempt.retryAfterMs ?? 0) : 0));
    if (policy.giveUp()) return { kind: 'gave-up', lastError, attempts };
  }
}

/** One attempt: the status and body, or why there was no answer. */
async function attemptPost(target: PostTarget, path: string, body: string): Promise<Attempt> {
  const t0 = performance.now();
  try {
    const res = await fetch(new URL(path, target.api), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${target.key}` },
      body,
      signal: AbortSignal.timeout(target.timeoutMs),
    });
    const text = await res.text();
    const latencyMs = performance.now() - t0;
    return {
      answered: true,
      status: res.status,
      body: parsed(text),
      retryAfterMs: retryAfterMs(res.headers.get('retry-after')),
      latencyMs,
    };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const why =
      e.name === 'TimeoutError'
        ? `no answer within ${target.timeoutMs} ms`
        : (e.cause?.code ?? e.cause?.message ?? e.message);
    return { answered: false, error: why, latencyMs: performance.now() - t0 };
  }
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** `Retry-After` as ms: delay-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, nowMs = Date.now()): number | undefined {
  if (header === null) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** The code and detail of a problem+json body (or of whatever came instead). */
function problemOf(body: unknown, status: number): Problem {
  if (typeof body === 'object' && body !== null) {
    const b = body as { code?: unknown; detail?: unknown; title?: unknown; message?: unknown };
    const detail = [b.detail, b.message, b.title].find((v) => typeof v === 'string') as string | undefined;
    return {
      code: typeof b.code === 'string' ? b.code : `HTTP_${status}`,
      detail: detail ?? `HTTP ${status}`,
    };
  }
  const text = typeof body === 'string' ? body.trim().slice(0, 200) : '';
  return { code: `HTTP_${status}`, detail: text || `HTTP ${status}` };
}
