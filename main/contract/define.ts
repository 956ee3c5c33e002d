import type { z } from 'zod';
import type { Principal, Rights } from './access';

/** One method of the contract: a zod schema for its input, one for its result, and who may call it. */
export interface MethodDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  rights: Rights;
  /** A privileged act: every call, allowed or refused, done or failed, goes into the audit log. */
  audited: boolean;
}

/** A domain's methods, keyed `domain.verb`. */
export type MethodTable = Record<string, MethodDef>;
/** A domain's events, keyed `domain.noun`, each with its payload schema. */
export type EventTable = Record<string, z.ZodType>;
/** Who may receive each of a domain's events (the table beside its `EventTable`). */
export type EventRights<T extends EventTable> = { [K in keyof T]: Rights };

/**
 * Declares a method. The rights are not optional: a method nobody thought about cannot be called.
 *
 * @example 'node.status': method(z.object({}), NodeStatus, PUBLIC)
 * @example 'wallet.send': method(SendInput, SendResult, allowWithStepUp(PEOPLE.managers), AUDITED)
 */
export function method<I extends z.ZodType, O extends z.ZodType>(
  input: I,
  output: O,
  rights: Rights,
  opts: { audited?: true } = {},
): MethodDef<I, O> {
  return { input, output, rights, audited: opts.audited === true };
}

/** The fourth argument of a privileged act's `method()`: its calls go into the audit log. */
export const AUDITED = { audited: true } as const;

/** What the edge a call came through can do for a handler that signs someone in or out. */
export interface SessionControl {
  /** Remember `token` as this caller's session (a cookie, the window's own slot); never in a result. */
  open(token: string): void;
  /** Forget this caller's session. */
  close(): void;
}

/** What a handler receives besides its input. */
export interface CallContext {
  /** Which edge the call came through. */
  via: 'ipc' | 'http' | 'cli' | 'test';
  /** Who is calling (the router has checked the method's rights against it). */
  principal: Principal;
  /** The caller's address and user agent, for the audit log and the sign-in throttle. */
  client?: { ip: string; userAgent: string };
  /** Present on edges that hold sessions (the window, the gateway). */
  session?: SessionControl;
}

/** The handlers that implement a method table: parsed input in, result (validated on the way out) back. */
export type Handlers<T extends MethodTable> = {
  [K in keyof T]: (input: z.output<T[K]['input']>, ctx: CallContext) => Promise<z.input<T[K]['output']>>;
};
