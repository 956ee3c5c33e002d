/** API keys for machine clients (POS terminals, integrators) and the short-lived tokens made from them. */
import { z } from 'zod';
import { PEOPLE, PUBLIC, Scope, allow, allowWithStepUp } from './access';
import { Username } from './auth';
import { AUDITED, type EventRights, type EventTable, type MethodTable, method } from './define';

/** An API key as listed (its secret is shown once, at creation, and stored only as a hash). */
export const ApiKeyView = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(Scope),
  createdAtMs: z.number(),
  createdBy: z.string(),
  revokedAtMs: z.number().nullable(),
  lastUsedAtMs: z.number().nullable(),
});
export type ApiKeyView = z.infer<typeof ApiKeyView>;

/** What `POST /api/v1/auth/token` exchanges: a person's name and password, or an API key. */
export const TokenRequest = z.union(
  [
    z.object({ username: Username, password: z.string().min(1).max(1024) }).strict(),
    z.object({ apiKey: z.string().min(10).max(200) }).strict(),
  ],
  { error: 'send {"username", "password"} or {"apiKey"}' },
);

/** An OAuth-style bearer token (a JWT signed by this node with ES256). */
export const TokenResponse = z.object({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int(),
});

export const keysMethods = {
  'keys.list': method(z.object({}).strict(), z.array(ApiKeyView), allow(PEOPLE.overseers)),
  /** Makes a key; the answer holds its secret, the only time anyone sees it. */
  'keys.create': method(
    z
      .object({
        name: z.string().trim().min(1, 'name the key (e.g. the till it is for)').max(64),
        scopes: z.array(Scope).min(1, 'choose at least one scope').max(4),
      })
      .strict(),
    z.object({ key: ApiKeyView, secret: z.string() }),
    allowWithStepUp(PEOPLE.owners),
    AUDITED,
  ),
  'keys.revoke': method(
    z.object({ id: z.string().min(1).max(64) }).strict(),
    ApiKeyView,
    allow(PEOPLE.owners),
    AUDITED,
  ),
  'auth.token': method(TokenRequest, TokenResponse, PUBLIC, AUDITED),
} satisfies MethodTable;

export const keysEvents = {} satisfies EventTable;

/** Who receives each of the keys events. */
export const keysEventRights = {} satisfies EventRights<typeof keysEvents>;
