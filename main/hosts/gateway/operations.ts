import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../api/errors';
import { type PathItem, jsonResponse, problemResponse, rightsText } from '../../api/rest/openapi';
import { METRICS_RIGHTS, mayCall } from '../../contract/access';
import type { NodeStatus } from '../../contract/node';
import { serializeError } from '../../common/errors';
import { sendProblem } from './replies';

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
  // A callback hook, not an async one: it runs for every answer and has nothing to wait for.
  app.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions.url ?? 'unmatched';
    deps.metrics.observeHttp(req.method, route, reply.statusCode, reply.elapsedTime / 1000);
    done();
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
    // Scrapers are machine clients: refusals are problems, as on the REST surface.
    if (refusal === 'SIGN_IN_REQUIRED')
      return sendProblem(
        reply,
        401,
        serializeError(new ApiError('UNAUTHORIZED', 'metrics need a key with metrics:read, or a session')),
      );
    if (refusal)
      return sendProblem(
        reply,
        403,
        serializeError(new ApiError('FORBIDDEN', 'metrics need metrics:read, the owner or the auditor')),
      );
    return reply
      .header('Content-Type', deps.metrics.contentType)
      .header('Cache-Control', 'no-store')
      .send(await deps.metrics.text());
  });
}

const READINESS = {
  type: 'object',
  required: ['ready', 'height', 'peers', 'syncing'],
  properties: {
    ready: { type: 'boolean' },
    height: { type: 'integer', minimum: 0 },
    peers: { type: 'integer', minimum: 0 },
    syncing: { type: 'boolean' },
  },
};

/** The operations routes in the OpenAPI document (they answer beside the contract, not through it). */
export const OPERATIONS_PATHS: Record<string, PathItem> = {
  '/healthz': {
    get: {
      operationId: 'operations.health',
      summary: 'The process answers',
      description: 'Public.',
      tags: ['operations'],
      security: [{}],
      responses: {
        200: jsonResponse('Alive', { type: 'object', required: ['ok'], properties: { ok: { const: true } } }),
      },
    },
  },
  '/readyz': {
    get: {
      operationId: 'operations.ready',
      summary: 'The node is in step with the network',
      description: 'Public. 503 while it is still syncing.',
      tags: ['operations'],
      security: [{}],
      responses: { 200: jsonResponse('Ready', READINESS), 503: jsonResponse('Still syncing', READINESS) },
    },
  },
  '/metrics': {
    get: {
      operationId: 'operations.metrics',
      summary: 'Prometheus metrics (text exposition format)',
      description: rightsText(METRICS_RIGHTS),
      tags: ['operations'],
      security: [{ bearer: [] }, { session: [] }],
      responses: {
        200: { description: 'The metrics', content: { 'text/plain': { schema: { type: 'string' } } } },
        401: problemResponse('No valid credential'),
        403: problemResponse('Neither metrics:read nor the owner or the auditor'),
      },
    },
  },
};
