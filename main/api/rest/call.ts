import type { SerializedError } from '../../common/errors';
import type { CallContext } from '../../contract';
import type { Router } from '../router';
import type { RestRequest, RestRoute } from './types';

/** A REST call's outcome: the method's result (200), or a problem with its HTTP status. */
export type RestAnswer = { ok: true; value: unknown } | { ok: false; status: number; error: SerializedError };

/**
 * Answers a REST request through the one edge every call passes (the router): the contract's schema
 * parses the input, the handler runs, its result is checked. Input the schema refuses is the REST
 * surface's `BAD_REQUEST` (400, naming each parameter); other failures keep their code.
 */
export async function callRoute(
  router: Router,
  route: RestRoute,
  req: RestRequest,
  ctx: CallContext,
): Promise<RestAnswer> {
  const envelope = await router.call(route.call, route.input(req), ctx);
  if (envelope.ok) return envelope;
  const { error } = envelope;
  if (error.code !== 'BAD_INPUT') return { ok: false, status: httpStatusOf(error.code), error };
  const issues = (error.data['issues'] ?? []) as Array<{ path: string; message: string }>;
  return {
    ok: false,
    status: 400,
    error: {
      name: 'ApiError',
      code: 'BAD_REQUEST',
      message:
        issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ') || error.message,
      data: { params: issues.map((i) => i.path), issues },
    },
  };
}

/** The HTTP status of an error code: the caller's mistakes are 4xx, ours are 500. */
export function httpStatusOf(code: string): number {
  if (code === 'INTERNAL' || code === 'BAD_OUTPUT') return 500;
  if (code.endsWith('NOT_FOUND')) return 404;
  if (code === 'UNAUTHORIZED' || code === 'BAD_CREDENTIALS' || code === 'STEP_UP_REQUIRED') return 401;
  if (code === 'FORBIDDEN') return 403;
  if (code === 'USER_EXISTS' || code === 'SETUP_DONE' || code === 'LAST_OWNER' || code.endsWith('_CONFLICT'))
    return 409;
  if (code === 'TOO_LARGE') return 413;
  if (code === 'RATE_LIMITED' || code === 'LOCKED_OUT') return 429;
  if (code.endsWith('_UNAVAILABLE') || code === 'NOT_RUNNING') return 503;
  return 400;
}
