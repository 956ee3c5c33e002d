// Real processes over loopback libp2p: `testnet init --validators 4 --peers` writes four nodes with
// static peer lists; started as four processes they connect, finalize the same blocks, and a
// transaction sent to one is finalized by all.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeTx } from '../../../main/chain/tx/codec';
import { TxBuilder } from '../../../main/chain/tx/builder';
import { readValidatorKey } from '../../../main/node/validator-key';
import { runCli, signInAsOwner, startNode, type NodeProcess } from '../../helpers/node-process';
import { tempDir } from '../../helpers/tmp';

const ENV = { HOTPOT_P2P_MDNS: 'false', HOTPOT_PASSWORD: '' };
const d = tempDir('hotpot-testnet-');
const nodes: NodeProcess[] = [];
afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop('SIGTERM')));
  d.cleanup();
});

async function status(url: string): Promise<{ height: number; peers: number }> {
  return (await (await fetch(`${url}api/v1/status`)).json()) as { height: number; peers: number };
}

/** Each node's owner session (reads and submits need a signed-in person). */
const sessions = new Map<string, string>();
/** `fetch(url + path)` as the node's owner (signing in, and making the owner, the first time). */
async function api(url: string, path: string, init: RequestInit = {}): Promise<Response> {
  if (!sessions.has(url)) sessions.set(url, await signInAsOwner(url));
  return fetch(`${url}${path}`, { ...init, headers: { ...init.headers, Cookie: sessions.get(url)! } });
}

async function until(what: string, cond: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await cond()) return;
    } catch {
      // not answering yet
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('a 4-validator testnet from testnet init --peers (real processes, loopback libp2p)', () => {
  it('connects, finalizes the same blocks, and carries a transaction to every node', async () => {
    const out = join(d.path, 'net');
    const r = await runCli(
      [
        'testnet',
        'init',
        '--validators',
        '4',
        '--observers',
        '1',
        '--out',
        out,
        '--peers',
        '--block-ms',
        '200',
      ],
      { env: ENV, timeoutMs: 120_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    const cfg = JSON.parse(readFileSync(join(out, 'node0', 'config.json'), 'utf8')) as {
      network: { staticPeers: string[]; listen: string[]; mdns: boolean };
    };
    expect(cfg.network.staticPeers).toHaveLength(4);
    expect(cfg.network.listen[0]).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+$/);
    expect(cfg.network.mdns).toBe(false);
    const genesis = readFileSync(join(out, 'node0', 'genesis.json'), 'utf8');
    for (let i = 1; i < 5; i++)
      expect(readFileSync(join(out, `node${i}`, 'genesis.json'), 'utf8')).toBe(genesis);
    for (let i = 0; i < 5; i++) {
      // startNode's loopback defaults pick an ephemeral port; keep the fixed one the static peer lists name.
      const listen = (JSON.parse(readFileSync(join(out, `node${i}`, 'config.json'), 'utf8')) as typeof cfg)
        .network.listen[0] as string;
      nodes.push(
        await startNode({
          dataDir: join(out, `node${i}`),
          env: { ...ENV, HOTPOT_P2P_LISTEN: listen },
          timeoutMs: 60_000,
        }),
      );
    }
    const urls = nodes.map((n) => n.url);
    let last: unknown[] = [];
    await until(
      'every node at height 5 with peers',
      async () => {
        const all = await Promise.all(urls.map(status));
        last = all;
        return all.every((s) => s.height >= 5 && s.peers >= 3);
      },
      90_000,
    ).catch((err: Error) => {
      throw new Error(
        `${err.message}; last statuses ${JSON.stringify(last)}\n${nodes.map((n) => n.output().slice(-600)).join('\n---\n')}`,
      );
    });
    const hashesAt = async (h: number) =>
      Promise.all(
        urls.map(async (u) => ((await (await api(u, `api/v1/blocks/${h}`)).json()) as { hash: string }).hash),
      );
    for (const h of [1, 3, 5]) {
      const hashes = await hashesAt(h);
      expect(hashes[0]).toMatch(/^0x[0-9a-f]{64}$/);
      expect(new Set(hashes).size).toBe(1);
    }
    // A transfer signed by validator 1, posted to the observer: it gossips to the validators and every node finalizes it.
    const pw = readFileSync(join(out, 'node1', 'dev-password'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .pop() as string;
    const { privateKey } = await readValidatorKey(join(out, 'node1'), pw);
    const genesisDoc = JSON.parse(genesis) as { chainId: string; params: { minTxFee: string } };
    const tx = new TxBuilder({
      chainId: genesisDoc.chainId,
      privateKey,
      fee: BigInt(genesisDoc.params.minTxFee),
    }).transfer(0, { to: `0x${'42'.repeat(20)}`, amount: 12345n });
    const posted = await api(urls[4]!, 'api/v1/txs', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ tx: `0x${Buffer.from(encodeTx(tx)).toString('hex')}` }),
    });
    expect(posted.status).toBe(200);
    const { txHash } = (await posted.json()) as { txHash: string };
    await until(
      'the transfer is final everywhere',
      async () =>
        (
          await Promise.all(
            urls.map(
              async (u) =>
                ((await (await api(u, `api/v1/txs/${txHash}`)).json()) as { status: string }).status,
            ),
          )
        ).every((s) => s === 'ok'),
      60_000,
    );
    const acct = (await (await api(urls[2]!, `api/v1/accounts/0x${'42'.repeat(20)}`)).json()) as {
      balance: string;
    };
    expect(acct.balance).toBe('12345');
    // A replay of the same transaction is refused with a typed error and changes nothing.
    const again = await api(urls[0]!, 'api/v1/txs', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ tx: `0x${Buffer.from(encodeTx(tx)).toString('hex')}` }),
    });
    expect(again.status).toBe(400);
    expect(((await again.json()) as { code: string }).code).toBe('BAD_NONCE');
  }, 240_000);
});
