import { describe, expect, it } from 'vitest';
import { callRoute } from '../../../../main/api/rest/call';
import { restRoutes } from '../../../../main/api/rest/index';
import type { RestRoute } from '../../../../main/api/rest/types';
import { type AllHandlers, Router } from '../../../../main/api/router';
import { AppError } from '../../../../main/common/errors';
import { SYSTEM } from '../../../../main/contract/access';

const HASH = `0x${'ab'.repeat(32)}`;
const ADDRESS = `0x${'12'.repeat(20)}`;

/** The chain handlers record the input the contract parsed; they answer what the contract's output allows. */
function setup() {
  const seen: Array<{ method: string; input: unknown }> = [];
  const record = (method: string, value: () => unknown) => async (input: unknown) => {
    seen.push({ method, input });
    return value();
  };
  const tx = {
    hash: HASH,
    type: 'transfer',
    sender: ADDRESS,
    nonce: 0,
    fee: '0',
    to: null,
    amount: null,
    summary: '',
    status: 'pending',
    error: null,
    height: null,
    index: null,
    timeMs: null,
    minted: '0',
  };
  const handlers = {
    'chain.block': record('chain.block', () => {
      throw new AppError('BLOCK_NOT_FOUND', 'no block');
    }),
    'chain.tx': record('chain.tx', () => tx),
    'chain.account': record('chain.account', () => ({
      address: ADDRESS,
      balance: '1',
      nonce: 0,
      pendingNonce: 0,
      stake: '0',
      isValidatorCandidate: false,
      kyc: null,
      txs: [],
      nextCursor: null,
    })),
    'chain.submitTx': record('chain.submitTx', () => ({ txHash: HASH })),
  } as unknown as AllHandlers;
  const router = new Router(handlers);
  const call = (
    method: RestRoute['method'],
    path: string,
    params: Record<string, string>,
    query = '',
    body?: unknown,
  ) => {
    const route = restRoutes.find((r) => r.method === method && r.path === path);
    if (!route) throw new Error(`no route ${method} ${path}`);
    return callRoute(
      router,
      route,
      { params, query: new URLSearchParams(query), body },
      { via: 'test', principal: SYSTEM },
    );
  };
  return { seen, call };
}

describe('REST routes: bindings of contract methods', () => {
  it('every route names a method of the contract', () => {
    expect(restRoutes.map((r) => `${r.method} ${r.path} → ${r.call}`)).toEqual([
      'POST /api/v1/auth/token → auth.token',
      'GET /api/v1/status → node.status',
      'POST /api/v1/txs → chain.submitTx',
      'GET /api/v1/blocks/:height → chain.block',
      'GET /api/v1/txs/:hash → chain.tx',
      'GET /api/v1/accounts/:address → chain.account',
      'POST /api/v1/sales → sales.record',
      'GET /api/v1/sales → sales.list',
      'GET /api/v1/sales/summary → sales.summary',
      'POST /api/v1/sales/:orderId/refunds → sales.refund',
      'POST /api/v1/loyalty/balance → loyalty.balance',
      'POST /api/v1/loyalty/redeem → loyalty.redeem',
      'GET /api/v1/royalties/statement → royalty.statement',
      'GET /api/v1/franchises → franchise.list',
      'POST /api/v1/franchises → franchise.register',
      'GET /api/v1/franchises/:id → franchise.get',
      'PATCH /api/v1/franchises/:id → franchise.update',
      'POST /api/v1/peers → franchise.registerPeer',
      'POST /api/v1/sales/imports/preview → sales.importPreview',
      'POST /api/v1/sales/imports → sales.importCommit',
    ]);
  });

  it("passes what the contract's schema parsed, defaults included", async () => {
    const { seen, call } = setup();
    await call('GET', '/api/v1/blocks/:height', { height: '12' });
    await call('GET', '/api/v1/blocks/:height', { height: HASH.toUpperCase().replace('0X', '0x') });
    await call('GET', '/api/v1/accounts/:address', { address: ADDRESS });
    await call('GET', '/api/v1/accounts/:address', { address: ADDRESS }, 'limit=7&before=10:2');
    await call('POST', '/api/v1/txs', {}, '', { tx: '0xabcd', extra: 1 });
    expect(seen).toEqual([
      { method: 'chain.block', input: { height: 12 } },
      { method: 'chain.block', input: { hash: HASH } },
      { method: 'chain.account', input: { address: ADDRESS, limit: 25 } },
      { method: 'chain.account', input: { address: ADDRESS, limit: 7, before: '10:2' } },
      { method: 'chain.submitTx', input: { tx: '0xabcd' } },
    ]);
  });

  it('answers 400 BAD_REQUEST naming the parameter, and never reaches the handler', async () => {
    const { seen, call } = setup();
    const cases: Array<[RestRoute['method'], string, Record<string, string>, string, unknown, string]> = [
      ['GET', '/api/v1/blocks/:height', { height: 'abc' }, '', undefined, 'a block is named by its height'],
      [
        'GET',
        '/api/v1/blocks/:height',
        { height: '0' },
        '',
        undefined,
        'height: a block height is a whole number ≥ 1',
      ],
      [
        'GET',
        '/api/v1/txs/:hash',
        { hash: '0x1234' },
        '',
        undefined,
        'hash: a hash is 0x followed by 64 hex digits',
      ],
      ['GET', '/api/v1/accounts/:address', { address: '0xZZ' }, '', undefined, 'address: an address is 0x'],
      ['GET', '/api/v1/accounts/:address', { address: ADDRESS }, 'limit=0', undefined, 'limit:'],
      [
        'GET',
        '/api/v1/accounts/:address',
        { address: ADDRESS },
        'limit=abc',
        undefined,
        'limit: limit is a whole number',
      ],
      [
        'GET',
        '/api/v1/accounts/:address',
        { address: ADDRESS },
        'before=x',
        undefined,
        'before: before is the nextCursor',
      ],
      ['POST', '/api/v1/txs', {}, '', { tx: 'zz' }, 'tx: tx is the encoded transaction as 0x hex'],
      ['POST', '/api/v1/txs', {}, '', null, 'tx:'],
    ];
    for (const [method, path, params, query, body, message] of cases) {
      const answer = await call(method, path, params, query, body);
      expect(answer.ok, `${path} ${JSON.stringify(params)} ${query}`).toBe(false);
      if (answer.ok) continue;
      expect([answer.status, answer.error.code]).toEqual([400, 'BAD_REQUEST']);
      expect(answer.error.message).toContain(message);
    }
    expect(seen).toEqual([]);
  });

  it("keeps a handler's own error code, with its HTTP status", async () => {
    const { call } = setup();
    const answer = await call('GET', '/api/v1/blocks/:height', { height: '5' });
    expect(answer).toMatchObject({ ok: false, status: 404, error: { code: 'BLOCK_NOT_FOUND' } });
  });
});
