// POS terminals post sales to a real headless node (dev chain) with a real API key; the sales reach
// the chain exactly once, across SIGKILLs of the node mid-rush, and bad input changes nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NodeProcess, runCli, signInAsOwner, startNode } from '../../helpers/node-process';
import { drained, rushSale, rushWithKills } from '../../helpers/pos-rush';
import { salesOnDisk } from '../../helpers/sales-books';
import { tempDir } from '../../helpers/tmp';

const ENV = { HOTPOT_SALES_BATCH_EVERY_MS: '300' };

function sale(orderId: string, terminalId = 'till-1', over: Record<string, unknown> = {}) {
  return { ...rushSale(orderId, terminalId), ...over };
}

async function makeKey(
  url: string,
  cookie: string,
  scopes: string[],
): Promise<{ id: string; secret: string }> {
  const r = await fetch(new URL('/rpc/keys.create', url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Cookie: cookie },
    body: JSON.stringify({ name: `till ${scopes.join(' ')}`, scopes }),
  });
  const body = (await r.json()) as { ok: boolean; value: { key: { id: string }; secret: string } };
  if (!body.ok) throw new Error(`keys.create failed: ${JSON.stringify(body)}`);
  return { id: body.value.key.id, secret: body.value.secret };
}

function post(url: string, key: string, body: unknown, path = '/api/v1/sales') {
  return fetch(new URL(path, url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });
}

async function listAll(
  url: string,
  key: string,
  query = '',
): Promise<Array<{ orderId: string; chain: { state: string } }>> {
  const r = await fetch(new URL(`/api/v1/sales?limit=500${query}`, url), {
    headers: { Authorization: `Bearer ${key}` },
  });
  expect(r.status).toBe(200);
  return ((await r.json()) as { items: Array<{ orderId: string; chain: { state: string } }> }).items;
}

async function until(what: string, ms: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('POS intake on a real node', () => {
  const dir = tempDir();
  const dataDir = join(dir.path, 'data');
  let node: NodeProcess;
  let till = '';
  let reader = '';

  beforeAll(async () => {
    node = await startNode({ dataDir, env: ENV });
    const cookie = await signInAsOwner(node.url);
    till = (await makeKey(node.url, cookie, ['pos:write'])).secret;
    reader = (await makeKey(node.url, cookie, ['read'])).secret;
  }, 40_000);
  afterAll(async () => {
    await node?.stop();
    dir.cleanup();
  });

  it('answers 201 with receipts, a replay with the same receipt, and other content under the id with 409', async () => {
    const o1 = sale('o-1');
    const first = await post(node.url, till, o1);
    expect(first.status).toBe(201);
    const receipt = (await first.json()) as {
      sales: Array<{ orderId: string; totalMinor: number; terminalSeq: number }>;
    };
    expect(receipt.sales).toEqual([
      expect.objectContaining({ orderId: 'o-1', totalMinor: 1200 + 96 + 1700, terminalSeq: 1 }),
    ]);
    const again = await post(node.url, till, { sales: [o1] });
    expect(again.status).toBe(201);
    expect(await again.json()).toEqual(receipt);
    const batch = await post(node.url, till, { sales: [sale('o-2'), sale('o-3', 'till-2')] });
    expect(batch.status).toBe(201);
    const replay = await post(node.url, till, {
      sales: [sale('o-4'), { ...sale('o-2'), paymentMethod: 'cash' }],
    });
    expect(replay.status).toBe(409);
    expect(replay.headers.get('content-type')).toContain('application/problem+json');
    expect(((await replay.json()) as { code: string }).code).toBe('ORDER_CONFLICT');
    // All or none: o-4 of the refused batch was not stored.
    expect((await listAll(node.url, reader)).map((s) => s.orderId).sort()).toEqual(['o-1', 'o-2', 'o-3']);
  });

  it('refuses bad input with a typed problem and stores nothing', async () => {
    const cases: Array<[string, unknown, number, string]> = [
      [
        'a negative price',
        sale('b-1', 'till-1', { lines: [{ itemId: 'x', name: 'X', quantity: 1, unitPriceMinor: -5 }] }),
        400,
        'BAD_REQUEST',
      ],
      [
        'a zero total',
        sale('b-2', 'till-1', {
          lines: [{ itemId: 'x', name: 'X', quantity: 1, unitPriceMinor: 100, discountMinor: 100 }],
        }),
        400,
        'BAD_TOTAL',
      ],
      ['the wrong currency', sale('b-3', 'till-1', { currency: 'RUB' }), 400, 'WRONG_CURRENCY'],
      ['a missing field', { ...sale('b-4'), terminalId: undefined }, 400, 'BAD_REQUEST'],
      [
        'a fractional amount',
        sale('b-5', 'till-1', { lines: [{ itemId: 'x', name: 'X', quantity: 1, unitPriceMinor: 9.5 }] }),
        400,
        'BAD_REQUEST',
      ],
      [
        'an oversized batch',
        { sales: Array.from({ length: 501 }, (_, i) => sale(`b-6-${i}`)) },
        400,
        'BAD_REQUEST',
      ],
      ['an unknown field', { ...sale('b-7'), price: 1 }, 400, 'BAD_REQUEST'],
    ];
    for (const [what, body, status, code] of cases) {
      const r = await post(node.url, till, body);
      expect(r.status, what).toBe(status);
      expect(((await r.json()) as { code: string }).code, what).toBe(code);
    }
    // A key that may only read is refused (403), with no sale stored.
    const r = await post(node.url, reader, sale('b-8'));
    expect(r.status).toBe(403);
    expect((await listAll(node.url, reader)).map((s) => s.orderId).sort()).toEqual(['o-1', 'o-2', 'o-3']);
  });

  it('refunds over REST, idempotently', async () => {
    const body = { refundId: 'r-1', amountMinor: 500, timeMs: Date.now(), reason: 'spilled broth' };
    const first = await post(node.url, till, body, '/api/v1/sales/o-1/refunds');
    expect(first.status).toBe(201);
    const receipt = await first.json();
    const again = await post(node.url, till, body, '/api/v1/sales/o-1/refunds');
    expect(await again.json()).toEqual(receipt);
    const over = await post(
      node.url,
      till,
      { ...body, refundId: 'r-2', amountMinor: 999_999 },
      '/api/v1/sales/o-1/refunds',
    );
    expect(over.status).toBe(400);
    expect(((await over.json()) as { code: string }).code).toBe('REFUND_EXCEEDS_SALE');
  });

  it('a loyalty card earns points once its sales are final and spends them at the till', async () => {
    const card = { card: '7700 5555 0001' };
    expect(
      (await post(node.url, till, sale('l-1', 'till-1', { loyaltyCard: '7700-5555-0001' }))).status,
    ).toBe(201);
    const balance = async () => {
      const r = await post(node.url, till, card, '/api/v1/loyalty/balance');
      expect(r.status).toBe(200);
      return (await r.json()) as { balance: string; pending: string; earnedOrders: number };
    };
    // 2996 cents at the dev store's tokenomics (1 token a cent, 5% royalty, 1% reward): 2,818 points (2996 − 149 − 29).
    await until('the card’s sale is final', 30_000, async () => (await balance()).balance === '2818');
    expect(await balance()).toEqual({ balance: '2818', pending: '0', earnedOrders: 1 });
    const redeem = { ...card, redemptionId: 'red-1', points: '818' };
    const r = await post(node.url, till, redeem, '/api/v1/loyalty/redeem');
    expect(r.status).toBe(201);
    expect(await r.json()).toEqual({ redemptionId: 'red-1', points: '818', balance: '2000' });
    const over = await post(
      node.url,
      till,
      { ...redeem, redemptionId: 'red-2', points: '2001' },
      '/api/v1/loyalty/redeem',
    );
    expect(over.status).toBe(400);
    expect(((await over.json()) as { code: string }).code).toBe('INSUFFICIENT_POINTS');
    expect((await balance()).balance).toBe('2000');
  });

  it('bin/hotpot royalty statement writes the month’s CSV: gross, owed at 5%, outstanding', async () => {
    const month = new Date().toISOString().slice(0, 7);
    const out = join(dir.path, 'statement.csv');
    const res = await runCli(
      ['royalty', 'statement', '--period', month, '--utc-offset', '+00:00', '--out', out, '--api', node.url],
      {
        env: { HOTPOT_API_KEY: reader },
      },
    );
    expect(res.code, res.stderr).toBe(0);
    const rows = readFileSync(out, 'utf8')
      .trim()
      .split('\r\n')
      .map((l) => l.split(','));
    expect(rows[0]).toEqual([
      'period',
      'from',
      'to',
      'currency',
      'orders',
      'gross_minor',
      'refunded_minor',
      'royalty_bps',
      'royalty_owed_minor',
      'paid_minor',
      'outstanding_minor',
    ]);
    const days = rows.slice(1);
    const gross = days.reduce((n, r) => n + Number(r[5]), 0);
    const orders = days.reduce((n, r) => n + Number(r[4]), 0);
    const listed = await listAll(node.url, reader);
    expect(orders).toBe(listed.length);
    expect(gross).toBe(
      (listed as unknown as Array<{ totalMinor: number }>).reduce((n, s) => n + s.totalMinor, 0),
    );
    for (const d of days) expect(Number(d[8])).toBe(Math.floor((Number(d[5]) * 500) / 10_000));
    const bad = await runCli(['royalty', 'statement', '--period', '2026-13', '--api', node.url], {
      env: { HOTPOT_API_KEY: reader },
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--period');
  });

  it('carries every acknowledged sale to the chain exactly once across SIGKILLs mid-rush', async () => {
    const rush = await rushWithKills({
      node,
      dataDir,
      env: ENV,
      key: till,
      tills: 4,
      kills: 3,
      gapMs: (k) => 700 + k * 400,
    });
    node = rush.node;
    const acknowledged = new Set(['o-1', 'o-2', 'o-3', 'l-1', ...rush.acknowledged]);
    expect(acknowledged.size).toBeGreaterThan(50);
    await drained(node.url, reader, 60_000);
    await node.stop();
    const disk = salesOnDisk(dataDir);
    for (const id of acknowledged) expect(disk.recorded.get(id), id).toBe(1);
    expect([...disk.recorded.values()].every((c) => c === 1)).toBe(true);
    expect(disk.failedSalesTxs).toBe(0);
    expect(disk.chains.length).toBeGreaterThanOrEqual(4);
    for (const c of disk.chains) expect(c.ok, JSON.stringify(c)).toBe(true);
    node = await startNode({ dataDir, env: ENV, timeoutMs: 30_000 });
  }, 180_000);
});
