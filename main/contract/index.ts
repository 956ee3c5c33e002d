/**
 * The whole API contract: every method and event the UI (and the CLI) uses, with zod schemas.
 * Environment-free: main, preload and renderer all import it. Each domain declares its own table in
 * `./<domain>.ts`; add it here with one spread per table.
 */
import type { z } from 'zod';
import type { Rights } from './access';
import { nodeEventRights, nodeEvents, nodeMethods } from './node';
import { walletEventRights, walletEvents, walletMethods } from './wallet';
import { chainEventRights, chainEvents, chainMethods } from './chain';
import { networkEventRights, networkEvents, networkMethods } from './network';
import { videoEventRights, videoEvents, videoMethods } from './video';
import { authEventRights, authEvents, authMethods } from './auth';
import { auditEventRights, auditEvents, auditMethods } from './audit';
import { keysEventRights, keysEvents, keysMethods } from './keys';
import { salesEventRights, salesEvents, salesMethods } from './sales';
import { loyaltyEventRights, loyaltyEvents, loyaltyMethods } from './loyalty';
import { royaltiesEventRights, royaltiesEvents, royaltiesMethods } from './royalties';
import { franchiseEventRights, franchiseEvents, franchiseMethods } from './franchise';
import { salesImportMethods } from './sales-import';

export {
  method,
  type CallContext,
  type EventRights,
  type EventTable,
  type Handlers,
  type MethodDef,
  type MethodTable,
  type SessionControl,
} from './define';

export const methods = {
  ...nodeMethods,
  ...walletMethods,
  ...chainMethods,
  ...networkMethods,
  ...videoMethods,
  ...authMethods,
  ...auditMethods,
  ...keysMethods,
  ...salesMethods,
  ...loyaltyMethods,
  ...royaltiesMethods,
  ...franchiseMethods,
  ...salesImportMethods,
};

export const events = {
  ...nodeEvents,
  ...walletEvents,
  ...chainEvents,
  ...networkEvents,
  ...videoEvents,
  ...authEvents,
  ...auditEvents,
  ...keysEvents,
  ...salesEvents,
  ...loyaltyEvents,
  ...royaltiesEvents,
  ...franchiseEvents,
};

/** Who receives each event (every event has an entry, or this does not compile). */
export const eventRights: Record<keyof typeof events, Rights> = {
  ...nodeEventRights,
  ...walletEventRights,
  ...chainEventRights,
  ...networkEventRights,
  ...videoEventRights,
  ...authEventRights,
  ...auditEventRights,
  ...keysEventRights,
  ...salesEventRights,
  ...loyaltyEventRights,
  ...royaltiesEventRights,
  ...franchiseEventRights,
};

export type Methods = typeof methods;
export type MethodName = keyof Methods;
/** What a caller passes (before defaults apply). */
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
/** What a caller gets back. */
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;
export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;
/** Emits one contract event (what a service that pushes events needs of the app's event bus). */
export type EmitEvent = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

/** Is `name` a method of the contract? */
export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(methods, name);
}
