import { describe, expect, it } from 'vitest';
import { type AllHandlers, Router } from '../../../main/api/router';
import { AppError } from '../../../main/common/errors';
import { SYSTEM } from '../../../main/contract/access';

const status = {
  chainId: 'c',
  height: 1,
  hash: '0xab',
  blockTimeMs: 1,
  peers: 0,
  syncing: false,
  version: 'v',
  validator: true,
  uptimeMs: 5,
};

function router(overrides: Partial<AllHandlers> = {}): Router {
  const base = {
    'node.status': async () => status,
    'node.info': async () => ({
      version: 'v',
      host: 'headless',
      dataDir: '/d',
      startedAtMs: 0,
      nativeKernels: false,
      node: 'v24',
      platform: 'linux',
    }),
    'node.logs': async () => [],
  } as unknown as AllHandlers;
  return new Router({ ...base, ...overrides } as AllHandlers);
}

describe('Router', () => {
  it('returns the value in an ok envelope', async () => {
    expect(await router().call('node.status', {}, { via: 'test', principal: SYSTEM })).toEqual({
      ok: true,
      value: status,
    });
  });
  it('refuses unknown methods, including prototype names', async () => {
    for (const name of ['nope', 'constructor', '__proto__', 'toString']) {
      const r = await router().call(name, {}, { via: 'test', principal: SYSTEM });
      expect(r.ok ? null : r.error.code).toBe('UNKNOWN_METHOD');
    }
  });
  it('refuses bad input with the path of each problem', async () => {
    const r = await router().call('node.logs', { limit: 0 }, { via: 'test', principal: SYSTEM });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('BAD_INPUT');
      expect(r.error.message).toMatch(/^bad input for node.logs: limit:/);
    }
  });
  it('catches results that break the contract', async () => {
    const r = await router({ 'node.status': async () => ({ ...status, height: -1 }) }).call(
      'node.status',
      {},
      { via: 'test', principal: SYSTEM },
    );
    expect(r.ok ? null : r.error.code).toBe('BAD_OUTPUT');
  });
  it('carries typed errors as data and hides nothing else', async () => {
    class E extends AppError<'NOPE'> {
      override readonly name = 'E';
    }
    const r1 = await router({
      'node.status': async () => {
        throw new E('NOPE', 'no', { k: 1 });
      },
    }).call('node.status', {}, { via: 'test', principal: SYSTEM });
    expect(r1).toEqual({ ok: false, error: { name: 'E', code: 'NOPE', message: 'no', data: { k: 1 } } });
    const r2 = await router({
      'node.status': async () => {
        throw new RangeError('boom');
      },
    }).call('node.status', {}, { via: 'test', principal: SYSTEM });
    expect(r2.ok ? null : r2.error.code).toBe('INTERNAL');
  });
});
