import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import type { OpenApiDocument } from '../../api/rest/openapi';
import { UI_HEADERS } from '../security';
import { DOCS_PATH, OPENAPI_PATH } from './surfaces';

/**
 * The API's documentation: the OpenAPI 3.1 document at `/api/v1/openapi.json` and Swagger UI
 * (@fastify/swagger-ui, its files from the npm package: nothing is fetched from elsewhere) at
 * `/api/v1/docs`, with the UI's CSP. Try-it-out calls go through the gateway like any other.
 */
export async function installApiDocs(app: FastifyInstance, document: OpenApiDocument): Promise<void> {
  app.get(OPENAPI_PATH, async (_req, reply) => reply.header('Cache-Control', 'no-cache').send(document));
  await app.register(async (docs) => {
    docs.addHook('onSend', async (_req, reply) => {
      reply.headers(UI_HEADERS);
    });
    // The plugin's types know OpenAPI 3.0 documents only; it serves a 3.1 one unchanged.
    await docs.register(swagger, { mode: 'static', specification: { document: document as never } });
    await docs.register(swaggerUi, {
      routePrefix: DOCS_PATH,
      uiConfig: { validatorUrl: null, tryItOutEnabled: false, defaultModelsExpandDepth: 0 },
      logLevel: 'silent',
    });
  });
}
