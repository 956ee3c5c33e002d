// The Sales page and the dashboard in Chromium against a real headless node: sales posted over REST
// by a till key while the page is open show in today's figures and charts without a reload, the CSV
// export holds every sale of the range (more than one page), and the Russian page formats money.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, launchChromium, ownerPage, watchProblems } from '../helpers/browser';
import { type NodeProcess, signInAsOwner, startNode } from '../helpers/node-process';
import { tempDir } from '../helpers/tmp';

const missing = chromiumMissing();
if (missing) console.warn(`skipping e2e sales page tests: ${missing}`);

const NBSP = '\u00a0';
const MENU = [
  { itemId: 'broth-mala', name: 'Mala broth', unitPriceMinor: 1200 },
  { itemId: 'lamb', name: 'Sliced lamb', unitPriceMinor: 850 },
  { itemId: 'tofu', name: 'Tofu, "silken"', unitPriceMinor: 390 },
  { itemId: 'tea', name: 'Jasmine tea', unitPriceMinor: 250 },
] as const;
const METHODS = ['card', 'cash', 'mobile'] as const;

/** Sale `i` of a run: a broth and one or two more items, paid by turns. */
function sale(run: string, i: number, timeMs = Date.now()) {
  const extra = MENU[1 + (i % 3)]!;
  return {
    orderId: `${run}-${i}`,
    terminalId: `till-${1 + (i % 2)}`,
    timeMs,
    currency: 'USD',
    paymentMethod: METHODS[i % 3]!,
    lines: [
      { ...MENU[0], quantity: 1 },
      { ...extra, quantity: 1 + (i % 2) },
    ],
    ...(i % 4 === 0 ? { loyaltyCard: `card-${i}` } : {}),
  };
}

async function makeKey(url: string, cookie: string, scopes: string[]): Promise<string> {
  const r = await fetch(new URL('/rpc/keys.create', url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Cookie: cookie },
    body: JSON.stringify({ name: `e2e ${scopes.join(' ')}`, scopes }),
  });
  const body = (await r.json()) as { ok: boolean; value: { secret: string } };
  if (!body.ok) throw new Error(`keys.create failed: ${JSON.stringify(body)}`);
  return body.value.secret;
}

/** Posts sales as a till; resolves with their receipts' total, minor units. */
async function post(url: string, key: string, sales: unknown[]): Promise<number> {
  let total = 0;
  for (let i = 0; i < sales.length; i += 500) {
    const r = await fetch(new URL('/api/v1/sales', url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
      body: JSON.stringify({ sales: sales.slice(i, i + 500) }),
    });
    expect(r.status).toBe(201);
    for (const s of ((await r.json()) as { sales: Array<{ totalMinor: number }> }).sales)
      total += s.totalMinor;
  }
  return total;
}

/** Polls for up to 10 s: the first page load after a node starts can take a few seconds on this machine. */
const poll = <T>(fn: () => Promise<T>) => expect.poll(fn, { timeout: 10_000 });

const usd = (minor: number) =>
  `$${(minor / 100).toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

describe.skipIf(missing)('Sales page and dashboard in Chromium', () => {
  const dir = tempDir();
  let node: NodeProcess;
  let browser: Browser;
  let till = '';

  beforeAll(async () => {
    node = await startNode({ dataDir: join(dir.path, 'data'), env: { HOTPOT_SALES_BATCH_EVERY_MS: '300' } });
    till = await makeKey(node.url, await signInAsOwner(node.url), ['pos:write']);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await node?.stop();
    dir.cleanup();
  });

  it('shows sales as they arrive, against last week, in charts, a table and a complete CSV', async () => {
    // Moscow time: the page's days, hours and CSV times are the viewer's, not the machine's.
    const page = await ownerPage(browser, node.url, { timezoneId: 'Europe/Moscow', locale: 'en-GB' });
    const problems = await watchProblems(page);
    // Last week, same weekday: 3 sales earlier in the day than now, so they count against "so far today".
    const lastWeek = Date.now() - 7 * 86_400_000 - 60_000;
    const before = await post(
      node.url,
      till,
      [0, 1, 2].map((i) => sale('lw', i, lastWeek)),
    );
    await page.goto(`${node.url}#/sales`);
    await page.evaluate('window.hotpotMarker = 42');
    await poll(() => page.getByTestId('sales-revenue-value').textContent()).toBe('$0.00');
    expect(await page.getByTestId('sales-revenue-change').textContent()).toBe('▼ -100%');

    // Sales arrive while the page is open: the figures follow without a reload.
    let today = await post(
      node.url,
      till,
      [0, 1, 2, 3].map((i) => sale('a', i)),
    );
    await poll(() => page.getByTestId('sales-revenue-value').textContent()).toBe(usd(today));
    await poll(() => page.getByTestId('sales-orders-value').textContent()).toBe('4');
    const change = Math.round(((today - before) / before) * 1000) / 10;
    expect(await page.getByTestId('sales-revenue-change').textContent()).toBe(
      `${change > 0 ? '▲ +' : '▼ '}${change}%`.replace('.0%', '%'),
    );
    today += await post(
      node.url,
      till,
      Array.from({ length: 600 }, (_, i) => sale('b', i)),
    );
    await poll(() => page.getByTestId('sales-revenue-value').textContent()).toBe(usd(today));
    await poll(() => page.getByTestId('sales-orders-value').textContent()).toBe('604');
    // Still the same document: the figures changed without a reload.
    expect(await page.evaluate('window.hotpotMarker')).toBe(42);

    // The charts drew bars for what was sold.
    for (const chart of ['chart-hour', 'chart-day', 'chart-items', 'chart-payments'])
      await poll(() =>
        page.locator(`[data-testid="${chart}"] .recharts-bar-rectangle`).count(),
      ).toBeGreaterThan(0);
    const items = await page.getByTestId('chart-items').textContent();
    for (const m of MENU) expect(items).toContain(m.name);
    expect(await page.getByTestId('chart-payments').textContent()).toContain('Card');
    expect(await page.getByTestId('sales-loyalty').textContent()).toContain(String(1 + 150));

    await page.screenshot({ path: join(dir.path, '..', 'hotpot-sales-page.png'), fullPage: true });
    // The table pages back through the range.
    await poll(() => page.getByTestId('sales-row').count()).toBe(25);
    await page.getByTestId('sales-older').click();
    await poll(() => page.locator('text=Page 2').count()).toBe(1);
    await poll(() => page.getByTestId('sales-row').first().textContent()).toContain('b-574');

    // The CSV holds every sale of the range (two pages of sales.list), amounts in major units.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('sales-csv').click(),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8');
    const rows = csv.split('\r\n');
    expect(rows.at(-1)).toBe('');
    expect(rows[0]).toBe(
      'order_id,terminal_id,time,payment_method,currency,total,refunded,net,loyalty,items,chain_state,tx_hash,block_height,terminal_seq,record_hash',
    );
    expect(rows.length - 2).toBe(604);
    const a1 = rows.find((r) => r.startsWith('a-1,'))!;
    expect(a1).toMatch(
      /^a-1,till-2,\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+03:00,cash,USD,19\.80,0\.00,19\.80,no,"1 x Mala broth; 2 x Tofu, ""silken""",/,
    );
    expect(download.suggestedFilename()).toMatch(/^sales-\d{4}-\d\d-\d\d--\d{4}-\d\d-\d\d\.csv$/);

    // The dashboard shows the same day, and says what to do about the node having no peers.
    await page.getByTestId('nav-dashboard').click();
    await poll(() => page.getByTestId('dash-revenue-value').textContent()).toBe(usd(today));
    expect(await page.getByTestId('dash-orders-value').textContent()).toBe('604');
    expect(await page.getByTestId('alert-no-peers').textContent()).toContain('Check the network cable');
    expect(await page.getByTestId('dash-cameras').textContent()).toContain('add them on the Video page');
    expect(await page.getByTestId('dash-wallet').textContent()).toContain('create one on the Tokens page');
    await page.screenshot({ path: join(dir.path, '..', 'hotpot-dashboard-sales.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('formats money and dates in Russian and keeps updating', async () => {
    const page = await ownerPage(browser, node.url, { timezoneId: 'Europe/Moscow' });
    const problems = await watchProblems(page);
    await page.goto(`${node.url}#/settings`);
    await page.getByTestId('lang-select').selectOption('ru');
    await page.getByTestId('nav-sales').click();
    await poll(() => page.locator('h2').first().textContent()).toBe('Продажи');
    // The dev store sells in US dollars: Russian groups digits with a no-break space, a decimal comma, the sign after.
    const money = new RegExp(`^\\d{1,3}(${NBSP}\\d{3})*,\\d{2}${NBSP}\\$$`);
    await poll(() => page.getByTestId('sales-revenue-value').textContent()).toMatch(money);
    const orders = Number((await page.getByTestId('sales-orders-value').textContent())!.replaceAll(NBSP, ''));
    expect(orders).toBe(604);
    await post(
      node.url,
      till,
      Array.from({ length: 1000 }, (_, i) => sale('c', i)),
    );
    await poll(() => page.getByTestId('sales-orders-value').textContent()).toBe(`1${NBSP}604`);
    expect(await page.getByTestId('sales-revenue-change').textContent()).toMatch(/^▲ \+[\d\u00a0,]+\u00a0%$/);
    expect(await page.getByTestId('chart-payments').textContent()).toContain('Карта');
    await page.getByTestId('nav-dashboard').click();
    await poll(() => page.getByTestId('alert-no-peers').textContent()).toContain('Нет соседей');
    await page.screenshot({ path: join(dir.path, '..', 'hotpot-sales-ru.png'), fullPage: true });
    expect(problems).toEqual([]);
  });
});
