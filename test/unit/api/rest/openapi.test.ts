import { compileErrors, validate } from '@readme/openapi-parser';
import { describe, expect, it } from 'vitest';
import { restRoutes } from '../../../../main/api/rest/index';
import { type JsonObject, openApiDocument } from '../../../../main/api/rest/openapi';
import { methods } from '../../../../main/contract';
import { OPERATIONS_PATHS } from '../../../../main/hosts/gateway/operations';

const document = openApiDocument(restRoutes, { version: '1.2.3', extraPaths: OPERATIONS_PATHS });

/** The operation of `method path` (an Express-style path, as the routes write it). */
function operation(method: string, path: string): JsonObject {
  const item = document.paths[path.replace(/:([A-Za-z_]+)/g, '{$1}')];
  return item?.[method.toLowerCase()] as JsonObject;
}

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    // validate() resolves $refs in place: give it a copy.
    const result = await validate(structuredClone(document) as never);
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
    expect(document.openapi).toBe('3.1.0');
    expect(document.info.version).toBe('1.2.3');
  });

  it('the validator catches a broken document (so the check above can fail)', async () => {
    const copy = () =>
      structuredClone(document) as unknown as { paths: Record<string, Record<string, JsonObject>> };
    const duplicated = copy();
    duplicated.paths['/api/v1/txs/{hash}']!['get']!['operationId'] = 'node.status';
    const a = await validate(duplicated as never);
    expect(a.valid).toBe(false);
    expect(compileErrors(a)).toContain('node.status');
    const badParameter = copy();
    (badParameter.paths['/api/v1/txs/{hash}']!['get']!['parameters'] as JsonObject[])[0]!['in'] = 'body';
    const b = await validate(badParameter as never);
    expect(b.valid).toBe(false);
  });

  it('has every REST route, with the method behind it and the rights the contract declares', () => {
    expect(restRoutes.length).toBeGreaterThan(0);
    for (const route of restRoutes) {
      const op = operation(route.method, route.path);
      expect(op, `${route.method} ${route.path}`).toBeDefined();
      expect(op['operationId']).toBe(route.call);
      const rights = methods[route.call].rights;
      expect(op['x-hotpot-rights']).toEqual({
        roles: rights.roles,
        scopes: rights.scopes,
        public: rights.public === true,
        stepUp: rights.stepUp === true,
      });
      // A route that needs a credential says so: no empty (anonymous) requirement among its schemes.
      const security = op['security'] as Array<Record<string, string[]>>;
      expect(security.some((s) => Object.keys(s).length === 0)).toBe(rights.public === true);
      expect(security).toContainEqual({ bearer: [] });
      expect(security).toContainEqual({ session: [] });
      expect(Object.keys(op['responses'] as JsonObject)).toContain(route.created ? '201' : '200');
    }
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/api/v1/status', '/api/v1/auth/token', '/healthz', '/readyz', '/metrics']),
    );
  });

  it("takes parameters' and bodies' schemas from the contract", () => {
    const account = operation('GET', '/api/v1/accounts/:address');
    const params = account['parameters'] as Array<{ name: string; in: string; schema: JsonObject }>;
    expect(params.map((p) => `${p.in}:${p.name}`)).toEqual(['path:address', 'query:limit', 'query:before']);
    expect(params[0]!.schema['pattern']).toBe('^0x[0-9a-fA-F]{40}$');
    expect(params[1]!.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 200 });
    const submit = operation('POST', '/api/v1/txs');
    const body = (submit['requestBody'] as { content: Record<string, { schema: JsonObject }> }).content[
      'application/json'
    ]!.schema;
    expect(body).toMatchObject({ type: 'object', required: ['tx'] });
    expect(Object.keys(submit['responses'] as JsonObject)).toEqual(
      expect.arrayContaining(['200', '400', '401', '403', '413', '429']),
    );
  });
});
