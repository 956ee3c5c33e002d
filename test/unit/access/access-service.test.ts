// People and sessions over a real node.db in a temp dir, with the clock in the test's hand.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccessService, type Client } from '../../../main/access/access-service';
import { DEFAULT_SESSION_LIMITS } from '../../../main/access/sessions';
import { DEFAULT_THROTTLE } from '../../../main/access/sign-in-throttle';
import { nodeDatabase } from '../../../main/app/app-components';
import { STEP_UP_WINDOW_MS } from '../../../main/contract/access';
import { tempDir } from '../../helpers/tmp';

const HERE: Client = { ip: '192.0.2.7', userAgent: 'test' };
const PW = 'owner-password-1';

describe('AccessService', () => {
  const dir = tempDir();
  let db: ReturnType<typeof nodeDatabase>;
  let access: AccessService;
  let now = 1_000_000;

  beforeEach(async () => {
    now = 1_000_000;
    db = nodeDatabase(join(dir.path, `n${Math.random()}`));
    await db.start();
    access = new AccessService({}, { db: () => db.get(), now: () => now });
    await access.start();
  });
  afterEach(async () => {
    await db.stop();
  });

  it('asks for an owner first, makes exactly one, and signs them in', async () => {
    expect(access.status({ kind: 'anonymous' })).toEqual({ setupNeeded: true, me: null });
    const { me, token } = await access.setupOwner('alice', PW, HERE);
    expect(me.roles).toEqual(['owner']);
    expect(access.principalOf(token)).toMatchObject({ kind: 'user', username: 'alice', roles: ['owner'] });
    expect(access.status(access.principalOf(token)).setupNeeded).toBe(false);
    await expect(access.setupOwner('mallory', PW, HERE)).rejects.toMatchObject({ code: 'SETUP_DONE' });
    expect(access.listUsers().map((u) => u.username)).toEqual(['alice']);
  });

  it('stores only a scrypt hash of the password and a SHA-256 of the session token', async () => {
    const { token } = await access.setupOwner('alice', PW, HERE);
    const row = db.get().prepare('SELECT password_hash FROM access_users').get() as { password_hash: string };
    expect(row.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(row.password_hash).not.toContain(PW);
    const s = db.get().prepare('SELECT token_hash FROM access_sessions').get() as { token_hash: string };
    expect(s.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(s.token_hash).not.toBe(token);
  });

  it('answers a wrong password and an unknown name the same', async () => {
    await access.setupOwner('alice', PW, HERE);
    const wrong = (await access.signIn('alice', 'not-the-password', HERE).catch((e: Error) => e)) as Error;
    const unknown = (await access.signIn('nobody', 'not-the-password', HERE).catch((e: Error) => e)) as Error;
    expect({ ...wrong, message: wrong.message }).toEqual({ ...unknown, message: unknown.message });
    expect(wrong).toMatchObject({ code: 'BAD_CREDENTIALS', message: 'the user name or password is wrong' });
  });

  it('1,000 wrong passwords from one address lock it out; the right one works after the window', async () => {
    await access.setupOwner('alice', PW, HERE);
    const codes = new Map<string, number>();
    for (let i = 0; i < 1000; i++) {
      const e = (await access.signIn('alice', `guess-${i}`, HERE).catch((err: { code: string }) => err)) as {
        code: string;
      };
      codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
    }
    // Only the first few were even checked; the rest were refused without looking at the password.
    expect(codes.get('BAD_CREDENTIALS')).toBe(DEFAULT_THROTTLE.perName);
    expect(codes.get('LOCKED_OUT')).toBe(1000 - DEFAULT_THROTTLE.perName);
    // Locked: even the right password is refused, and says when to come back.
    await expect(access.signIn('alice', PW, HERE)).rejects.toMatchObject({
      code: 'LOCKED_OUT',
      data: { retryAfterMs: DEFAULT_THROTTLE.firstLockMs },
    });
    now += DEFAULT_THROTTLE.firstLockMs + 1;
    await expect(access.signIn('alice', PW, HERE)).resolves.toMatchObject({ me: { username: 'alice' } });
  });

  it('an address that tries many names is locked too, without touching other addresses', async () => {
    await access.setupOwner('alice', PW, HERE);
    for (let i = 0; i < DEFAULT_THROTTLE.perAddress; i++)
      await access.signIn(`name${i}`, 'x', HERE).catch(() => undefined);
    await expect(access.signIn('alice', PW, HERE)).rejects.toMatchObject({ code: 'LOCKED_OUT' });
    await expect(access.signIn('alice', PW, { ip: '192.0.2.8', userAgent: 't' })).resolves.toBeTruthy();
  });

  it('sessions end on sign-out, everywhere, when idle, when too old, and when the person is disabled', async () => {
    const owner = await access.setupOwner('alice', PW, HERE);
    const bob = await access.addUser({ username: 'bob', password: 'bob-password-1', roles: ['cashier'] });
    const a = await access.signIn('bob', 'bob-password-1', HERE);
    const b = await access.signIn('bob', 'bob-password-1', HERE);
    access.signOut(access.principalOf(a.token));
    expect(access.principalOf(a.token).kind).toBe('anonymous');
    expect(access.principalOf(b.token).kind).toBe('user');
    const c = await access.signIn('bob', 'bob-password-1', HERE);
    expect(access.signOutEverywhere(access.principalOf(c.token))).toBe(2);
    expect(access.principalOf(b.token).kind).toBe('anonymous');
    const idle = await access.signIn('bob', 'bob-password-1', HERE);
    now += DEFAULT_SESSION_LIMITS.idleMs + 1;
    expect(access.principalOf(idle.token).kind).toBe('anonymous');
    const d = await access.signIn('bob', 'bob-password-1', HERE);
    access.setDisabled(bob.id, true);
    expect(access.principalOf(d.token).kind).toBe('anonymous');
    await expect(access.signIn('bob', 'bob-password-1', HERE)).rejects.toMatchObject({
      code: 'BAD_CREDENTIALS',
    });
    expect(() => access.setDisabled(owner.me.userId, true)).toThrow(/last owner/);
    // A session in constant use still ends at its absolute limit.
    const e = await access.signIn('alice', PW, HERE);
    for (let t = 0; t <= DEFAULT_SESSION_LIMITS.absoluteMs; t += DEFAULT_SESSION_LIMITS.idleMs / 2) {
      now += DEFAULT_SESSION_LIMITS.idleMs / 2;
      access.principalOf(e.token);
    }
    expect(access.principalOf(e.token).kind).toBe('anonymous');
  });

  it('confirming the password opens the step-up window; a reset password ends the sessions', async () => {
    const { token } = await access.setupOwner('alice', PW, HERE);
    now += STEP_UP_WINDOW_MS * 2;
    const p = access.principalOf(token);
    expect(p.kind === 'user' && now - p.stepUpAtMs).toBeGreaterThan(STEP_UP_WINDOW_MS);
    await expect(access.confirmPassword(p, 'wrong-password', HERE)).rejects.toMatchObject({
      code: 'BAD_CREDENTIALS',
    });
    const me = await access.confirmPassword(p, PW, HERE);
    expect(me.stepUpUntilMs).toBe(now + STEP_UP_WINDOW_MS);
    const p2 = access.principalOf(token);
    expect(p2.kind === 'user' && p2.stepUpAtMs).toBe(now);
    if (p2.kind !== 'user') throw new Error('signed out');
    await access.resetPassword(p2.userId, 'a-new-password-2');
    expect(access.principalOf(token).kind).toBe('anonymous');
    await expect(access.signIn('alice', 'a-new-password-2', HERE)).resolves.toBeTruthy();
  });
});
