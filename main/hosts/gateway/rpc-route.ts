import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../api/errors';
import { httpStatusOf } from '../../api/rest/call';
import type { Router } from '../../api/router';
import { callContextOf } from './caller';
import { refuse } from './replies';

/**
 * `POST /rpc/<method>` with a JSON body: the contract over HTTP, answered with the router's envelope
 * (`ok: false` with the status its code means: 401 to sign in, 403 for a role that may not, 429 with
 * `Retry-After` when locked out). Only JSON is read, so a form or
 * `text/plain` post from another site cannot reach a handler.
 */
export function installRpcRoute(app: FastifyInstance, router: Router): void {
  app.post<{ Params: { method: string } }>('/rpc/:method', async (req, reply) => {
    if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
      return refuse(reply, 415, new ApiError('BAD_REQUEST', 'Content-Type must be application/json'));
    const envelope = await router.call(req.params.method, req.body ?? {}, callContextOf(req, reply));
    reply.header('Cache-Control', 'no-store');
    if (envelope.ok) return reply.send(envelope);
    const retryAfterMs = envelope.error.data['retryAfterMs'];
    if (typeof retryAfterMs === 'number') reply.header('Retry-After', String(Math.ceil(retryAfterMs / 1000)));
    return reply.code(httpStatusOf(envelope.error.code)).send(envelope);
  });
  app.route<{ Params: { method: string } }>({
    method: ['GET', 'HEAD', 'PUT', 'DELETE', 'PATCH'],
    url: '/rpc/:method',
    handler: async (_req, reply) =>
      refuse(reply, 405, new ApiError('BAD_REQUEST', 'calls are POST /rpc/<method> with a JSON body')),
  });
}
