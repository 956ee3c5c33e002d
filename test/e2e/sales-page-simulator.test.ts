// The Sales page in Chromium, in Russian, while the real POS simulator (`pos simulate`, a child
// process) posts to a real headless node whose dev store HQ switched to roubles (issue #16 must-show):
// today's figures and charts show and grow without a reload, money is roubles as Russian writes them,
// and the simulator's summary says every sale was acknowledged, matching the page's final figures.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulationSummary } from '../../main/cli/pos-stats';
import { chromiumMissing, launchChromium, ownerPage, watchProblems } from '../helpers/browser';
import {
  cliPath,
  LOOPBACK_ONLY_ENV,
  type NodeProcess,
  OWNER,
  runCli,
  startNode,
} from '../helpers/node-process';
import { tempDir } from '../helpers/tmp';
import { restCall } from '../helpers/rest-calls';

const missing = chromiumMissing();
if (missing) console.warn(`skipping e2e sales page simulator test: ${missing}`);

const NBSP = '\u00a0';
const ADMIN = { username: 'hq-admin', password: 'hq-admin-password-1' };
/** Roubles as Russian writes them: digits grouped by a no-break space, a decimal comma, the sign after. */
const RUB_TEXT = new RegExp(`^\\d{1,3}(${NBSP}\\d{3})*,\\d{2}${NBSP}₽$`);

/** `123456789` kopecks → `1 234 567,89 ₽` (no-break spaces), written out by hand rather than through `Intl`. */
function rub(minor: number): string {
  const whole = String(Math.floor(minor / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, NBSP);
  return `${whole},${String(minor % 100).padStart(2, '0')}${NBSP}₽`;
}

/** The figure's text as a number: `12 345,67 ₽` → 12345.67, `1 604` → 1604. */
function amountOf(text: string | null): number {
  return Number((text ?? '').replaceAll(NBSP, '').replace('₽', '').replace(',', '.'));
}

/** Polls for up to 20 s: the simulator posts in its own rhythm on this 2-core machine. */
const poll = <T>(fn: () => Promise<T>) => expect.poll(fn, { timeout: 20_000, interval: 250 });

/** `pos simulate` as a child process, its output collected, stoppable as Ctrl-C stops it. */
function startSimulator(args: string[]): { proc: ChildProcess; out: () => string; err: () => string } {
  const env: NodeJS.ProcessEnv = { ...process.env, ...LOOPBACK_ONLY_ENV };
  delete env['HOTPOT_API_KEY'];
  const proc = spawn(process.execPath, [cliPath(), 'pos', 'simulate', ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return { proc, out: () => out, err: () => err };
}

function exited(proc: ChildProcess): Promise<number | null> {
  return proc.exitCode !== null
    ? Promise.resolve(proc.exitCode)
    : new Promise((resolve) => proc.once('exit', (code) => resolve(code)));
}

describe.skipIf(missing)('Sales page in Russian with the POS simulator running', () => {
  const dir = tempDir('hotpot-sales-sim-');
  const dataDir = join(dir.path, 'data');
  let node: NodeProcess;
  let browser: Browser;
  let simulator: ReturnType<typeof startSimulator> | undefined;

  const rest = (method: string, path: string, bearer: string, body?: unknown) =>
    restCall(node.url, method, path, bearer, body);

  beforeAll(async () => {
    // The owner (who views the page) and HQ's admin (who sets the store's currency), made before the first start.
    for (const [person, role] of [
      [OWNER, 'owner'],
      [ADMIN, 'hq-admin'],
    ] as const) {
      const r = await runCli(
        ['users', 'add', '--data-dir', dataDir, '--username', person.username, '--role', role],
        { env: { HOTPOT_USER_PASSWORD: person.password } },
      );
      expect(r.code, r.stderr).toBe(0);
    }
    node = await startNode({ dataDir, env: { HOTPOT_SALES_BATCH_EVERY_MS: '300' }, timeoutMs: 60_000 });
    const signIn = await fetch(new URL('/api/v1/auth/token', node.url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    expect(signIn.status).toBe(200);
    const admin = ((await signIn.json()) as { access_token: string }).access_token;
    // The dev store is registered (in US dollars) the first time the node needs it: asking for today's figures does.
    const day = await rest(
      'GET',
      `/api/v1/sales/summary?from=${Date.now() - 3_600_000}&to=${Date.now()}`,
      admin,
    );
    expect(day.status, JSON.stringify(day.body)).toBe(200);
    expect(day.body['currency']).toBe('USD');
    // HQ's admin switches it to roubles (a franchise-update transaction, answered once committed).
    const rub = await rest('PATCH', '/api/v1/franchises/dev-store', admin, {
      tokenomics: { currency: 'RUB' },
    });
    expect(rub.status, JSON.stringify(rub.body)).toBe(200);
    expect(rub.body['franchise']).toMatchObject({
      id: 'dev-store',
      status: 'active',
      tokenomics: { currency: 'RUB' },
    });
    browser = await launchChromium();
  }, 90_000);
  afterAll(async () => {
    if (simulator && simulator.proc.exitCode === null) {
      simulator.proc.kill('SIGKILL');
      await exited(simulator.proc);
    }
    await browser?.close();
    await node?.stop();
    dir.cleanup();
  });

  it('shows today’s roubles and orders growing live, draws the charts, and every sale is acknowledged', async () => {
    // A Russian browser in Moscow: the page speaks Russian without touching the settings.
    const page: Page = await ownerPage(browser, node.url, { locale: 'ru-RU', timezoneId: 'Europe/Moscow' });
    const problems = await watchProblems(page);
    await page.goto(`${node.url}#/sales`);
    await poll(() => page.locator('h2').first().textContent()).toBe('Продажи');
    await poll(() => page.getByTestId('sales-revenue-value').textContent()).toBe(`0,00${NBSP}₽`);
    expect(await page.getByTestId('sales-page').textContent()).toContain('Валюта: RUB');
    await page.evaluate('window.hotpotMarker = 42');

    simulator = startSimulator([
      '--terminals',
      '3',
      '--rate',
      '5',
      '--duration',
      '60s',
      '--currency',
      'RUB',
      '--api',
      node.url,
      '--data-dir',
      dataDir,
      '--json',
    ]);
    const revenue = () => page.getByTestId('sales-revenue-value').textContent();
    const orders = async () => amountOf(await page.getByTestId('sales-orders-value').textContent());

    // Today's figures show the simulator's first sales, in roubles grouped the Russian way…
    await poll(orders).toBeGreaterThan(0);
    await poll(revenue).toMatch(new RegExp(`^\\d{1,3}(${NBSP}\\d{3})+,\\d{2}${NBSP}₽$`));
    const first = { orders: await orders(), revenue: amountOf(await revenue()) };
    expect(first.revenue).toBeGreaterThan(0);
    // …and grow while it posts, without a reload.
    await poll(orders).toBeGreaterThanOrEqual(first.orders + 10);
    await poll(async () => amountOf(await revenue())).toBeGreaterThan(first.revenue);
    expect(await page.evaluate('window.hotpotMarker')).toBe(42);
    for (const id of ['sales-revenue-value', 'sales-average-value'])
      expect(await page.getByTestId(id).textContent(), id).toMatch(RUB_TEXT);
    expect(await page.getByTestId('sales-royalty').textContent()).toContain('₽');

    // The charts drew bars, their money axes in roubles, the payment methods in Russian.
    for (const chart of ['chart-hour', 'chart-day', 'chart-items', 'chart-payments'])
      await poll(() =>
        page.locator(`[data-testid="${chart}"] .recharts-bar-rectangle`).count(),
      ).toBeGreaterThan(0);
    for (const chart of ['chart-hour', 'chart-items'])
      expect(await page.getByTestId(chart).textContent(), chart).toContain('₽');
    expect(await page.getByTestId('sales-page').textContent()).not.toContain('$');
    await poll(() => page.getByTestId('chart-payments').textContent()).toMatch(/Карта|Наличные/);
    await page.screenshot({ path: join(dir.path, '..', 'hotpot-sales-simulator-ru.png'), fullPage: true });

    // Ctrl-C: the simulator stops taking orders, drains, and says every sale was acknowledged.
    simulator.proc.kill('SIGINT');
    const code = await exited(simulator.proc);
    expect(code, simulator.err()).toBe(0);
    const summary = JSON.parse(simulator.out()) as SimulationSummary;
    expect(summary).toMatchObject({
      ok: true,
      currency: 'RUB',
      terminals: 3,
      fatal: null,
      problems: [],
      unsent_ids: [],
    });
    expect(summary.sales.generated).toBeGreaterThan(first.orders);
    expect(summary.sales).toMatchObject({ accepted: summary.sales.generated, rejected: 0, unsent: 0 });
    expect(summary.refunds).toMatchObject({ accepted: summary.refunds.queued, rejected: 0, unsent: 0 });
    expect(simulator.err()).toMatch(/made API key \S+ \(pos:write\)/);

    // The page ends on exactly what the simulator says was acknowledged.
    await poll(orders).toBe(summary.sales.accepted);
    await poll(revenue).toBe(rub(summary.revenue_minor));
    expect(await page.evaluate('window.hotpotMarker')).toBe(42);
    expect(problems).toEqual([]);
  });
});
