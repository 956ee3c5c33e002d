import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cliPath,
  type NodeProcess,
  OWNER,
  runCli,
  signInAsOwner,
  startNode,
} from '../../helpers/node-process';
import { tempDir } from '../../helpers/tmp';

// A whole transfer through a real node: the wallet signs, the mempool admits, consensus commits it in
// a block, and balance and history show it. The dev chain's genesis is edited (before the ledger is
// created) to give the wallet's account 0 some tokens.
const ABANDON =
  'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
const ME = '0x9858EfFD232B4033E47d90003D41EC34EcaEda94';
const BOB = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';
const PW = 'correct horse battery';
const env = {
  HOTPOT_PASSWORD: PW,
  HOTPOT_TEST_SCRYPT_N: '1024',
  HOTPOT_USER: OWNER.username,
  HOTPOT_USER_PASSWORD: OWNER.password,
};

describe('a transfer from the wallet is committed by a real node', () => {
  const dir = tempDir();
  let node: NodeProcess;
  let cookie = '';

  beforeAll(async () => {
    const imp = spawnSync(process.execPath, [cliPath(), 'wallet', 'import', '--data-dir', dir.path], {
      env: { ...process.env, ...env },
      input: ABANDON,
      encoding: 'utf8',
    });
    expect(imp.status).toBe(0);
    // First start makes the dev chain (genesis.json + validator key); then fund account 0 and start afresh.
    node = await startNode({ dataDir: dir.path, timeoutMs: 90_000 });
    await node.stop();
    const file = join(dir.path, 'genesis.json');
    const g = JSON.parse(readFileSync(file, 'utf8')) as {
      balances: Array<{ address: string; amount: string }>;
    };
    g.balances.push({ address: ME.toLowerCase(), amount: '5000000' });
    writeFileSync(file, JSON.stringify(g, null, 2));
    for (const f of readdirSync(dir.path)) if (f.startsWith('ledger.db')) rmSync(join(dir.path, f));
    node = await startNode({ dataDir: dir.path, timeoutMs: 90_000 });
    cookie = await signInAsOwner(node.url);
  }, 240_000);
  afterAll(async () => {
    await node?.stop();
    dir.cleanup();
  });

  it('with the wallet unlocked, a transfer without a session or by a cashier is refused and moves nothing', async () => {
    const rpc = async (method: string, input: unknown, as: string) => {
      const r = await fetch(new URL(`/rpc/${method}`, node.url), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(as ? { Cookie: as } : {}) },
        body: JSON.stringify(input),
      });
      return { status: r.status, body: (await r.json()) as { ok: boolean; error?: { code: string } } };
    };
    expect((await rpc('wallet.unlock', { password: PW }, cookie)).body.ok).toBe(true);
    const added = await runCli(
      ['users', 'add', '--data-dir', dir.path, '--username', 'carol', '--role', 'cashier'],
      {
        env: { HOTPOT_USER_PASSWORD: 'cashier-password-1' },
      },
    );
    expect(added.code, added.stderr).toBe(0);
    const signIn = await fetch(new URL('/rpc/auth.signIn', node.url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'carol', password: 'cashier-password-1' }),
    });
    const cashier = signIn.headers.getSetCookie()[0]!.split(';')[0]!;
    const transfer = { from: ME, to: BOB, amount: '123456789' };
    for (const [as, status, code] of [
      ['', 401, 'UNAUTHORIZED'],
      [cashier, 403, 'FORBIDDEN'],
    ] as const) {
      for (const m of ['wallet.previewSend', 'wallet.send', 'wallet.import', 'video.addCamera']) {
        const r = await rpc(m, m === 'wallet.previewSend' ? transfer : {}, as);
        expect([r.status, r.body.error?.code], `${m} ${as ? 'as a cashier' : 'without a session'}`).toEqual([
          status,
          code,
        ]);
      }
    }
    expect((await rpc('wallet.lock', {}, cookie)).body.ok).toBe(true);
    expect(
      (await runCli(['wallet', 'balance', '--data-dir', dir.path, '--api', node.url], { env })).stdout.trim(),
    ).toBe('5000000');
  });

  it('send → committed; both balances and the history agree', async () => {
    const api = ['--api', node.url];
    expect(await runCli(['wallet', 'balance', '--data-dir', dir.path, ...api], { env })).toMatchObject({
      code: 0,
      stdout: '5000000\n',
    });
    const sent = await runCli(
      ['wallet', 'send', '--data-dir', dir.path, ...api, '--to', BOB, '--amount', '250000'],
      { env },
    );
    expect(sent.code, sent.stderr).toBe(0);
    const txHash = sent.stdout.trim();
    expect(txHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(sent.stderr).toMatch(/fee 1000, nonce 0, total 251000/);
    await expect
      .poll(
        async () =>
          (
            await runCli(['wallet', 'balance', '--data-dir', dir.path, ...api, '--address', BOB], { env })
          ).stdout.trim(),
        { timeout: 60_000, interval: 1000 },
      )
      .toBe('250000');
    expect((await runCli(['wallet', 'balance', '--data-dir', dir.path, ...api], { env })).stdout.trim()).toBe(
      String(5_000_000 - 250_000 - 1000),
    );
    const hist = (await (
      await fetch(new URL('/rpc/wallet.history', node.url), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Cookie: cookie },
        body: JSON.stringify({ address: ME }),
      })
    ).json()) as {
      ok: boolean;
      value: { items: Array<{ txHash: string; status: string; amount: string; height: number | null }> };
    };
    expect(hist.ok).toBe(true);
    expect(hist.value.items[0]).toMatchObject({ txHash, status: 'confirmed', amount: '250000' });
    expect(hist.value.items[0]!.height).toBeGreaterThan(0);
    // The same nonce cannot be used twice: a second send gets nonce 1.
    const again = await runCli(
      ['wallet', 'send', '--data-dir', dir.path, ...api, '--to', BOB, '--amount', '1'],
      { env },
    );
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/nonce 1/);
  });
});
