import type { z } from 'zod';
import { type Envelope, serializeError } from '../common/errors';
import {
  type CallContext,
  type EventName,
  type Handlers,
  type Methods,
  eventRights,
  isMethodName,
  methods,
} from '../contract';
import { type Principal, type Refusal, mayCall } from '../contract/access';
import { type AuditSink, auditedCall } from './audit-trail';
import { ApiError } from './errors';

/** Every method of the contract, implemented (compose.ts builds it from the domains' handlers). */
export type AllHandlers = Handlers<Methods>;

/**
 * The one edge every call passes: checks the method exists and that the caller may call it (the
 * rights the contract declares beside its schema), parses the input with its schema, runs the
 * handler, checks the result against its schema, and wraps the outcome in the envelope.
 * Never throws. Events are filtered by the same table (`mayReceive`).
 */
export class Router {
  constructor(
    private readonly handlers: AllHandlers,
    private readonly now: () => number = Date.now,
    /** Where privileged acts are recorded (the methods the contract marks `AUDITED`). */
    private readonly audit?: AuditSink,
  ) {}

  /** May `principal` receive event `name`? (Every edge that pushes events asks.) */
  mayReceive(name: string, principal: Principal): boolean {
    const rights = (eventRights as Record<string, (typeof eventRights)[EventName] | undefined>)[name];
    return rights !== undefined && mayCall(rights, principal, this.now()) === null;
  }

  /** Calls `name` with untrusted `input`; the envelope carries the value or a typed error. */
  async call(name: string, input: unknown, ctx: CallContext): Promise<Envelope<unknown>> {
    const envelope = await this.run(name, input, ctx);
    if (this.audit && isMethodName(name) && methods[name].audited)
      this.audit(
        auditedCall(name, input, ctx, envelope.ok ? { ok: true } : { ok: false, error: envelope.error }),
      );
    return envelope;
  }

  private async run(name: string, input: unknown, ctx: CallContext): Promise<Envelope<unknown>> {
    try {
      if (!isMethodName(name))
        throw new ApiError('UNKNOWN_METHOD', `unknown method "${name}"`, { method: name });
      const def = methods[name];
      const refusal = mayCall(def.rights, ctx.principal, this.now());
      if (refusal) throw refused(refusal, name);
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

function refused(refusal: Refusal, method: string): ApiError {
  switch (refusal) {
    case 'SIGN_IN_REQUIRED':
      return new ApiError('UNAUTHORIZED', `sign in to call ${method}`, { method });
    case 'STEP_UP_REQUIRED':
      return new ApiError('STEP_UP_REQUIRED', `${method} needs your password again`, { method });
    case 'FORBIDDEN':
      return new ApiError('FORBIDDEN', `your role may not call ${method}`, { method });
  }
}

/** "key: message; key: message" for an error message. */
export function describeIssues(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ');
}

function issuesOf(err: z.ZodError): Array<{ path: string; message: string }> {
  return err.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}
