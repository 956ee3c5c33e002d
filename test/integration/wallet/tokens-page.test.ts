import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, launchChromium, ownerPage } from '../../helpers/browser';
import { type NodeProcess, signInAsOwner, startNode } from '../../helpers/node-process';
import { tempDir } from '../../helpers/tmp';

// The Tokens page in Debian's Chromium against a real headless node (shipped scrypt cost, KDF worker).
const missing = chromiumMissing();
if (missing) console.warn(`skipping the Tokens page test: ${missing}`);
const PW = 'correct horse battery';

describe.skipIf(missing)('Tokens page', () => {
  const dir = tempDir();
  let node: NodeProcess;
  let browser: Browser;
  let page: Page;
  let cookie = '';
  const errors: string[] = [];

  beforeAll(async () => {
    node = await startNode({ dataDir: join(dir.path, 'data'), timeoutMs: 30_000 });
    browser = await launchChromium();
    page = await ownerPage(browser, node.url);
    cookie = await signInAsOwner(node.url);
    page.on('pageerror', (e) => errors.push(e.message));
  });
  afterAll(async () => {
    await browser?.close();
    await node?.stop();
    dir.cleanup();
  });

  type Rpc = { ok: boolean; value: { accounts: Array<{ address: string }> } & Record<string, unknown> };
  const rpc = async (name: string, input: unknown): Promise<Rpc> =>
    (await (
      await fetch(new URL(`/rpc/${name}`, node.url), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Cookie: cookie },
        body: JSON.stringify(input),
      })
    ).json()) as Rpc;

  it('creates a wallet, shows the address with a QR code, checks the send address checksum', async () => {
    await page.goto(new URL('#/tokens', node.url).toString());
    await page.getByTestId('create-password').fill(PW);
    await page.getByTestId('create-password2').fill(PW);
    await page.getByTestId('create-submit').click();
    await expect
      .poll(() => page.getByTestId('receive-address').textContent(), { timeout: 20_000 })
      .toMatch(/^0x[0-9a-fA-F]{40}$/);
    const address = (await page.getByTestId('receive-address').textContent())!;
    const status = await rpc('wallet.status', {});
    expect(status).toMatchObject({ ok: true, value: { state: 'unlocked', kdf: { N: 131072, r: 8, p: 1 } } });
    expect(status.value.accounts[0]?.address).toBe(address);
    expect(await page.getByTestId('receive-qr').getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
    // A new wallet has nothing: the ledger says 0 (or, in a build without the node driver, the page says there is no ledger).
    await expect
      .poll(() => page.getByTestId(`balance-${address}`).textContent(), { timeout: 10_000 })
      .toMatch(/^(0|—)$/);
    const ledgerWired = (await page.getByTestId(`balance-${address}`).textContent()) === '0';

    const good = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';
    await page.getByTestId('send-to').fill(good.replace('aA', 'Aa'));
    await page.getByTestId('send-amount').fill('5');
    await expect.poll(() => page.getByTestId('send-to-error').isVisible()).toBe(true);
    expect(await page.getByTestId('send-review').isDisabled()).toBe(true);
    await page.getByTestId('send-to').fill(good);
    await expect.poll(() => page.getByTestId('send-to-error').count()).toBe(0);
    expect(await page.getByTestId('send-review').isDisabled()).toBe(false);
    // The preview asks the ledger: with an empty account it refuses before anything is signed.
    await page.getByTestId('send-review').click();
    await expect
      .poll(() => page.getByTestId('wallet-send').textContent(), { timeout: 10_000 })
      .toContain(ledgerWired ? 'not enough tokens' : 'LEDGER_UNAVAILABLE');
    expect(await page.getByTestId('send-confirm').count()).toBe(0);
    await page.screenshot({ path: join(dir.path, '..', 'hotpot-tokens.png'), fullPage: true });
  });

  it('shows the recovery phrase only after the password is entered again', async () => {
    await page.getByTestId('backup-password').fill('wrong password');
    await page.getByTestId('backup-reveal').click();
    await expect
      .poll(() => page.getByTestId('wallet-backup').textContent(), { timeout: 20_000 })
      .toContain('WRONG_PASSWORD');
    await page.getByTestId('backup-password').fill(PW);
    await page.getByTestId('backup-reveal').click();
    await expect
      .poll(() => page.getByTestId('backup-words').locator('li').count(), { timeout: 20_000 })
      .toBe(12);
  });

  it('locks from the page, refuses a wrong password, unlocks; a lock from elsewhere reaches the page as an event', async () => {
    await page.getByTestId('wallet-lock').click();
    await expect.poll(() => page.getByTestId('unlock-password').isVisible(), { timeout: 10_000 }).toBe(true);
    await page.getByTestId('unlock-password').fill('not it at all');
    await page.getByTestId('unlock-submit').click();
    await expect
      .poll(() => page.getByTestId('wallet-unlock').textContent(), { timeout: 20_000 })
      .toContain('wallet password is wrong');
    await page.getByTestId('unlock-password').fill(PW);
    await page.getByTestId('unlock-submit').click();
    await expect.poll(() => page.getByTestId('wallet-lock').isVisible(), { timeout: 20_000 }).toBe(true);
    expect(await rpc('wallet.lock', {})).toMatchObject({ ok: true, value: { state: 'locked' } });
    await expect.poll(() => page.getByTestId('unlock-password').isVisible(), { timeout: 10_000 }).toBe(true);
    expect(errors).toEqual([]);
  });
});
