// A suspended franchise is bad input at the POS API (issue #16): on a real headless development node,
// HQ's admin suspends the dev store over REST; a till's sale (one, or a batch) is then refused with a
// typed problem+json (FRANCHISE_NOT_ACTIVE) and nothing is stored; once HQ makes the store active
// again the same sale is accepted, and every acknowledged sale still reaches the chain.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NodeProcess, signInAsOwner, startNode } from '../../helpers/node-process';
import { rushSale } from '../../helpers/pos-rush';
import { tempDir } from '../../helpers/tmp';
import { restCall, rpcCall } from '../../helpers/rest-calls';

const ADMIN = { username: 'hq-admin', password: 'hq-admin-password-1' };
/** The intake trusts the franchise it read for 1 s (`FRANCHISE_TTL_MS`): wait a little longer after a change. */
const FRANCHISE_TTL_WAIT_MS = 1_200;

interface Listed {
  orderId: string;
  chain: { state: string };
}

describe('a suspended franchise at the POS API on a real node', () => {
  const dir = tempDir('hotpot-suspended-');
  let node: NodeProcess;
  let till = '';
  let reader = '';
  let admin = '';

  const rest = (method: string, path: string, bearer: string, body?: unknown) =>
    restCall(node.url, method, path, bearer, body);

  const rpc = (cookie: string, name: string, input: unknown) => rpcCall(node.url, cookie, name, input);

  async function listAll(): Promise<Listed[]> {
    const r = await rest('GET', '/api/v1/sales?limit=500', reader);
    expect(r.status).toBe(200);
    return r.body['items'] as Listed[];
  }

  const ids = async () => (await listAll()).map((s) => s.orderId).sort();

  async function setStatus(status: 'active' | 'suspended'): Promise<void> {
    const r = await rest('PATCH', '/api/v1/franchises/dev-store', admin, { status });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body['franchise']).toMatchObject({ id: 'dev-store', status });
    await sleep(FRANCHISE_TTL_WAIT_MS);
  }

  beforeAll(async () => {
    node = await startNode({
      dataDir: join(dir.path, 'data'),
      env: { HOTPOT_SALES_BATCH_EVERY_MS: '300' },
      timeoutMs: 60_000,
    });
    const owner = await signInAsOwner(node.url);
    await rpc(owner, 'users.add', { ...ADMIN, roles: ['hq-admin'] });
    till = (await rpc(owner, 'keys.create', { name: 'till', scopes: ['pos:write'] }))['secret'] as string;
    reader = (await rpc(owner, 'keys.create', { name: 'reader', scopes: ['read'] }))['secret'] as string;
    const res = await fetch(new URL('/api/v1/auth/token', node.url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    admin = ((await res.json()) as { access_token: string }).access_token;
  }, 90_000);
  afterAll(async () => {
    await node?.stop();
    dir.cleanup();
  });

  it('refuses sales with FRANCHISE_NOT_ACTIVE and stores nothing; takes the same sale once active again', async () => {
    // The first sale registers the dev store (active, in US dollars).
    const before1 = rushSale('before-1', 'till-1');
    const first = await rest('POST', '/api/v1/sales', till, before1);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect((await rest('GET', '/api/v1/franchises/dev-store', reader)).body).toMatchObject({
      status: 'active',
      tokenomics: { currency: 'USD' },
    });
    const stored = await ids();
    expect(stored).toEqual(['before-1']);

    await setStatus('suspended');
    const refused: Array<[string, unknown]> = [
      ['one sale', rushSale('while-1', 'till-1')],
      ['a batch', { sales: [rushSale('while-2', 'till-1'), rushSale('while-3', 'till-2')] }],
    ];
    for (const [what, body] of refused) {
      const r = await rest('POST', '/api/v1/sales', till, body);
      expect(r.type, what).toContain('application/problem+json');
      expect([r.status, r.body['code']], what).toEqual([400, 'FRANCHISE_NOT_ACTIVE']);
      expect(String(r.body['detail']), what).toContain('dev-store is suspended');
    }
    // Nothing of the refused posts was stored.
    expect(await ids()).toEqual(stored);
    // A till resending a sale the node acknowledged before (its answer lost) still gets the first receipt:
    // the sale is stored and goes to the chain, so refusing it would tell the till a kept sale was lost.
    const resent = await rest('POST', '/api/v1/sales', till, before1);
    expect([resent.status, resent.body], JSON.stringify(resent.body)).toEqual([201, first.body]);
    const mixed = await rest('POST', '/api/v1/sales', till, {
      sales: [before1, rushSale('while-4', 'till-1')],
    });
    expect([mixed.status, mixed.body['code']]).toEqual([400, 'FRANCHISE_NOT_ACTIVE']);
    expect(await ids()).toEqual(stored);

    await setStatus('active');
    const again = await rest('POST', '/api/v1/sales', till, rushSale('while-1', 'till-1'));
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect(again.body['sales']).toEqual([expect.objectContaining({ orderId: 'while-1' })]);
    expect(await ids()).toEqual(['before-1', 'while-1']);

    // Both acknowledged sales reach the chain (a batch the chain refused while suspended is sent again).
    const deadline = Date.now() + 60_000;
    while ((await listAll()).some((s) => s.chain.state !== 'recorded')) {
      if (Date.now() > deadline)
        throw new Error(`sales did not reach the chain: ${JSON.stringify(await listAll())}`);
      await sleep(300);
    }
  });
});
