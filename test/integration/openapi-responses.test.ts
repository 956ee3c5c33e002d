// Does the node answer what its OpenAPI document says? A real headless node serves the document;
// it must pass the OpenAPI validator, and each real answer below (results and problems, signed in
// and not) must match the schema the document gives for its path, method, status and media type.
import { join } from 'node:path';
import { dereference, validate } from '@readme/openapi-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenApiDocument, JsonObject } from '../../main/api/rest/openapi';
import { OWNER, type NodeProcess, signInAsOwner, startNode } from '../helpers/node-process';
import { tempDir } from '../helpers/tmp';

/** A request, and the status the node should answer it with. */
interface Case {
  what: string;
  method: 'GET' | 'POST' | 'PATCH';
  /** The path as the document writes it, and the concrete one. */
  template: string;
  path: string;
  body?: unknown;
  signedIn: boolean;
  status: number;
}

const ZERO_HASH = `0x${'0'.repeat(64)}`;
/** An address nobody has used. */
const NOBODY = `0x${'ab'.repeat(20)}`;
/** The dev node's validator: the proposer of block 1 (found before the cases run). */
const VALIDATOR = '{validator}';

const CASES: Case[] = [
  {
    what: 'status',
    method: 'GET',
    template: '/api/v1/status',
    path: '/api/v1/status',
    signedIn: false,
    status: 200,
  },
  {
    what: 'a block',
    method: 'GET',
    template: '/api/v1/blocks/{height}',
    path: '/api/v1/blocks/1',
    signedIn: true,
    status: 200,
  },
  {
    what: 'a block too high',
    method: 'GET',
    template: '/api/v1/blocks/{height}',
    path: '/api/v1/blocks/99999999',
    signedIn: true,
    status: 404,
  },
  {
    what: 'a bad height',
    method: 'GET',
    template: '/api/v1/blocks/{height}',
    path: '/api/v1/blocks/x1',
    signedIn: true,
    status: 400,
  },
  {
    what: 'a block unsigned',
    method: 'GET',
    template: '/api/v1/blocks/{height}',
    path: '/api/v1/blocks/1',
    signedIn: false,
    status: 401,
  },
  {
    what: 'an unknown tx',
    method: 'GET',
    template: '/api/v1/txs/{hash}',
    path: `/api/v1/txs/${ZERO_HASH}`,
    signedIn: true,
    status: 404,
  },
  {
    what: 'an account',
    method: 'GET',
    template: '/api/v1/accounts/{address}',
    path: `/api/v1/accounts/${VALIDATOR}?limit=5`,
    signedIn: true,
    status: 200,
  },
  {
    what: 'an unknown account',
    method: 'GET',
    template: '/api/v1/accounts/{address}',
    path: `/api/v1/accounts/${NOBODY}`,
    signedIn: true,
    status: 404,
  },
  {
    what: 'a bad limit',
    method: 'GET',
    template: '/api/v1/accounts/{address}',
    path: `/api/v1/accounts/${NOBODY}?limit=0`,
    signedIn: true,
    status: 400,
  },
  {
    what: 'a bad tx',
    method: 'POST',
    template: '/api/v1/txs',
    path: '/api/v1/txs',
    body: { tx: '0x00' },
    signedIn: true,
    status: 400,
  },
  {
    what: 'a token',
    method: 'POST',
    template: '/api/v1/auth/token',
    path: '/api/v1/auth/token',
    body: OWNER,
    signedIn: false,
    status: 200,
  },
  {
    what: 'a wrong password',
    method: 'POST',
    template: '/api/v1/auth/token',
    path: '/api/v1/auth/token',
    body: { ...OWNER, password: 'wrong-password' },
    signedIn: false,
    status: 401,
  },
  {
    what: 'the franchises',
    method: 'GET',
    template: '/api/v1/franchises',
    path: '/api/v1/franchises?status=active',
    signedIn: true,
    status: 200,
  },
  {
    what: 'an unknown franchise',
    method: 'GET',
    template: '/api/v1/franchises/{id}',
    path: '/api/v1/franchises/nowhere',
    signedIn: true,
    status: 404,
  },
  {
    what: 'a franchise registered by the owner (HQ admins only)',
    method: 'POST',
    template: '/api/v1/franchises',
    path: '/api/v1/franchises',
    body: { id: 'x' },
    signedIn: true,
    status: 403,
  },
  {
    what: 'a franchise update unsigned',
    method: 'PATCH',
    template: '/api/v1/franchises/{id}',
    path: '/api/v1/franchises/nowhere',
    body: { status: 'suspended' },
    signedIn: false,
    status: 401,
  },
  { what: 'health', method: 'GET', template: '/healthz', path: '/healthz', signedIn: false, status: 200 },
  { what: 'readiness', method: 'GET', template: '/readyz', path: '/readyz', signedIn: false, status: 200 },
  {
    what: 'metrics unsigned',
    method: 'GET',
    template: '/metrics',
    path: '/metrics',
    signedIn: false,
    status: 401,
  },
  { what: 'metrics', method: 'GET', template: '/metrics', path: '/metrics', signedIn: true, status: 200 },
];

describe('the OpenAPI document against real answers', () => {
  const dir = tempDir();
  let node: NodeProcess;
  let cookie = '';
  let validator = '';
  let document: OpenApiDocument;
  /** The document with every `$ref` resolved, for compiling response schemas. */
  let resolved: OpenApiDocument;
  const ajv = new Ajv2020({ strict: false, allErrors: true });

  beforeAll(async () => {
    node = await startNode({ dataDir: join(dir.path, 'data') });
    cookie = await signInAsOwner(node.url);
    const r = await fetch(new URL('/api/v1/openapi.json', node.url));
    expect(r.status).toBe(200);
    document = (await r.json()) as OpenApiDocument;
    resolved = (await dereference(structuredClone(document) as never)) as unknown as OpenApiDocument;
    // Block 1 must exist for the block case (the dev node makes one every second or so).
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const s = (await (await fetch(new URL('/api/v1/status', node.url))).json()) as { height: number };
      if (s.height >= 1) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const block = await fetch(new URL('/api/v1/blocks/1', node.url), { headers: { Cookie: cookie } });
    validator = ((await block.json()) as { proposer: string }).proposer;
  }, 40_000);
  afterAll(async () => {
    await node?.stop();
    dir.cleanup();
  });

  it('the served document passes the OpenAPI 3.1 validator', async () => {
    const result = await validate(structuredClone(document) as never);
    expect(result.valid, JSON.stringify(result.valid ? [] : result.errors)).toBe(true);
  });

  it.each(CASES)('$what: $method $path answers $status as the document says', async (c) => {
    const r = await fetch(new URL(c.path.replace(VALIDATOR, validator), node.url), {
      method: c.method,
      headers: {
        ...(c.body ? { 'Content-Type': 'application/json' } : {}),
        ...(c.signedIn ? { Cookie: cookie } : {}),
      },
      ...(c.body ? { body: JSON.stringify(c.body) } : {}),
    });
    expect(r.status).toBe(c.status);
    const op = resolved.paths[c.template]?.[c.method.toLowerCase()];
    expect(op, `${c.method} ${c.template} is in the document`).toBeDefined();
    const response = (
      op!['responses'] as Record<string, { content: Record<string, { schema: JsonObject }> }>
    )[String(c.status)];
    expect(response, `the document lists ${c.status} for ${c.method} ${c.template}`).toBeDefined();
    const mediaType = (r.headers.get('content-type') ?? '').split(';')[0]!;
    const schema = response!.content[mediaType]?.schema;
    expect(schema, `the document gives ${mediaType} for ${c.status}`).toBeDefined();
    const body: unknown = mediaType === 'text/plain' ? await r.text() : await r.json();
    const check = ajv.compile(schema!);
    expect(check(body), `${JSON.stringify(body).slice(0, 300)}\n${ajv.errorsText(check.errors)}`).toBe(true);
  });

  it('the checker catches an answer that is not what the document says', () => {
    const op = resolved.paths['/api/v1/status']!['get']!;
    const schema = (op['responses'] as Record<string, { content: Record<string, { schema: JsonObject }> }>)[
      '200'
    ]!.content['application/json']!.schema;
    const check = ajv.compile(schema);
    expect(check({ chainId: 'x', height: -1 })).toBe(false);
  });
});
