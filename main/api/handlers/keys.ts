import type { Handlers } from '../../contract';
import type { keysMethods } from '../../contract/keys';
import type { AccessService } from '../../access/access-service';

/** What the keys handlers use: the access service. */
export interface KeysHandlersDeps {
  access: AccessService;
}

/** Handlers of `keys.*` and `auth.token`. */
export function keysHandlers({ access }: KeysHandlersDeps): Handlers<typeof keysMethods> {
  return {
    'keys.list': async () => access.listKeys(),
    'keys.create': async ({ name, scopes }, ctx) => access.createKey(ctx.principal, name, scopes),
    'keys.revoke': async ({ id }) => access.revokeKey(id),
    'auth.token': async (req, ctx) => access.issueToken(req, ctx.client ?? { ip: ctx.via, userAgent: '' }),
  };
}
