import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../../api/errors';
import { isLoopback } from '../../config/load';
import { refuse } from './replies';
import { pathOf, surfaceOf } from './surfaces';

/** What the guard checks against. */
export interface GuardOptions {
  /** The address the gateway binds. */
  host: string;
  /** Required of every API call when set (a LAN address); `Authorization: Bearer`, or `?token=` on `/ws` only. */
  accessToken?: string;
  /** The port actually bound (known once listening). */
  port(): number;
}

/**
 * The gateway's first hook: refuses a request whose Host is not this node (DNS rebinding) or whose
 * Origin is another site's (cross-site calls from a page in the same browser). Every answer says
 * `X-Content-Type-Options: nosniff`.
 */
export function installGuard(app: FastifyInstance, opts: GuardOptions): void {
  const loopback = isLoopback(opts.host);
  app.addHook('onRequest', async (req, reply) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    const host = req.headers.host ?? '';
    if (loopback && !isOwnHost(host, opts))
      return refuse(reply, 403, new ApiError('FORBIDDEN', `host "${host}" is not this node`));
    const origin = req.headers.origin;
    if (origin && origin !== `${req.protocol}://${host}`)
      return refuse(reply, 403, new ApiError('FORBIDDEN', `origin ${origin} may not call this node`));
  });
}

/** The one API call an anonymous LAN client may make without the access token: exchanging its own credential. */
const TOKEN_EXCHANGE = '/api/v1/auth/token';

/**
 * On a LAN address (an access token is set), an API call from nobody in particular needs the
 * access token; a caller that is someone (a session, an API key, a bearer token) does not, and
 * neither does exchanging a credential for a token. The UI's files and the API's docs hold no secrets and need none.
 * Installed after the caller is known.
 */
export function installLanGate(app: FastifyInstance, opts: GuardOptions): void {
  const accessToken = opts.accessToken;
  if (!accessToken) return;
  app.addHook('onRequest', async (req, reply) => {
    const path = pathOf(req.url);
    const surface = surfaceOf(path);
    if (
      surface === 'ui' ||
      surface === 'docs' ||
      req.principal.kind !== 'anonymous' ||
      path === TOKEN_EXCHANGE
    )
      return;
    if (safeEqual(tokenOf(req, surface === 'ws'), accessToken)) return;
    return refuse(reply, 401, new ApiError('UNAUTHORIZED', 'missing or wrong access token'));
  });
}

function isOwnHost(hostHeader: string, opts: GuardOptions): boolean {
  const port = String(opts.port());
  return ['127.0.0.1', 'localhost', '[::1]', opts.host].some((h) => hostHeader === `${h}:${port}`);
}

/** The bearer token; a browser's WebSocket cannot set headers, so `/ws` alone may carry it as `?token=`. */
function tokenOf(req: FastifyRequest, fromQueryToo: boolean): string {
  const auth = req.headers.authorization ?? '';
  if (auth.startsWith('Bearer ')) return auth.slice(7);
  if (!fromQueryToo) return '';
  return new URL(req.url, 'http://x').searchParams.get('token') ?? '';
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
