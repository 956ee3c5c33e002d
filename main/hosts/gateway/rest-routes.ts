import type { FastifyInstance } from 'fastify';
import { callRoute } from '../../api/rest/call';
import type { RestRoute } from '../../api/rest/types';
import type { Router } from '../../api/router';
import { callContextOf } from './caller';
import { sendProblem } from './replies';

/**
 * The public REST surface under `/api/v1/`: each route a fastify route that gathers its contract
 * method's input from the path, query and body, and answers the result (200, or 201 for a route that makes something) or an RFC 9457 problem.
 */
export function installRestRoutes(app: FastifyInstance, router: Router, routes: readonly RestRoute[]): void {
  for (const route of routes) {
    app.route<{ Params: Record<string, string> }>({
      method: route.method,
      url: route.path,
      handler: async (req, reply) => {
        const q = req.url.indexOf('?');
        const answer = await callRoute(
          router,
          route,
          {
            params: req.params,
            query: new URLSearchParams(q === -1 ? '' : req.url.slice(q + 1)),
            body: req.body,
          },
          callContextOf(req, reply),
        );
        if (!answer.ok) return sendProblem(reply, answer.status, answer.error);
        return reply
          .code(route.created ? 201 : 200)
          .header('Cache-Control', 'no-store')
          .send(answer.value);
      },
    });
  }
}
