import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../api/errors';
import { METRICS_RIGHTS, mayCall } from '../../contract/access';
import type { NodeStatus } from '../../contract/node';
import { refuse } from './replies';

/** What the operations routes read. */
export interface OperationsDeps {
  status(): NodeStatus;
  metrics: {
    text(): Promise<string>;
    contentType: string;
    observeHttp(method: string, route: string, status: number, seconds: number): void;
  };
}

/**
 * For whoever runs the node: `GET /healthz` (the process answers), `GET /readyz` (it is in step
 * with the network: 503 while syncing), and `GET /metrics` (Prometheus text, for the owner, the
 * auditor or a key with `metrics:read`). Every answered request is timed by its route's pattern.
 */
export function installOperations(app: FastifyInstance, deps: OperationsDeps): void {
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    deps.metrics.observeHttp(req.method, route, reply.statusCode, reply.elapsedTime / 1000);
  });
  app.get('/healthz', async (_req, reply) => reply.header('Cache-Control', 'no-store').send({ ok: true }));
  app.get('/readyz', async (_req, reply) => {
    const s = deps.status();
    return reply
      .code(s.syncing ? 503 : 200)
      .header('Cache-Control', 'no-store')
      .send({ ready: !s.syncing, height: s.height, peers: s.peers, syncing: s.syncing });
  });
  app.get('/metrics', async (req, reply) => {
    const refusal = mayCall(METRICS_RIGHTS, req.principal, Date.now());
    if (refusal === 'SIGN_IN_REQUIRED')
      return refuse(
        reply,
        401,
        new ApiError('UNAUTHORIZED', 'metrics need a key with metrics:read, or a session'),
      );
    if (refusal)
      return refuse(
        reply,
        403,
        new ApiError('FORBIDDEN', 'metrics need metrics:read, the owner or the auditor'),
      );
    return reply
      .header('Content-Type', deps.metrics.contentType)
      .header('Cache-Control', 'no-store')
      .send(await deps.metrics.text());
  });
}
