import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CallContext } from '../../contract';
import type { Principal } from '../../contract/access';

/** The session cookie: httpOnly (no script reads it), SameSite=Strict (no other site sends it). */
export const SESSION_COOKIE = 'hotpot_session';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling, from the session cookie (anonymous without one). */
    principal: Principal;
  }
}

/** What the gateway needs to know of sessions, keys and tokens. */
export interface SessionResolver {
  /** Who a session cookie signs in. */
  principalOf(token: string | undefined): Principal;
  /** Who an `Authorization: Bearer` value stands for (an API key, or a token made from a key or a password). */
  principalOfBearer(bearer: string): Promise<Principal>;
}

/**
 * Finds who each request is from: `Authorization: Bearer` (an API key or a token), else the session
 * cookie; anonymous when neither holds a live one. The LAN access token, when one is set, is not a
 * credential of anyone and is left to the LAN gate.
 */
export async function installCaller(
  app: FastifyInstance,
  sessions: SessionResolver,
  lanToken: string | undefined,
): Promise<void> {
  await app.register(cookie);
  app.decorateRequest('principal', null as never);
  app.addHook('onRequest', async (req) => {
    const bearer = bearerOf(req);
    req.principal =
      bearer && bearer !== lanToken
        ? await sessions.principalOfBearer(bearer)
        : sessions.principalOf(req.cookies[SESSION_COOKIE]);
  });
}

/** The `Authorization: Bearer` value, if any. */
export function bearerOf(req: FastifyRequest): string | undefined {
  const auth = req.headers.authorization ?? '';
  return auth.startsWith('Bearer ') ? auth.slice(7).trim() : undefined;
}

/** The router's call context for a request: who, from where, and the cookie as the session's slot. */
export function callContextOf(req: FastifyRequest, reply: FastifyReply): CallContext {
  const secure = req.protocol === 'https';
  return {
    via: 'http',
    principal: req.principal,
    client: { ip: req.ip, userAgent: req.headers['user-agent'] ?? '' },
    session: {
      open: (token) =>
        void reply.setCookie(SESSION_COOKIE, token, {
          httpOnly: true,
          sameSite: 'strict',
          secure,
          path: '/',
        }),
      close: () => void reply.clearCookie(SESSION_COOKIE, { path: '/' }),
    },
  };
}
