import type { z } from 'zod';
import { type Envelope, serializeError } from '../common/errors';
import { type CallContext, type Handlers, type Methods, isMethodName, methods } from '../contract';
import { ApiError } from './errors';

/** Every method of the contract, implemented (compose.ts builds it from the domains' handlers). */
export type AllHandlers = Handlers<Methods>;

/**
 * The one edge every call passes: checks the method exists, parses the input with its schema,
 * runs the handler, checks the result against its schema, and wraps the outcome in the envelope.
 * Never throws.
 */
export class Router {
  constructor(private readonly handlers: AllHandlers) {}

  /** Calls `name` with untrusted `input`; the envelope carries the value or a typed error. */
  async call(name: string, input: unknown, ctx: CallContext): Promise<Envelope<unknown>> {
    try {
      if (!isMethodName(name))
        throw new ApiError('UNKNOWN_METHOD', `unknown method "${name}"`, { method: name });
      const def = methods[name];
      const parsed = def.input.safeParse(input ?? {});
      if (!parsed.success)
        throw new ApiError('BAD_INPUT', `bad input for ${name}: ${describeIssues(parsed.error)}`, {
          method: name,
          issues: issuesOf(parsed.error),
        });
      const handler = this.handlers[name] as (i: unknown, c: CallContext) => Promise<unknown>;
      const result = await handler(parsed.data, ctx);
      const out = def.output.safeParse(result);
      if (!out.success)
        throw new ApiError(
          'BAD_OUTPUT',
          `${name} produced a result that does not match the contract: ${describeIssues(out.error)}`,
          { method: name },
        );
      return { ok: true, value: out.data };
    } catch (err) {
      return { ok: false, error: serializeError(err) };
    }
  }
}

/** "key: message; key: message" for an error message. */
export function describeIssues(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ');
}

function issuesOf(err: z.ZodError): Array<{ path: string; message: string }> {
  return err.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}
