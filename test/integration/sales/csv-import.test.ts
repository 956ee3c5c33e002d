// CSV imports of POS exports into a real headless node (dev chain; its store sells in USD), over REST
// with a pos:write key and through bin/hotpot sales import: a preview stores nothing, a commit
// stores, the same file again stores nothing new, and a conflicting order is refused with nothing stored.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NodeProcess, runCli, signInAsOwner, startNode } from '../../helpers/node-process';
import { tempDir } from '../../helpers/tmp';

const HEADER =
  'order_id,terminal_id,time,payment_method,currency,item_id,item_name,quantity,unit_price,tax,discount,loyalty_card';
const GOOD = [
  HEADER,
  'imp-1,till-1,2026-03-14 19:05,card,USD,broth-mala,Mala broth,1,12.90,1.03,,LC-7',
  'imp-1,till-1,2026-03-14 19:05,card,USD,lamb,"Lamb, sliced",2,"8,50",0.68,1.00,LC-7',
  'imp-2,till-2,2026-03-14T19:20:00+03:00,Cash,USD,tea,Jasmine tea,2,3.50,,,',
].join('\r\n');
const BAD = `${GOOD}\r\nimp-3,till-1,2026-02-30 10:00,card,USD,tea,Tea,-1,1.005,,,\r\n`;

async function makeKey(url: string, cookie: string, scopes: string[]): Promise<string> {
  const r = await fetch(new URL('/rpc/keys.create', url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Cookie: cookie },
    body: JSON.stringify({ name: `importer ${scopes.join(' ')}`, scopes }),
  });
  const body = (await r.json()) as { ok: boolean; value: { secret: string } };
  if (!body.ok) throw new Error(`keys.create failed: ${JSON.stringify(body)}`);
  return body.value.secret;
}

describe('CSV imports on a real node', () => {
  const dir = tempDir();
  let node: NodeProcess;
  let key = '';
  let reader = '';

  const post = (path: string, body: unknown, bearer = key) =>
    fetch(new URL(path, node.url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${bearer}` },
      body: JSON.stringify(body),
    });
  const stored = async () => {
    const r = await fetch(new URL('/api/v1/sales?limit=500', node.url), {
      headers: { Authorization: `Bearer ${reader}` },
    });
    const items = ((await r.json()) as { items: Array<{ orderId: string; totalMinor: number }> }).items;
    return Object.fromEntries(items.map((s) => [s.orderId, s.totalMinor]));
  };

  beforeAll(async () => {
    node = await startNode({ dataDir: join(dir.path, 'data') });
    const cookie = await signInAsOwner(node.url);
    key = await makeKey(node.url, cookie, ['pos:write']);
    reader = await makeKey(node.url, cookie, ['read']);
  }, 40_000);
  afterAll(async () => {
    await node?.stop();
    dir.cleanup();
  });

  it('previews row errors and stores nothing; refuses the bad file; commits the good one once', async () => {
    const preview = await post('/api/v1/sales/imports/preview', { csv: BAD, utcOffsetMinutes: 180 });
    expect(preview.status).toBe(200);
    const p = (await preview.json()) as {
      counts: Record<string, number | string>;
      errors: Array<{ row: number; column: string }>;
    };
    expect(p.counts).toMatchObject({ rows: 4, orders: 3, new: 2, invalid: 1, currency: 'USD' });
    expect(p.errors.map((e) => [e.row, e.column])).toEqual([
      [5, 'time'],
      [5, 'quantity'],
      [5, 'unit_price'],
    ]);
    expect(await stored()).toEqual({});
    // Any bad row stores nothing.
    const refused = await post('/api/v1/sales/imports', { csv: BAD, utcOffsetMinutes: 180 });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(((await refused.json()) as { code: string }).code).toBe('IMPORT_HAS_ERRORS');
    expect(await stored()).toEqual({});
    // A read key may not import.
    expect((await post('/api/v1/sales/imports', { csv: GOOD }, reader)).status).toBe(403);

    const first = await post('/api/v1/sales/imports', { csv: GOOD, utcOffsetMinutes: 180 });
    expect(first.status).toBe(201);
    expect(await first.json()).toMatchObject({ stored: 2, alreadyStored: 0, skipped: [] });
    const totals = { 'imp-1': 1290 + 103 + 2 * 850 + 68 - 100, 'imp-2': 700 };
    expect(await stored()).toEqual(totals);
    // The same file again stores nothing new, and says so.
    const again = await post('/api/v1/sales/imports', { csv: GOOD, utcOffsetMinutes: 180 });
    expect(again.status).toBe(201);
    expect(await again.json()).toMatchObject({ stored: 0, alreadyStored: 2, receipts: [] });
    expect(await stored()).toEqual(totals);
  });

  it('refuses a file whose order conflicts with a stored one, naming it, with nothing stored', async () => {
    const csv = [
      HEADER,
      'imp-9,till-1,2026-03-15 12:00,card,USD,tea,Tea,1,3.50,,,',
      'imp-2,till-2,2026-03-14 16:20,cash,USD,tea,Jasmine tea,3,3.50,,,',
    ].join('\n');
    const preview = (await (await post('/api/v1/sales/imports/preview', { csv })).json()) as {
      counts: Record<string, number>;
      orders: Array<{ orderId: string; status: string }>;
    };
    expect(preview.counts).toMatchObject({ new: 1, conflicts: 1 });
    expect(preview.orders.map((o) => [o.orderId, o.status])).toEqual([
      ['imp-9', 'new'],
      ['imp-2', 'conflict'],
    ]);
    const r = await post('/api/v1/sales/imports', { csv });
    expect(r.status).toBe(409);
    const problem = (await r.json()) as { code: string; detail: string };
    expect(problem.code).toBe('ORDER_CONFLICT');
    expect(problem.detail).toMatch(/order imp-2 was already recorded with other content; nothing was stored/);
    expect(Object.keys(await stored()).sort()).toEqual(['imp-1', 'imp-2']);
  });

  it('refuses a body over the gateway’s limit with a typed 413 that says to split the file', async () => {
    const big = `${HEADER}\n${'x'.repeat(1_100_000)}`;
    const r = await post('/api/v1/sales/imports/preview', { csv: big });
    expect(r.status).toBe(413);
    const problem = (await r.json()) as { code: string; detail: string };
    expect(problem.code).toBe('TOO_LARGE');
    expect(problem.detail).toMatch(/split it/);
  });

  it('bin/hotpot sales import previews, commits, and exits 2 on unknown flags', async () => {
    const env = { HOTPOT_API_KEY: key };
    const file = join(dir.path, 'march.csv');
    const mapping = join(dir.path, 'mapping.json');
    writeFileSync(
      file,
      [
        'Receipt number;Closed at;Register;Item;SKU;Qty;Price;Payment type',
        'cli-1;14.03.2026 20:00;till-3;Beef tripe;tripe;1;9,00;Visa',
        'cli-1;14.03.2026 20:00;till-3;Tofu;;2;2,50;Visa',
        'cli-2;14.03.2026 20:10;till-3;Tea;tea;1;zero;Cash',
      ].join('\n'),
    );
    writeFileSync(
      mapping,
      JSON.stringify({ columns: { terminalId: 'Register' }, paymentMethods: { Visa: 'card' } }),
    );
    const api = ['--api', node.url];
    const preview = await runCli(
      ['sales', 'import', file, '--preview', '--mapping', mapping, '--tz', '+03:00', ...api],
      { env },
    );
    expect(preview.code, preview.stderr).toBe(1);
    expect(preview.stdout).toMatch(
      /3 rows, 2 orders: 1 new \(14\.00 USD\), 0 already stored, 0 conflicting, 1 with errors/,
    );
    expect(preview.stdout).toMatch(/row 4, Price \(order cli-2\): "zero" is not a number/);
    const refused = await runCli(['sales', 'import', file, '--tz', '+03:00', ...api], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/nothing was stored.*\[IMPORT_HAS_ERRORS\]/);
    const done = await runCli(['sales', 'import', file, '--skip-bad', '--tz', '+03:00', ...api], { env });
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toMatch(
      /stored 1 new orders \(cli-1\); 0 were already stored; skipped 1 \(cli-2: invalid\)/,
    );
    expect((await stored())['cli-1']).toBe(900 + 500);
    const unknown = await runCli(['sales', 'import', file, '--dry-run', ...api], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option '--dry-run'.*known flags/);
    const help = await runCli(['sales', 'import', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--skip-bad/);
  }, 60_000);
});
