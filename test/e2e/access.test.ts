// Signing in, in Chromium against a real headless node: the first start makes the owner, the owner
// adds a cashier, the cashier sees only their pages and the node refuses the rest over HTTP too;
// afterwards no log line holds a password or a session token.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, launchChromium } from '../helpers/browser';
import { type NodeProcess, startNode } from '../helpers/node-process';
import { tempDir } from '../helpers/tmp';

const missing = chromiumMissing();
if (missing) console.warn(`skipping e2e access tests: ${missing}`);

const OWNER_PW = 'owner-first-start-pw';
const CASHIER_PW = 'cashier-till-pw-1';

describe.skipIf(missing)('people and roles in Chromium through the gateway', () => {
  const dir = tempDir();
  const dataDir = join(dir.path, 'data');
  let node: NodeProcess;
  let browser: Browser;
  const cookies: string[] = [];
  /** Other secrets used in the run: an API key and a bearer token. */
  const secrets: string[] = [];

  beforeAll(async () => {
    node = await startNode({ dataDir });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await node?.stop();
    dir.cleanup();
  });

  const nav = async (page: Page) =>
    (
      await Promise.all(
        (await page.locator('[data-testid^="nav-"]').all()).map((l) => l.getAttribute('data-testid')),
      )
    )
      .map((id) => String(id).slice(4))
      .sort();
  const sessionOf = async (page: Page) => {
    const c = (await page.context().cookies()).find((x) => x.name === 'hotpot_session');
    expect(c?.httpOnly).toBe(true);
    expect(c?.sameSite).toBe('Strict');
    cookies.push(c!.value);
    return `hotpot_session=${c!.value}`;
  };
  const rpc = async (method: string, input: unknown, cookie = '') => {
    const r = await fetch(new URL(`/rpc/${method}`, node.url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(cookie ? { Cookie: cookie } : {}) },
      body: JSON.stringify(input),
    });
    return { status: r.status, body: (await r.json()) as { ok: boolean; error?: { code: string } } };
  };

  it('the first start makes the owner; the owner adds a cashier on the People page', async () => {
    const page = await browser.newPage();
    await page.goto(node.url);
    await page.getByTestId('setup-page').waitFor();
    await page.getByTestId('sign-in-username').fill('olga');
    await page.getByTestId('sign-in-password').fill(OWNER_PW);
    await page.getByTestId('sign-in-password2').fill(OWNER_PW);
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('nav-users').waitFor();
    expect(await nav(page)).toEqual([
      'audit',
      'dashboard',
      'franchises',
      'network',
      'sales',
      'settings',
      'tokens',
      'users',
      'video',
    ]);
    await sessionOf(page);
    await page.getByTestId('nav-users').click();
    await page.getByTestId('add-user-username').fill('carol');
    await page.getByTestId('add-user-password').fill(CASHIER_PW);
    await page.getByTestId('add-user-submit').click();
    await page.getByTestId('user-carol').waitFor();
    expect(await page.getByTestId('user-carol').textContent()).toContain('cashier');
    await page.getByTestId('sign-out').click();
    await page.getByTestId('sign-in-page').waitFor();
    // Signed out for real: the old session no longer calls anything.
    expect((await rpc('users.list', {}, `hotpot_session=${cookies[0]}`)).status).toBe(401);
  });

  it('a wrong password is refused with a message; the cashier sees only their pages', async () => {
    const page = await browser.newPage();
    await page.goto(node.url);
    await page.getByTestId('sign-in-username').fill('carol');
    await page.getByTestId('sign-in-password').fill('not-her-password');
    await page.getByTestId('sign-in-submit').click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('user name or password is wrong');
    await page.getByTestId('sign-in-password').fill(CASHIER_PW);
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('me').waitFor();
    // The Sales page reads the books (sales.summary is for readers), which a cashier may not.
    expect(await nav(page)).toEqual(['dashboard']);
    const cookie = await sessionOf(page);
    // The node refuses the rest whatever the page shows.
    for (const m of ['wallet.status', 'wallet.send', 'video.cameras', 'network.addPeer', 'users.list'])
      expect((await rpc(m, {}, cookie)).status, m).toBe(403);
    expect((await rpc('node.status', {}, cookie)).status).toBe(200);
    // And without any session: 401, for calls and REST alike.
    expect((await rpc('wallet.status', {})).status).toBe(401);
    expect((await fetch(new URL('/api/v1/blocks/1', node.url))).status).toBe(401);
  });

  it('the owner makes an API key (shown once), reads every privileged act on the Audit page and exports CSV', async () => {
    const page = await browser.newPage();
    await page.goto(node.url);
    await page.getByTestId('sign-in-username').fill('olga');
    await page.getByTestId('sign-in-password').fill(OWNER_PW);
    await page.getByTestId('sign-in-submit').click();
    // An API key for a till: shown once, then only its name and scopes.
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('key-name').fill('till 1');
    await page.getByTestId('key-create').click();
    const shown = (await page.getByTestId('key-secret').textContent()) ?? '';
    const apiKey = /hps_\S+/.exec(shown)?.[0] ?? '';
    expect(apiKey).toMatch(/^hps_[0-9a-f-]{36}_[A-Za-z0-9_-]{43}$/);
    secrets.push(apiKey);
    const exchanged = await fetch(new URL('/api/v1/auth/token', node.url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ apiKey }),
    });
    expect(exchanged.status).toBe(200);
    const bearer = ((await exchanged.json()) as { access_token: string }).access_token;
    secrets.push(bearer);
    await page.reload();
    await page.getByTestId('nav-settings').click();
    await expect.poll(() => page.getByTestId('key-list').textContent()).toContain('till 1');
    expect(await page.getByTestId('key-secret').count()).toBe(0);
    expect(await page.content()).not.toContain(apiKey);
    await page.getByTestId('nav-audit').click();
    await expect.poll(() => page.getByTestId('audit-verdict').textContent()).toContain('Intact');
    const rows = await page.getByTestId('audit-entries').locator('tbody tr').allTextContents();
    const has = (...parts: string[]) => rows.some((r) => parts.every((p) => r.includes(p)));
    expect(has('olga', 'auth.setupOwner', 'done')).toBe(true);
    expect(has('olga', 'users.add', 'carol', 'done')).toBe(true);
    expect(has('carol', 'auth.signIn', 'BAD_CREDENTIALS')).toBe(true);
    expect(has('carol', 'wallet.send', 'FORBIDDEN')).toBe(true);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('audit-csv').click(),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toBe(
      'seq,atMs,actor,action,resource,ip,userAgent,success,details,prevHash,hash',
    );
    expect(csv).toContain('"users.add","carol"');
    expect(csv).not.toContain(CASHIER_PW);
    cookies.push((await page.context().cookies()).find((x) => x.name === 'hotpot_session')!.value);
  });

  it('the API docs page renders the OpenAPI document under the CSP, with every REST route', async () => {
    const page = await browser.newPage();
    const refused: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text());
    });
    await page.goto(new URL('/api/v1/docs', node.url).href);
    // Swagger UI fetches and renders the whole document: more than expect.poll's 1 s default here.
    await expect
      .poll(() => page.locator('.swagger-ui .info .title').textContent(), { timeout: 10_000 })
      .toContain('Hot Pot Spot Node');
    const paths = await page.locator('.opblock-summary-path').allTextContents();
    for (const p of [
      '/api/v1/status',
      '/api/v1/blocks/{height}',
      '/api/v1/auth/token',
      '/api/v1/franchises/{id}',
      '/metrics',
    ])
      expect(paths.map((x) => x.replace(/\u200b/g, ''))).toContain(p);
    expect(refused).toEqual([]);
    await page.close();
  });

  it('no log line holds a password or a session token', async () => {
    await node.stop();
    const logs = readdirSync(join(dataDir, 'logs')).map((f) =>
      readFileSync(join(dataDir, 'logs', f), 'utf8'),
    );
    const text = logs.join('\n');
    expect(text.length).toBeGreaterThan(0);
    expect(cookies.length).toBe(3);
    expect(secrets.length).toBe(2);
    for (const secret of [OWNER_PW, CASHIER_PW, 'not-her-password', ...cookies, ...secrets])
      expect(text.includes(secret), `a log holds ${secret.slice(0, 4)}…`).toBe(false);
  });
});
