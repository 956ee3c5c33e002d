import type { CallContext, Handlers } from '../../contract';
import type { authMethods } from '../../contract/auth';
import type { AccessService, Client, OpenedSession } from '../../access/access-service';
import { ApiError } from '../errors';

/** What the auth handlers use: the access service. */
export interface AuthHandlersDeps {
  access: AccessService;
}

/** A caller the edge did not describe (in-process callers) signs in from the machine itself. */
const LOCAL: Client = { ip: 'local', userAgent: '' };

/**
 * Handlers of `auth.*` and `users.*`. A new session's token goes to the edge through
 * `ctx.session.open` (an httpOnly cookie, the window's slot), never into a result.
 */
export function authHandlers({ access }: AuthHandlersDeps): Handlers<typeof authMethods> {
  const hand = (opened: OpenedSession, ctx: CallContext) => {
    sessionOf(ctx).open(opened.token);
    return opened.me;
  };
  return {
    'auth.status': async (_input, ctx) => access.status(ctx.principal),
    'auth.setupOwner': async ({ username, password }, ctx) => {
      sessionOf(ctx);
      return hand(await access.setupOwner(username, password, ctx.client ?? LOCAL), ctx);
    },
    'auth.signIn': async ({ username, password }, ctx) => {
      sessionOf(ctx);
      return hand(await access.signIn(username, password, ctx.client ?? LOCAL), ctx);
    },
    'auth.signOut': async (_input, ctx) => {
      access.signOut(ctx.principal);
      ctx.session?.close();
      return { ok: true };
    },
    'auth.signOutEverywhere': async (_input, ctx) => {
      const sessionsEnded = access.signOutEverywhere(ctx.principal);
      ctx.session?.close();
      return { sessionsEnded };
    },
    'auth.confirmPassword': async ({ password }, ctx) =>
      access.confirmPassword(ctx.principal, password, ctx.client ?? LOCAL),
    'users.list': async () => access.listUsers(),
    'users.add': async (input) => access.addUser(input),
    'users.setDisabled': async ({ id, disabled }) => access.setDisabled(id, disabled),
    'users.resetPassword': async ({ id, password }) => access.resetPassword(id, password),
  };
}

function sessionOf(ctx: CallContext): NonNullable<CallContext['session']> {
  if (!ctx.session)
    throw new ApiError(
      'BAD_REQUEST',
      `signing in needs an edge that holds sessions (the window or the gateway), not ${ctx.via}`,
    );
  return ctx.session;
}
