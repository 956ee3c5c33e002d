import type { z } from 'zod';

/** One method of the contract: a zod schema for its input and one for its result. */
export interface MethodDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
}

/** A domain's methods, keyed `domain.verb`. */
export type MethodTable = Record<string, MethodDef>;
/** A domain's events, keyed `domain.noun`, each with its payload schema. */
export type EventTable = Record<string, z.ZodType>;

/**
 * Declares a method.
 *
 * @example 'node.status': method(z.object({}), NodeStatus)
 */
export function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O): MethodDef<I, O> {
  return { input, output };
}

/** What a handler receives besides its input. */
export interface CallContext {
  /** Which edge the call came through. */
  via: 'ipc' | 'http' | 'cli' | 'test';
}

/** The handlers that implement a method table: parsed input in, result (validated on the way out) back. */
export type Handlers<T extends MethodTable> = {
  [K in keyof T]: (input: z.output<T[K]['input']>, ctx: CallContext) => Promise<z.input<T[K]['output']>>;
};
