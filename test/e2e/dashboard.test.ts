import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, launchChromium, ownerPage } from '../helpers/browser';
import { type NodeProcess, startNode } from '../helpers/node-process';
import { tempDir } from '../helpers/tmp';

const missing = chromiumMissing();
if (missing) console.warn(`skipping e2e dashboard tests: ${missing}`);

describe.skipIf(missing)('dashboard in Chromium through the headless host', () => {
  const dir = tempDir();
  let node: NodeProcess;
  let browser: Browser;

  beforeAll(async () => {
    node = await startNode({ dataDir: join(dir.path, 'data') });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await node?.stop();
    dir.cleanup();
  });

  it('shows the live status and updates it from pushed events', async () => {
    const page = await ownerPage(browser, node.url);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(node.url);
    await expect.poll(() => page.getByTestId('connection').textContent(), { timeout: 10_000 }).toBe('live');
    const chainId = await page.getByTestId('chain-id').textContent();
    const status = (await (await fetch(new URL('/api/v1/status', node.url))).json()) as { chainId: string };
    expect(chainId).toBe(status.chainId);
    // The page never polls: a later value can only come from the pushed node.status event.
    const first = await page.getByTestId('uptime').textContent();
    const heightBefore = await page.getByTestId('height').textContent();
    await expect.poll(() => page.getByTestId('uptime').textContent(), { timeout: 10_000 }).not.toBe(first);
    const heightAfter = await page.getByTestId('height').textContent();
    const apiHeight = (
      (await (await fetch(new URL('/api/v1/status', node.url))).json()) as { height: number }
    ).height;
    expect(Number((heightAfter ?? '0').replace(/\D/g, ''))).toBeGreaterThanOrEqual(
      Number((heightBefore ?? '0').replace(/\D/g, '')),
    );
    expect(Number((heightAfter ?? '0').replace(/\D/g, ''))).toBeLessThanOrEqual(apiHeight);
    await page.screenshot({ path: join(dir.path, '..', 'hotpot-dashboard.png') });
    expect(errors).toEqual([]);
  });

  it('navigates every page and switches to Russian', async () => {
    const page = await ownerPage(browser, node.url);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(node.url);
    for (const id of ['sales', 'tokens', 'video', 'network', 'settings', 'dashboard']) {
      await page.getByTestId(`nav-${id}`).click();
      await expect.poll(() => new URL(page.url()).hash).toBe(`#/${id}`);
      await expect.poll(() => page.locator('h2').first().isVisible()).toBe(true);
    }
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('lang-select').selectOption('ru');
    await expect.poll(() => page.getByTestId('nav-dashboard').textContent()).toContain('Обзор');
    await page.reload();
    await expect.poll(() => page.getByTestId('nav-dashboard').textContent()).toContain('Обзор');
    expect(errors).toEqual([]);
  });
});
