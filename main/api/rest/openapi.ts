/**
 * What the public REST surface looks like to an integrator: its OpenAPI 3.1 document, made from the
 * routes and the contract's zod schemas (zod's JSON Schema output is draft 2020-12, the dialect
 * OpenAPI 3.1 uses as is), so the document cannot drift from what the router checks. Each operation
 * has its parameters, body, result, the problems it may answer, and who may call it (its auth
 * schemes, plus the contract's rights as `x-hotpot-rights`). Pure: the gateway serves it.
 */
import { z } from 'zod';
import { type MethodName, methods } from '../../contract';
import type { Rights } from '../../contract/access';
import type { RestRoute } from './types';

/** A JSON Schema (draft 2020-12) or any other plain JSON object of the document. */
export type JsonObject = Record<string, unknown>;

/** One path's operations, keyed by lower-case HTTP method. */
export type PathItem = Record<string, JsonObject>;

/** An OpenAPI 3.1 document. */
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  jsonSchemaDialect: string;
  paths: Record<string, PathItem>;
  components: { schemas: JsonObject; securitySchemes: JsonObject };
  tags: Array<{ name: string; description: string }>;
}

/** The auth schemes a signed-in caller uses; the keys of `components.securitySchemes`. */
export const SECURITY_SCHEMES = {
  bearer: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT or API key',
    description:
      'An API key (`hps_…`, made in Settings), or a short-lived token from `POST /api/v1/auth/token`.',
  },
  session: {
    type: 'apiKey',
    in: 'cookie',
    name: 'hotpot_session',
    description: "A signed-in person's session (httpOnly, SameSite=Strict), set by signing in in the UI.",
  },
} as const;

/** Either scheme signs a caller in. */
const SIGNED_IN = [{ bearer: [] }, { session: [] }];

const DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/** The RFC 9457 problem every REST failure answers with (`application/problem+json`). */
const PROBLEM_SCHEMA: JsonObject = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string', description: '`urn:hotpot:problem:<code>`' },
    title: { type: 'string', description: 'The code' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string', description: 'What was wrong and what to do' },
    code: { type: 'string', description: 'A stable code to branch on, e.g. `BAD_REQUEST`' },
    data: { type: 'object', description: 'Structured details (e.g. the parameters at fault)' },
  },
};

const PROBLEM_WHEN: Record<number, string> = {
  400: 'The request is malformed; `data.params` names each parameter at fault',
  401: 'No valid credential, or the password was wrong',
  403: "The caller's role or key scope does not allow this",
  404: 'Nothing with that id',
  409: 'It conflicts with what is already stored (e.g. an id used before with other content)',
  413: 'The body is over the limit (1 MiB)',
  429: 'Too many requests (see `Retry-After`), or signing in is locked out for a while',
  500: 'The node failed; the problem says what to try',
};

/**
 * The document of `routes` (the REST surface), plus `extraPaths` the gateway itself answers.
 *
 * @example openApiDocument(restRoutes, { version: '0.1.0' }).paths['/api/v1/status'].get.operationId // 'node.status'
 */
export function openApiDocument(
  routes: readonly RestRoute[],
  opts: { version: string; extraPaths?: Record<string, PathItem> },
): OpenApiDocument {
  const paths: Record<string, PathItem> = {};
  for (const route of routes) {
    const path = route.path.replace(/:([A-Za-z_]+)/g, '{$1}');
    (paths[path] ??= {})[route.method.toLowerCase()] = operationOf(route);
  }
  Object.assign(paths, opts.extraPaths);
  const tags = [...new Set(routes.map((r) => domainOf(r.call)))];
  return {
    openapi: '3.1.0',
    info: {
      title: 'Hot Pot Spot Node',
      version: opts.version,
      description:
        "A store node's public HTTP API: the ledger for integrators, the node's status, HQ's franchise " +
        'registry, and tokens for machine clients. Errors are RFC 9457 problems. Calls need a credential unless marked public.',
    },
    jsonSchemaDialect: DIALECT,
    paths,
    components: { schemas: { Problem: PROBLEM_SCHEMA }, securitySchemes: { ...SECURITY_SCHEMES } },
    tags: tags.map((name) => ({ name, description: `The contract's \`${name}.*\` methods` })),
  };
}

/** One route's operation: what it reads, what it answers, who may call it. */
function operationOf(route: RestRoute): JsonObject {
  const def = methods[route.call];
  const input = schemaOf(def.input, 'input');
  const problems = problemStatuses(route, def.rights);
  return {
    operationId: route.call,
    summary: route.summary,
    description: rightsText(def.rights),
    tags: [domainOf(route.call)],
    parameters: parametersOf(route, input),
    ...(hasBody(route)
      ? { requestBody: { required: true, content: { 'application/json': { schema: input } } } }
      : {}),
    responses: {
      [route.created ? 201 : 200]: jsonResponse(
        route.created ? 'Made: the result' : 'The result',
        schemaOf(def.output, 'output'),
      ),
      ...Object.fromEntries(problems.map((status) => [status, problemResponse(PROBLEM_WHEN[status]!)])),
    },
    // `{}` first: a public route needs no credential (one, when sent, still says who is calling).
    security: def.rights.public ? [{}, ...SIGNED_IN] : SIGNED_IN,
    'x-hotpot-rights': {
      roles: def.rights.roles,
      scopes: def.rights.scopes,
      public: def.rights.public === true,
      stepUp: def.rights.stepUp === true,
    },
  };
}

/** The path and query parameters, each with its schema taken from the method's input where it has one. */
function parametersOf(route: RestRoute, input: JsonObject): JsonObject[] {
  const props = (input['properties'] ?? {}) as Record<string, JsonObject>;
  const names = [...route.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => m[1]!);
  const path = names.map((name) => ({
    name,
    in: 'path',
    required: true,
    description: route.params?.[name] ?? name,
    schema: props[name] ?? { type: 'string' },
  }));
  const query = Object.entries(route.query ?? {}).map(([name, description]) => ({
    name,
    in: 'query',
    required: false,
    description,
    schema: props[name] ?? { type: 'string' },
  }));
  return [...path, ...query];
}

/** The problems a route may answer: bad input, its rights, missing ids, body size, limits, failure. */
function problemStatuses(route: RestRoute, rights: Rights): number[] {
  const statuses = [400];
  if (!rights.public || route.call === 'auth.token') statuses.push(401);
  if (!rights.public) statuses.push(403);
  if (route.path.includes(':')) statuses.push(404);
  statuses.push(...(route.problems ?? []));
  if (hasBody(route)) statuses.push(413);
  return [...statuses, 429, 500];
}

/** Does the route read a JSON body? */
function hasBody(route: RestRoute): boolean {
  return route.method === 'POST' || route.method === 'PUT' || route.method === 'PATCH';
}

/** A response whose body is JSON of `schema`. */
export function jsonResponse(description: string, schema: JsonObject): JsonObject {
  return { description, content: { 'application/json': { schema } } };
}

/** A response whose body is an RFC 9457 problem (the document's `Problem` schema). */
export function problemResponse(description: string): JsonObject {
  return {
    description,
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  };
}

/** Who may call, in words: the part of the rights an integrator reads first. */
export function rightsText(rights: Rights): string {
  if (rights.public) return 'Public: anyone may call it, signed in or not.';
  const keys = rights.scopes.length
    ? `API keys with scope ${rights.scopes.map((s) => `\`${s}\``).join(' or ')}`
    : 'no API key';
  const step = rights.stepUp ? ' The person must have confirmed their password in the last 5 minutes.' : '';
  return `Who may call it: people with role ${rights.roles.map((r) => `\`${r}\``).join(', ')}; ${keys}.${step}`;
}

/** A zod schema as JSON Schema, without the `$schema` each would repeat (the document names the dialect once). */
function schemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'throw',
  }) as JsonObject;
  return rest;
}

function domainOf(name: MethodName): string {
  return name.slice(0, name.indexOf('.'));
}
