import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CallContext } from '../../contract';
import { ANONYMOUS, type Principal } from '../../contract/access';

/** The session cookie: httpOnly (no script reads it), SameSite=Strict (no other site sends it). */
export const SESSION_COOKIE = 'hotpot_session';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling, from the session cookie (anonymous without one). */
    principal: Principal;
  }
}

/** What the gateway needs to know of sessions. */
export interface SessionResolver {
  principalOf(token: string | undefined): Principal;
}

/**
 * Finds who each request is from: the session cookie's principal (anonymous when there is none, or
 * it has ended), after the guard has let the request in.
 */
export async function installCaller(app: FastifyInstance, sessions: SessionResolver): Promise<void> {
  await app.register(cookie);
  app.decorateRequest('principal', null as never);
  app.addHook('onRequest', async (req) => {
    req.principal = sessions.principalOf(req.cookies[SESSION_COOKIE]) ?? ANONYMOUS;
  });
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
