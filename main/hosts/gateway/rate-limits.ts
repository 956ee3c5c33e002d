import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { pathOf, surfaceOf } from './surfaces';

/** Requests a minute, by who is asking. */
export interface RateLimits {
  /** Per address, for callers who are nobody in particular (and the sign-in page). */
  anonymousPerMin: number;
  /** Per signed-in person. */
  personPerMin: number;
  /** Per API key (a POS terminal posts in bursts). */
  keyPerMin: number;
}

/** The UI's files and the API's docs: static, public, not counted. */
const PUBLIC_FILES = new Set(['ui', 'docs']);

export const DEFAULT_RATE_LIMITS: RateLimits = { anonymousPerMin: 1200, personPerMin: 3000, keyPerMin: 6000 };

/**
 * Rate limits (@fastify/rate-limit) on the API surfaces, per principal (a person, a key) and per
 * address for anonymous callers; past the limit, 429 with `Retry-After`. The UI's files are not
 * counted, nor are the API's docs. Installed after the caller is known.
 */
export async function installRateLimits(app: FastifyInstance, limits: RateLimits): Promise<void> {
  await app.register(rateLimit, {
    timeWindow: 60_000,
    keyGenerator: (req: FastifyRequest) => {
      const p = req.principal;
      if (p.kind === 'user') return `u:${p.userId}`;
      if (p.kind === 'key') return `k:${p.keyId}`;
      return `ip:${req.ip}`;
    },
    max: (req: FastifyRequest) => {
      const kind = req.principal.kind;
      if (kind === 'user') return limits.personPerMin;
      if (kind === 'key') return limits.keyPerMin;
      return limits.anonymousPerMin;
    },
    allowList: (req: FastifyRequest) => PUBLIC_FILES.has(surfaceOf(pathOf(req.url))),
    addHeadersOnExceeding: {
      'x-ratelimit-limit': true,
      'x-ratelimit-remaining': true,
      'x-ratelimit-reset': true,
    },
    addHeaders: {
      'x-ratelimit-limit': true,
      'x-ratelimit-remaining': true,
      'x-ratelimit-reset': true,
      'retry-after': true,
    },
  });
}
