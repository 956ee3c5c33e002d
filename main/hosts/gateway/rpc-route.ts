import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../api/errors';
import type { Router } from '../../api/router';
import { refuse } from './replies';

/**
 * `POST /rpc/<method>` with a JSON body: the contract over HTTP, answered with the router's envelope
 * (a refused call is still HTTP 200 with `ok: false`, as over IPC). Only JSON is read, so a form or
 * `text/plain` post from another site cannot reach a handler.
 */
export function installRpcRoute(app: FastifyInstance, router: Router): void {
  app.post<{ Params: { method: string } }>('/rpc/:method', async (req, reply) => {
    if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
      return refuse(reply, 415, new ApiError('BAD_REQUEST', 'Content-Type must be application/json'));
    const envelope = await router.call(req.params.method, req.body ?? {}, { via: 'http' });
    return reply.header('Cache-Control', 'no-store').send(envelope);
  });
  app.route<{ Params: { method: string } }>({
    method: ['GET', 'HEAD', 'PUT', 'DELETE', 'PATCH'],
    url: '/rpc/:method',
    handler: async (_req, reply) =>
      refuse(reply, 405, new ApiError('BAD_REQUEST', 'calls are POST /rpc/<method> with a JSON body')),
  });
}
