import { existsSync } from 'node:fs';
import { extname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../api/errors';
import { UI_HEADERS } from '../security';
import { refuse } from './replies';
import { pathOf, surfaceOf } from './surfaces';

/**
 * The built renderer at `/` (@fastify/static: no path leaves the folder). It is a single-page app, so
 * an unknown path without an extension is `index.html`; an unknown file is 404, and API paths that
 * match no route answer in their own shape.
 */
export async function installUiFiles(app: FastifyInstance, rendererDir: string): Promise<void> {
  await app.register(fastifyStatic, {
    root: rendererDir,
    cacheControl: false,
    setHeaders(reply, file) {
      reply.headers({
        ...UI_HEADERS,
        'Cache-Control': extname(file) === '.html' ? 'no-cache' : 'public, max-age=300',
      });
    },
  });
  const index = join(rendererDir, 'index.html');
  app.setNotFoundHandler(async (req, reply) => {
    const path = pathOf(req.url);
    const notFound = new ApiError('NOT_FOUND', `no route ${req.method} ${path}`);
    if (surfaceOf(path) !== 'ui') return refuse(reply, 404, notFound);
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return refuse(reply, 405, new ApiError('BAD_REQUEST', 'method not allowed'));
    if (extname(path)) return refuse(reply, 404, notFound);
    if (!existsSync(index))
      return refuse(reply, 503, new ApiError('NOT_FOUND', 'the UI is not built: run bin/hotpot setup'));
    return reply.sendFile('index.html');
  });
}
