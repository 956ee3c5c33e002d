// The Franchises page in Chromium against a real headless development node: the dev store the node
// registers for itself (as HQ of its own dev chain, when it first anchors its audit log) is listed
// with its status, place, currency and royalty, in English and in Russian.
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, launchChromium, ownerPage } from '../helpers/browser';
import { type NodeProcess, startNode } from '../helpers/node-process';
import { tempDir } from '../helpers/tmp';

const missing = chromiumMissing();
if (missing) console.warn(`skipping e2e franchises tests: ${missing}`);

describe.skipIf(missing)('the Franchises page in Chromium through the headless host', () => {
  const dir = tempDir();
  let node: NodeProcess;
  let browser: Browser;

  beforeAll(async () => {
    // Anchor the audit log every second: the first anchor registers the dev store on the dev chain.
    node = await startNode({
      dataDir: join(dir.path, 'data'),
      env: { HOTPOT_AUDIT_ANCHOR_EVERY_MS: '1000' },
    });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await node?.stop();
    dir.cleanup();
  });

  it('lists the dev store with its status, place, currency and sales, in English and Russian', async () => {
    const page = await ownerPage(browser, node.url);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${node.url}#/franchises`);
    await expect.poll(() => page.getByTestId('franchises-page').isVisible(), { timeout: 10_000 }).toBe(true);
    // The owner reads the registry but may not change it: no form.
    expect(await page.getByTestId('franchise-form').count()).toBe(0);
    const row = page.getByTestId('franchise-dev-store');
    // The list refreshes on each block, so the store shows once its registration is committed.
    await expect.poll(() => row.isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await page.getByTestId('franchise-dev-store-status').textContent()).toBe('active');
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('Development / dev');
    expect(text).toContain('USD');
    expect(text).toContain('5%');
    expect(await page.getByTestId('franchise-dev-store-sales').textContent()).toMatch(/\$0\.00/);
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('lang-select').selectOption('ru');
    await page.getByTestId('nav-franchises').click();
    await expect
      .poll(() => page.getByTestId('franchise-dev-store-status').textContent(), { timeout: 10_000 })
      .toBe('работает');
    expect(await page.getByTestId('nav-franchises').textContent()).toContain('Франшизы');
    expect(await page.getByTestId('franchise-dev-store-sales').textContent()).toMatch(/0,00\s\$/);
    expect(errors).toEqual([]);
  });
});
