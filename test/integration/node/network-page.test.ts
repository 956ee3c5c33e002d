// The Network page in Debian's Chromium against a real dev node: height and recent blocks update live,
// the validators table shows the dev validator, and the explorer goes block → transaction → account.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeTx } from '../../../main/chain/tx/codec';
import { TxBuilder } from '../../../main/chain/tx/builder';
import { readValidatorKey } from '../../../main/node/validator-key';
import { chromiumMissing, launchChromium, ownerPage } from '../../helpers/browser';
import { type NodeProcess, signInAsOwner, startNode } from '../../helpers/node-process';
import { tempDir } from '../../helpers/tmp';

const missing = chromiumMissing();

describe.skipIf(missing)('Network page (Chromium, real dev node)', () => {
  const dir = tempDir('hotpot-netpage-');
  let node: NodeProcess;
  let browser: Browser;
  beforeAll(async () => {
    node = await startNode({
      dataDir: dir.path,
      env: { HOTPOT_P2P_MDNS: 'false', HOTPOT_PASSWORD: '' },
      timeoutMs: 60_000,
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await node?.stop();
    dir.cleanup();
  });

  it('shows live blocks and validators, and explores block → transaction → account', async () => {
    const cookie = await signInAsOwner(node.url);
    const rpc = async (m: string, input: unknown) =>
      (await (
        await fetch(new URL(`/rpc/${m}`, node.url), {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Cookie: cookie },
          body: JSON.stringify(input),
        })
      ).json()) as { ok: boolean; value: Record<string, unknown> };
    const page = await ownerPage(browser, node.url);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${node.url}#/network`);
    await expect
      .poll(
        async () => Number((await page.getByTestId('network-height').textContent())?.replace(/\D/g, '') || 0),
        { timeout: 15_000 },
      )
      .toBeGreaterThan(0);
    const first = Number((await page.getByTestId('network-height').textContent())?.replace(/\D/g, ''));
    // Live: new blocks arrive through the chain.block event without reloading.
    await expect
      .poll(
        async () => Number((await page.getByTestId('network-height').textContent())?.replace(/\D/g, '')),
        { timeout: 15_000 },
      )
      .toBeGreaterThan(first);
    await expect.poll(() => page.getByTestId('block-row').count(), { timeout: 10_000 }).toBeGreaterThan(1);
    expect(await page.getByTestId('validator-row').count()).toBe(1);
    // Send a transfer from the dev validator (signed here with its key, posted through chain.submitTx).
    const pw = readFileSync(join(dir.path, 'dev-password'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .pop() as string;
    const { privateKey } = await readValidatorKey(dir.path, pw);
    const to = `0x${'5a'.repeat(20)}`;
    const tx = new TxBuilder({ chainId: 'hotpot-dev', privateKey, fee: 1000n }).transfer(0, {
      to: to as `0x${string}`,
      amount: 777n,
    });
    const sent = await rpc('chain.submitTx', { tx: `0x${Buffer.from(encodeTx(tx)).toString('hex')}` });
    expect(sent.ok).toBe(true);
    const txHash = sent.value['txHash'] as string;
    await expect
      .poll(async () => ((await rpc('chain.tx', { hash: txHash })).value as { status: string }).status, {
        timeout: 15_000,
      })
      .toBe('ok');
    const height = ((await rpc('chain.tx', { hash: txHash })).value as { height: number }).height;
    // Explorer: the block → its transaction → the receiver's account.
    await page.goto(`${node.url}#/network/block/${height}`);
    await expect.poll(() => page.getByTestId('tx-row').count(), { timeout: 10_000 }).toBe(1);
    await page.getByTestId('tx-row').first().locator('a').first().click();
    await expect.poll(() => page.getByTestId('tx-view').count()).toBe(1);
    expect(await page.getByTestId('tx-view').textContent()).toContain('777');
    await page
      .getByTestId('tx-view')
      .locator('a[href*="account/0x5A"], a[href*="account/0x5a"]')
      .first()
      .click();
    await expect.poll(() => page.getByTestId('account-view').count()).toBe(1);
    expect(await page.getByTestId('account-balance').textContent()).toBe('777');
    // Search by height.
    await page.getByTestId('explorer-search').fill('1');
    await page.getByTestId('explorer-search').press('Enter');
    await expect.poll(() => page.url()).toContain('#/network/block/1');
    expect(errors).toEqual([]);
  });
});
