/**
 * Who may call what: the roles people have, the scopes API keys carry, the rights each method and
 * event declares beside its schema, the principal a call is made by, and the one rule that decides
 * (`mayCall`). Pure: the router enforces it on every edge, and the renderer uses it to show only
 * the pages a person may use.
 */
import { z } from 'zod';

/** People's roles: a store's owner, managers, cashiers and auditor; HQ's admins and analysts. */
export const ROLES = ['owner', 'manager', 'cashier', 'auditor', 'hq-admin', 'hq-analyst'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** What an API key may do: read, post sales from a till, manage webhooks, read metrics. */
export const SCOPES = ['read', 'pos:write', 'webhooks:manage', 'metrics:read'] as const;
export const Scope = z.enum(SCOPES);
export type Scope = z.infer<typeof Scope>;

/**
 * Who may call a method or receive an event.
 * - `roles`: people with one of these roles;
 * - `scopes`: API keys with one of these scopes;
 * - `public`: anyone, signed in or not (the node's status, signing in itself);
 * - `stepUp`: the person confirmed their password within `STEP_UP_WINDOW_MS` (sending tokens,
 *   importing or revealing keys, adding a camera, starting a stream).
 */
export interface Rights {
  roles: readonly Role[];
  scopes: readonly Scope[];
  public?: true;
  stepUp?: true;
}

/** How long a confirmed password covers the dangerous acts. */
export const STEP_UP_WINDOW_MS = 5 * 60_000;

/** The role sets the contract's tables use. */
export const PEOPLE = {
  /** Every signed-in person. */
  everyone: ROLES,
  /** Those who read the store's books: everyone but the cashier (an auditor reads everything). */
  readers: ['owner', 'manager', 'auditor', 'hq-admin', 'hq-analyst'],
  /** Those who watch the cameras: not the cashier, not HQ's analysts. */
  viewers: ['owner', 'manager', 'auditor', 'hq-admin'],
  /** Those who run the store day to day. */
  managers: ['owner', 'manager', 'hq-admin'],
  /** The store's owner (and HQ's admin on HQ's nodes). */
  owners: ['owner', 'hq-admin'],
  /** The owner and the auditor. */
  overseers: ['owner', 'auditor', 'hq-admin'],
} as const satisfies Record<string, readonly Role[]>;

/** Rights for anyone, signed in or not. */
export const PUBLIC: Rights = { roles: ROLES, scopes: ['read'], public: true };

/** Who may read `/metrics` (Prometheus text): the owner and the auditor, or a key with `metrics:read`. */
export const METRICS_RIGHTS: Rights = { roles: ['owner', 'auditor', 'hq-admin'], scopes: ['metrics:read'] };

/** Rights for `roles`, and for keys with `scopes`. */
export function allow(roles: readonly Role[], scopes: readonly Scope[] = []): Rights {
  return { roles, scopes };
}

/** Rights for `roles` that also ask for the password again (no key may do it). */
export function allowWithStepUp(roles: readonly Role[]): Rights {
  return { roles, scopes: [], stepUp: true };
}

/** Who is calling. */
export type Principal =
  | { kind: 'anonymous' }
  | {
      kind: 'user';
      userId: string;
      username: string;
      roles: readonly Role[];
      sessionId: string;
      /** When this session last confirmed the password (sign-in counts). */
      stepUpAtMs: number;
    }
  | { kind: 'key'; keyId: string; name: string; scopes: readonly Scope[] }
  /** The node's own operator in the same process (CLI commands, tests). */
  | { kind: 'system' };

export const ANONYMOUS: Principal = { kind: 'anonymous' };
export const SYSTEM: Principal = { kind: 'system' };

/** Why a call may not go ahead. */
export type Refusal = 'SIGN_IN_REQUIRED' | 'FORBIDDEN' | 'STEP_UP_REQUIRED';

/** Null when `principal` may call (or receive) what `rights` guards at `nowMs`, else why not. */
export function mayCall(rights: Rights, principal: Principal, nowMs: number): Refusal | null {
  if (rights.public || principal.kind === 'system') return null;
  switch (principal.kind) {
    case 'anonymous':
      return 'SIGN_IN_REQUIRED';
    case 'key':
      return rights.scopes.some((s) => principal.scopes.includes(s)) ? null : 'FORBIDDEN';
    case 'user':
      if (!rights.roles.some((r) => principal.roles.includes(r))) return 'FORBIDDEN';
      if (rights.stepUp && nowMs - principal.stepUpAtMs > STEP_UP_WINDOW_MS) return 'STEP_UP_REQUIRED';
      return null;
  }
}
