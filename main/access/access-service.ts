import { type Principal, type Role, type Scope, ANONYMOUS, STEP_UP_WINDOW_MS } from '../contract/access';
import type { AuthStatus, Me, UserView } from '../contract/auth';
import type { ApiKeyView } from '../contract/keys';
import { ApiKeyStore } from './api-keys';
import { TOKEN_TTL_S, TokenIssuer } from './tokens';
import type { Startable } from '../common/startable';
import type { Db } from '../store/db';
import { AccessError } from './errors';
import { decoyHash, hashPassword, verifyPassword } from './passwords';
import { DEFAULT_SESSION_LIMITS, type Session, type SessionLimits, SessionStore } from './sessions';
import { DEFAULT_THROTTLE, SignInThrottle, type ThrottlePolicy } from './sign-in-throttle';
import { type UserRecord, UserStore } from './users';

export interface AccessServiceOptions {
  sessions?: SessionLimits;
  throttle?: ThrottlePolicy;
}

export interface AccessServiceDeps {
  /** node.db, open once started. */
  db: () => Db;
  now: () => number;
}

/** Where a request came from. */
export interface Client {
  ip: string;
  userAgent: string;
}

/** A new session: who it is for, and the token only the edge that holds it sees. */
export interface OpenedSession {
  me: Me;
  token: string;
  /** The session's id (its token's hash), which bearer tokens made at sign-in name. */
  sessionId: string;
}

const WRONG = 'the user name or password is wrong';

/**
 * People and sessions: the owner made at first start, signing in (throttled; a name with no user
 * takes as long and answers the same as a wrong password), signing out here or everywhere,
 * confirming the password for a dangerous act, and the principal a session token stands for.
 */
export class AccessService implements Startable {
  private readonly users: UserStore;
  private readonly sessions: SessionStore;
  private readonly throttle: SignInThrottle;
  private readonly keys: ApiKeyStore;
  private readonly tokens: TokenIssuer;

  constructor(
    opts: AccessServiceOptions,
    private readonly deps: AccessServiceDeps,
  ) {
    this.users = new UserStore(deps.db);
    this.sessions = new SessionStore(deps.db, opts.sessions ?? DEFAULT_SESSION_LIMITS);
    this.throttle = new SignInThrottle(opts.throttle ?? DEFAULT_THROTTLE);
    this.keys = new ApiKeyStore(deps.db);
    this.tokens = new TokenIssuer(deps.db, deps.now);
  }

  async start(): Promise<void> {
    await decoyHash(); // made now, so the first unknown name costs no more than a real check
    await this.tokens.start();
  }

  async stop(): Promise<void> {}

  /** Who `token` signs in, or anonymous (unknown, ended or expired session, disabled person). */
  principalOf(token: string | undefined): Principal {
    return this.personOf(token ? this.sessions.resolve(token, this.deps.now()) : undefined);
  }

  /**
   * Who an `Authorization: Bearer` value stands for: an API key itself (`hps_…`), or a token made
   * from a key or a person's password. Anonymous when forged, expired, revoked or ended.
   */
  async principalOfBearer(bearer: string): Promise<Principal> {
    const now = this.deps.now();
    if (bearer.startsWith('hps_')) return keyPrincipal(this.keys.resolve(bearer, now));
    const subject = await this.tokens.verify(bearer);
    if (!subject) return ANONYMOUS;
    if (subject.kind === 'key') return keyPrincipal(this.keys.liveById(subject.keyId));
    return this.personOf(this.sessions.resolveId(subject.sessionId, now));
  }

  /** The person a live session is, or anonymous (no session, or a person since removed or disabled). */
  private personOf(session: Session | undefined): Principal {
    const user = session && this.users.byId(session.userId);
    if (!session || !user || user.disabled) return ANONYMOUS;
    return userPrincipal(user, session);
  }

  /** `POST /api/v1/auth/token`: a person's password (throttled like signing in) or an API key, for a bearer token. */
  async issueToken(
    req: { username: string; password: string } | { apiKey: string },
    client: Client,
  ): Promise<{ access_token: string; token_type: 'Bearer'; expires_in: number }> {
    let token: string;
    if ('apiKey' in req) {
      const waitMs = this.throttle.retryAfterMs('api key', client.ip, this.deps.now());
      if (waitMs > 0) throw lockedOut(waitMs, 'wrong keys');
      const key = this.keys.resolve(req.apiKey, this.deps.now());
      if (!key) {
        this.throttle.failed('api key', client.ip, this.deps.now());
        throw new AccessError('BAD_CREDENTIALS', 'the API key is wrong or revoked');
      }
      token = await this.tokens.issue({ kind: 'key', keyId: key.id });
    } else {
      const { sessionId } = await this.signIn(req.username, req.password, client);
      token = await this.tokens.issue({ kind: 'session', sessionId });
    }
    return { access_token: token, token_type: 'Bearer', expires_in: TOKEN_TTL_S };
  }

  listKeys(): ApiKeyView[] {
    return this.keys.list();
  }

  /** A new API key; the answer holds its secret, which is stored only as a hash. */
  createKey(
    principal: Principal,
    name: string,
    scopes: readonly Scope[],
  ): { key: ApiKeyView; secret: string } {
    const createdBy = principal.kind === 'user' ? principal.username : principal.kind;
    return this.keys.create({ name, scopes, createdBy, nowMs: this.deps.now() });
  }

  /** Revokes a key: it, and every token made from it, stops working at once. */
  revokeKey(id: string): ApiKeyView {
    if (!this.keys.byId(id)) throw new AccessError('KEY_NOT_FOUND', `no API key with id ${id}`, { id });
    this.keys.revoke(id, this.deps.now());
    return this.keys.byId(id)!;
  }

  status(principal: Principal): AuthStatus {
    return { setupNeeded: this.users.count() === 0, me: principal.kind === 'user' ? meOf(principal) : null };
  }

  /** The owner, on a node that has nobody yet; signed in at once. */
  async setupOwner(username: string, password: string, client: Client): Promise<OpenedSession> {
    if (this.users.count() > 0) throw setupDone();
    const passwordHash = await hashPassword(password);
    if (this.users.count() > 0) throw setupDone(); // another setup finished while this one hashed
    const user = this.users.add({ username, roles: ['owner'], passwordHash, nowMs: this.deps.now() });
    return this.open(user, client);
  }

  async signIn(username: string, password: string, client: Client): Promise<OpenedSession> {
    const now = this.deps.now();
    const waitMs = this.throttle.retryAfterMs(username, client.ip, now);
    if (waitMs > 0) throw lockedOut(waitMs, 'failed sign-ins');
    const user = this.users.byName(username);
    const usable = user && !user.disabled ? user : undefined;
    const matches = await verifyPassword(password, usable?.passwordHash ?? (await decoyHash()));
    if (!usable || !matches) {
      this.throttle.failed(username, client.ip, this.deps.now());
      throw new AccessError('BAD_CREDENTIALS', WRONG);
    }
    this.throttle.succeeded(username, client.ip);
    return this.open(usable, client);
  }

  signOut(principal: Principal): void {
    if (principal.kind === 'user') this.sessions.revoke(principal.sessionId, this.deps.now());
  }

  signOutEverywhere(principal: Principal): number {
    return principal.kind === 'user' ? this.sessions.revokeAllOf(principal.userId, this.deps.now()) : 0;
  }

  /** The password again: the session may do the dangerous acts for `STEP_UP_WINDOW_MS`. */
  async confirmPassword(principal: Principal, password: string, client: Client): Promise<Me> {
    if (principal.kind !== 'user') throw new AccessError('BAD_CREDENTIALS', 'sign in first');
    const user = this.users.byId(principal.userId);
    if (!user) throw new AccessError('BAD_CREDENTIALS', WRONG);
    const now = this.deps.now();
    const waitMs = this.throttle.retryAfterMs(user.username, client.ip, now);
    if (waitMs > 0) throw lockedOut(waitMs, 'wrong passwords');
    if (!(await verifyPassword(password, user.passwordHash))) {
      this.throttle.failed(user.username, client.ip, this.deps.now());
      throw new AccessError('BAD_CREDENTIALS', 'the password is wrong');
    }
    this.throttle.succeeded(user.username, client.ip);
    this.sessions.stepUp(principal.sessionId, now);
    return meOf({ ...principal, stepUpAtMs: now });
  }

  listUsers(): UserView[] {
    return this.users.list().map(viewOf);
  }

  async addUser(u: { username: string; password: string; roles: readonly Role[] }): Promise<UserView> {
    if (this.users.byName(u.username))
      throw new AccessError('USER_EXISTS', `there is already a user named "${u.username}"`, {
        username: u.username,
      });
    const passwordHash = await hashPassword(u.password);
    return viewOf(
      this.users.add({ username: u.username, roles: u.roles, passwordHash, nowMs: this.deps.now() }),
    );
  }

  /** Disables (and signs out everywhere) or enables a person; the last enabled owner stays. */
  setDisabled(id: string, disabled: boolean): UserView {
    const user = this.userOrThrow(id);
    if (
      disabled &&
      user.roles.includes('owner') &&
      !user.disabled &&
      this.users.countEnabledWith('owner') === 1
    )
      throw new AccessError('LAST_OWNER', 'the last owner cannot be disabled: make another owner first');
    this.users.setDisabled(id, disabled);
    if (disabled) this.sessions.revokeAllOf(id, this.deps.now());
    return viewOf(this.userOrThrow(id));
  }

  /** A new password for a person; their sessions end. */
  async resetPassword(id: string, password: string): Promise<UserView> {
    this.userOrThrow(id);
    const hash = await hashPassword(password);
    this.users.setPasswordHash(id, hash, this.deps.now());
    this.sessions.revokeAllOf(id, this.deps.now());
    return viewOf(this.userOrThrow(id));
  }

  private open(user: UserRecord, client: Client): OpenedSession {
    const { token, session } = this.sessions.open(user.id, this.deps.now(), client);
    return { me: meOf(userPrincipal(user, session)), token, sessionId: session.id };
  }

  private userOrThrow(id: string): UserRecord {
    const user = this.users.byId(id);
    if (!user) throw new AccessError('USER_NOT_FOUND', `no user with id ${id}`, { id });
    return user;
  }
}

function meOf(p: Extract<Principal, { kind: 'user' }>): Me {
  return {
    userId: p.userId,
    username: p.username,
    roles: [...p.roles],
    stepUpUntilMs: p.stepUpAtMs + STEP_UP_WINDOW_MS,
  };
}

function viewOf(u: UserRecord): UserView {
  const { passwordHash: _hash, ...view } = u;
  return view;
}

function userPrincipal(user: UserRecord, session: Session): Extract<Principal, { kind: 'user' }> {
  return {
    kind: 'user',
    userId: user.id,
    username: user.username,
    roles: user.roles,
    sessionId: session.id,
    stepUpAtMs: session.stepUpAtMs,
  };
}

/** The refusal while a sign-in (or key) throttle holds. */
function lockedOut(waitMs: number, what: string): AccessError {
  return new AccessError('LOCKED_OUT', `too many ${what}: try again in ${Math.ceil(waitMs / 1000)} s`, {
    retryAfterMs: waitMs,
  });
}

function keyPrincipal(key: ApiKeyView | undefined): Principal {
  return key ? { kind: 'key', keyId: key.id, name: key.name, scopes: key.scopes } : ANONYMOUS;
}

function setupDone(): AccessError {
  return new AccessError('SETUP_DONE', 'this node already has an owner: sign in instead');
}
