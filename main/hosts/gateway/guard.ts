import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../../api/errors';
import { isLoopback } from '../../config/load';
import { pathOf, refuse, surfaceOf } from './replies';

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
 * The gateway's first hook: refuses a request whose Host is not this node (DNS rebinding), whose
 * Origin is another site's (cross-site calls from a page in the same browser), or an API call
 * without the access token. The UI's files hold no secrets and need no token.
 */
export function installGuard(app: FastifyInstance, opts: GuardOptions): void {
  app.addHook('onRequest', async (req, reply) => {
    const denied = deniedReason(req, opts);
    if (!denied) return;
    const code = denied.status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN';
    return refuse(reply, denied.status, new ApiError(code, denied.message));
  });
}

function deniedReason(
  req: FastifyRequest,
  opts: GuardOptions,
): { status: 401 | 403; message: string } | null {
  const host = req.headers.host ?? '';
  if (isLoopback(opts.host) && !isOwnHost(host, opts))
    return { status: 403, message: `host "${host}" is not this node` };
  const origin = req.headers.origin;
  if (origin && origin !== `${req.protocol}://${host}`)
    return { status: 403, message: `origin ${origin} may not call this node` };
  const surface = surfaceOf(pathOf(req.url));
  if (opts.accessToken && surface !== 'ui' && !safeEqual(tokenOf(req, surface === 'ws'), opts.accessToken))
    return { status: 401, message: 'missing or wrong access token' };
  return null;
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
