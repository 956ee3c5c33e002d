// Every method of the contract × every kind of caller, through the real router: the rights each
// method declares beside its schema are what the router enforces, on every edge alike.
import { describe, expect, it } from 'vitest';
import { type AllHandlers, Router } from '../../../main/api/router';
import { ApiError } from '../../../main/api/errors';
import { type MethodName, eventRights, methods } from '../../../main/contract';
import {
  ANONYMOUS,
  type Principal,
  ROLES,
  type Role,
  SCOPES,
  STEP_UP_WINDOW_MS,
  SYSTEM,
} from '../../../main/contract/access';

const NOW = 10_000_000;
/** Every handler answers the same marker: a call that reaches it got past the rights check. */
const reached = new ApiError('DISABLED', 'reached the handler');
const handlers = new Proxy({} as AllHandlers, {
  get: () => async () => {
    throw reached;
  },
});
const router = new Router(handlers, () => NOW);

const user = (roles: Role[], stepUpAgoMs = 0): Principal => ({
  kind: 'user',
  userId: 'u',
  username: roles.join('+'),
  roles,
  sessionId: 's',
  stepUpAtMs: NOW - stepUpAgoMs,
});

const CALLERS: Array<{ what: string; principal: Principal }> = [
  { what: 'nobody signed in', principal: ANONYMOUS },
  ...ROLES.map((r) => ({ what: r, principal: user([r]) })),
  ...ROLES.map((r) => ({
    what: `${r}, password confirmed long ago`,
    principal: user([r], STEP_UP_WINDOW_MS + 1),
  })),
  ...SCOPES.map((s) => ({
    what: `key with ${s}`,
    principal: { kind: 'key', keyId: 'k', name: 'k', scopes: [s] } as const,
  })),
  { what: 'the node itself', principal: SYSTEM },
];

/** What the contract's table says, read independently of the router's rule. */
function expected(
  name: MethodName,
  p: Principal,
): 'allowed' | 'UNAUTHORIZED' | 'FORBIDDEN' | 'STEP_UP_REQUIRED' {
  const r = methods[name].rights;
  if (r.public || p.kind === 'system') return 'allowed';
  if (p.kind === 'anonymous') return 'UNAUTHORIZED';
  if (p.kind === 'key') return r.scopes.some((s) => p.scopes.includes(s)) ? 'allowed' : 'FORBIDDEN';
  if (!r.roles.some((role) => p.roles.includes(role))) return 'FORBIDDEN';
  if (r.stepUp && NOW - p.stepUpAtMs > STEP_UP_WINDOW_MS) return 'STEP_UP_REQUIRED';
  return 'allowed';
}

describe('rights: every method × every caller', () => {
  const names = Object.keys(methods) as MethodName[];

  it('the router allows and refuses exactly as the contract declares', async () => {
    let calls = 0;
    const refusedSomewhere = new Set<string>();
    for (const name of names)
      for (const { what, principal } of CALLERS) {
        const env = await router.call(name, {}, { via: 'test', principal });
        const got =
          !env.ok && env.error.code !== 'DISABLED' && env.error.code !== 'BAD_INPUT'
            ? env.error.code
            : 'allowed';
        expect(got, `${name} by ${what}`).toBe(expected(name, principal));
        if (got !== 'allowed') refusedSomewhere.add(name);
        calls++;
      }
    expect(calls).toBe(names.length * CALLERS.length);
    // Only what the contract makes public is open to everyone.
    for (const name of names) expect(refusedSomewhere.has(name), name).toBe(!methods[name].rights.public);
  });

  it('a cashier cannot send tokens, see cameras or change settings; an auditor changes nothing', () => {
    const cashier = user(['cashier']);
    for (const m of [
      'wallet.send',
      'wallet.previewSend',
      'wallet.status',
      'video.cameras',
      'video.live',
      'network.addPeer',
      'users.add',
      'sales.refund',
    ] as const)
      expect(expected(m, cashier), m).not.toBe('allowed');
    const auditor = user(['auditor']);
    const CHANGES: MethodName[] = names.filter(
      (n) =>
        !/\.(status|info|logs|peers|addresses|head|blocks|block|tx|account|validators|cameras|snapshot|live|recordings|verifyRecording|consents|accounts|balance|history|historyCsv|list|get|verify|summary|statement)$/.test(
          n,
        ) && !n.startsWith('auth.'),
    );
    expect(CHANGES.length).toBeGreaterThan(20);
    for (const m of CHANGES) expect(expected(m, auditor), m).not.toBe('allowed');
    for (const m of names.filter((n) => !CHANGES.includes(n)))
      expect(expected(m, auditor), m).toBe('allowed');
  });

  it('the dangerous acts ask for the password again, and no API key may do them', () => {
    for (const m of [
      'wallet.send',
      'wallet.import',
      'wallet.importKeystore',
      'wallet.revealMnemonic',
      'video.addCamera',
      'video.startStream',
    ] as const) {
      expect(methods[m].rights.stepUp, m).toBe(true);
      expect(methods[m].rights.scopes, m).toEqual([]);
    }
  });

  it("the franchise registry: HQ's admin writes (password again, audited); readers and read keys list", () => {
    for (const m of ['franchise.register', 'franchise.update', 'franchise.registerPeer'] as const) {
      expect(methods[m].audited, m).toBe(true);
      for (const role of ROLES)
        expect(expected(m, user([role])), `${m} by ${role}`).toBe(
          role === 'hq-admin' ? 'allowed' : 'FORBIDDEN',
        );
      expect(expected(m, user(['hq-admin'], STEP_UP_WINDOW_MS + 1)), m).toBe('STEP_UP_REQUIRED');
      for (const scope of SCOPES)
        expect(expected(m, { kind: 'key', keyId: 'k', name: 'k', scopes: [scope] }), m).toBe('FORBIDDEN');
    }
    for (const m of ['franchise.list', 'franchise.get'] as const) {
      expect(methods[m].audited, m).toBe(false);
      for (const role of ['owner', 'hq-admin', 'hq-analyst', 'auditor', 'manager'] as const)
        expect(expected(m, user([role])), `${m} by ${role}`).toBe('allowed');
      expect(expected(m, user(['cashier'])), m).toBe('FORBIDDEN');
      expect(expected(m, { kind: 'key', keyId: 'k', name: 'k', scopes: ['read'] }), m).toBe('allowed');
      expect(expected(m, { kind: 'key', keyId: 'k', name: 'k', scopes: ['pos:write'] }), m).toBe('FORBIDDEN');
      expect(expected(m, ANONYMOUS), m).toBe('UNAUTHORIZED');
    }
  });

  it('events reach only those who may read them', () => {
    expect(router.mayReceive('node.status', ANONYMOUS)).toBe(true);
    expect(router.mayReceive('chain.block', ANONYMOUS)).toBe(false);
    expect(router.mayReceive('video.live', user(['cashier']))).toBe(false);
    expect(router.mayReceive('video.live', user(['manager']))).toBe(true);
    expect(router.mayReceive('wallet.locked', user(['cashier']))).toBe(false);
    expect(router.mayReceive('wallet.locked', user(['auditor']))).toBe(true);
    expect(router.mayReceive('no.such.event', SYSTEM)).toBe(false);
    expect(Object.keys(eventRights).length).toBeGreaterThan(5);
  });
});
