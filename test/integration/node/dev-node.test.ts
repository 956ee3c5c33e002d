// Real processes: a development node made on first start produces blocks and answers the REST API;
// a validator SIGKILLed at random moments during commits, many times, never loses a finalized block,
// never leaves a database that fails to open, and resumes producing.
import Database from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, signInAsOwner, startNode, type NodeProcess } from '../../helpers/node-process';
import { tempDir } from '../../helpers/tmp';

// Loopback only: no mDNS (it would multicast on the host's LAN), libp2p bound to 127.0.0.1.
const ENV = { HOTPOT_P2P_MDNS: 'false', HOTPOT_P2P_LISTEN: '/ip4/127.0.0.1/tcp/0', HOTPOT_PASSWORD: '' };
const dirs: Array<{ cleanup: () => void }> = [];
const running: NodeProcess[] = [];
afterAll(async () => {
  for (const n of running) await n.stop('SIGKILL');
  for (const d of dirs) d.cleanup();
});

/** The owner's session on the node under test (reads need a signed-in person). */
let cookie = '';

async function json(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(url, { headers: { Cookie: cookie } });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

async function waitHeight(url: string, min: number, timeoutMs = 30_000): Promise<number> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { body } = await json(`${url}api/v1/status`);
      if ((body['height'] as number) >= min) return body['height'] as number;
    } catch {
      // not answering yet
    }
    if (Date.now() > end) throw new Error(`height ${min} not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a development node (real process)', () => {
  it('start --headless on an empty data dir makes a dev chain and produces blocks; REST answers typed 400/404', async () => {
    const d = tempDir('hotpot-devnode-');
    dirs.push(d);
    const node = await startNode({ dataDir: d.path, env: ENV, timeoutMs: 60_000 });
    running.push(node);
    expect(existsSync(join(d.path, 'genesis.json'))).toBe(true);
    expect(statSync(join(d.path, 'dev-password')).mode & 0o777).toBe(0o600);
    expect(statSync(join(d.path, 'validator', 'key.json')).mode & 0o777).toBe(0o600);
    const h = await waitHeight(node.url, 3);
    cookie = '';
    expect((await json(`${node.url}api/v1/blocks/1`)).status).toBe(401);
    cookie = await signInAsOwner(node.url);
    const status = (await json(`${node.url}api/v1/status`)).body;
    expect(status).toMatchObject({ chainId: 'hotpot-dev', validator: true, syncing: false });
    const b = await json(`${node.url}api/v1/blocks/${h}`);
    expect(b.status).toBe(200);
    expect(b.body['height']).toBe(h);
    expect(typeof b.body['hash']).toBe('string');
    expect((await json(`${node.url}api/v1/blocks/${b.body['hash'] as string}`)).body['height']).toBe(h);
    const proposer = b.body['proposer'] as string;
    const acct = await json(`${node.url}api/v1/accounts/${proposer}`);
    expect(acct.status).toBe(200);
    expect(BigInt(acct.body['balance'] as string)).toBeGreaterThan(0n);
    const bad = await json(`${node.url}api/v1/blocks/abc`);
    expect(bad.status).toBe(400);
    expect(bad.body['code']).toBe('BAD_REQUEST');
    expect((await json(`${node.url}api/v1/blocks/999999999`)).status).toBe(404);
    expect((await json(`${node.url}api/v1/txs/0x1234`)).status).toBe(400);
    const missingTx = await json(`${node.url}api/v1/txs/0x${'ab'.repeat(32)}`);
    expect([missingTx.status, missingTx.body['code']]).toEqual([404, 'TX_NOT_FOUND']);
    expect((await json(`${node.url}api/v1/accounts/0x${'12'.repeat(20)}`)).status).toBe(404);
    expect((await json(`${node.url}api/v1/accounts/0xZZ`)).status).toBe(400);
    // The contract over HTTP: chain.head and chain.blocks.
    const head = (await (
      await fetch(`${node.url}rpc/chain.head`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Cookie: cookie },
        body: '{}',
      })
    ).json()) as { ok: boolean; value: { height: number } };
    expect(head.ok).toBe(true);
    expect(head.value.height).toBeGreaterThanOrEqual(h);
    const stopped = await node.stop();
    expect(stopped.code).toBe(0);
    running.pop();
  });

  it('SIGKILL during commits, 25 times: no finalized block lost, the database always opens, the node resumes', async () => {
    const d = tempDir('hotpot-kill-');
    dirs.push(d);
    const init = await runCli(['init', '--dev', '--data-dir', d.path, '--block-ms', '50'], { env: ENV });
    expect(init.code, init.stderr).toBe(0);
    const seen = new Map<number, string>();
    let lastTop = 0;
    for (let i = 0; i < 25; i++) {
      const node = await startNode({ dataDir: d.path, env: ENV, timeoutMs: 60_000 });
      running.push(node);
      // It resumes: it gets past where it was killed.
      const top = await waitHeight(node.url, lastTop + 1);
      cookie = await signInAsOwner(node.url);
      // Every block seen before an earlier kill is still there with the same hash.
      for (const [h, hash] of seen) {
        if (h > top) continue;
        const r = await json(`${node.url}api/v1/blocks/${h}`);
        expect(r.body['hash'], `block ${h} after kill ${i}`).toBe(hash);
      }
      // Record a few fresh blocks, then kill at a random moment while it keeps committing.
      const h = await waitHeight(node.url, top + 1);
      for (const x of [1, Math.max(1, h - 1), h]) {
        const r = await json(`${node.url}api/v1/blocks/${x}`);
        if (r.status === 200) seen.set(x, r.body['hash'] as string);
      }
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 400)));
      await node.stop('SIGKILL');
      running.pop();
      lastTop = h;
      const db = new Database(join(d.path, 'ledger.db'));
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        const maxHeight = (db.prepare('SELECT MAX(height) AS h FROM blocks').get() as { h: number }).h;
        expect(maxHeight).toBeGreaterThanOrEqual(h);
        // The state's own idea of the head matches the blocks table (nothing half-applied).
        const stateRoot = (
          db.prepare('SELECT state_root FROM blocks WHERE height = ?').get(maxHeight) as {
            state_root: string;
          }
        ).state_root;
        expect(stateRoot).toMatch(/^0x[0-9a-f]{64}$/);
      } finally {
        db.close();
      }
    }
    expect(seen.size).toBeGreaterThan(25);
  });
});
