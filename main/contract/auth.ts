/** Signing in and out, confirming the password for a dangerous act, and the people of this node. */
import { z } from 'zod';
import { PEOPLE, PUBLIC, Role, allow, allowWithStepUp } from './access';
import { AUDITED, type EventRights, type EventTable, type MethodTable, method } from './define';

export const Username = z
  .string()
  .trim()
  .min(3, 'a user name has at least 3 characters')
  .max(64, 'a user name has at most 64 characters')
  .regex(/^[A-Za-z0-9._@-]+$/, 'a user name uses letters, digits and . _ @ - only');

export const NewPassword = z
  .string()
  .min(10, 'a password has at least 10 characters')
  .max(1024, 'a password has at most 1,024 characters');

/** A password as typed at sign-in (its length is checked only when it is chosen). */
const GivenPassword = z.string().min(1, 'enter the password').max(1024);

/** A person who may sign in (never their password or its hash). */
export const UserView = z.object({
  id: z.string(),
  username: z.string(),
  roles: z.array(Role),
  disabled: z.boolean(),
  createdAtMs: z.number(),
  passwordChangedAtMs: z.number(),
});
export type UserView = z.infer<typeof UserView>;

/** The signed-in person, as the UI needs them. */
export const Me = z.object({
  userId: z.string(),
  username: z.string(),
  roles: z.array(Role),
  /** Until when the dangerous acts go ahead without asking for the password again. */
  stepUpUntilMs: z.number(),
});
export type Me = z.infer<typeof Me>;

export const AuthStatus = z.object({
  /** No owner yet: the first start asks for one. */
  setupNeeded: z.boolean(),
  me: Me.nullable(),
});
export type AuthStatus = z.infer<typeof AuthStatus>;

const Credentials = z.object({ username: Username, password: GivenPassword }).strict();
const Ok = z.object({ ok: z.literal(true) });

export const authMethods = {
  'auth.status': method(z.object({}).strict(), AuthStatus, PUBLIC),
  /** Creates the owner on a node that has nobody yet, and signs them in. */
  'auth.setupOwner': method(
    z.object({ username: Username, password: NewPassword }).strict(),
    Me,
    PUBLIC,
    AUDITED,
  ),
  'auth.signIn': method(Credentials, Me, PUBLIC, AUDITED),
  'auth.signOut': method(z.object({}).strict(), Ok, allow(PEOPLE.everyone), AUDITED),
  /** Ends every session of the signed-in person, this one included. */
  'auth.signOutEverywhere': method(
    z.object({}).strict(),
    z.object({ sessionsEnded: z.number().int() }),
    allow(PEOPLE.everyone),
    AUDITED,
  ),
  /** The password again, before a dangerous act (sending tokens, keys, cameras, streams). */
  'auth.confirmPassword': method(
    z.object({ password: GivenPassword }).strict(),
    Me,
    allow(PEOPLE.everyone),
    AUDITED,
  ),
  'users.list': method(z.object({}).strict(), z.array(UserView), allow(PEOPLE.overseers)),
  'users.add': method(
    z
      .object({
        username: Username,
        password: NewPassword,
        roles: z.array(Role).min(1, 'choose a role').max(6),
      })
      .strict(),
    UserView,
    allowWithStepUp(PEOPLE.owners),
    AUDITED,
  ),
  'users.setDisabled': method(
    z.object({ id: z.string().min(1).max(64), disabled: z.boolean() }).strict(),
    UserView,
    allow(PEOPLE.owners),
    AUDITED,
  ),
  'users.resetPassword': method(
    z.object({ id: z.string().min(1).max(64), password: NewPassword }).strict(),
    UserView,
    allowWithStepUp(PEOPLE.owners),
    AUDITED,
  ),
} satisfies MethodTable;

export const authEvents = {} satisfies EventTable;

/** Who receives each of the auth events. */
export const authEventRights = {} satisfies EventRights<typeof authEvents>;
