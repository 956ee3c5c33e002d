// Real processes over loopback libp2p: `testnet init --validators 4 --peers` writes four nodes with
// static peer lists; started as four processes they connect, finalize the same blocks, and a
// transaction sent to one is finalized by all. Without --peers, the five nodes of `testnet init
// --validators 4 --observers 1`, started with exactly the commands it prints, run side by side on one
// computer (a network namespace whose only interface is lo, multicast on), find each other by mDNS,
// agree on hashes, go on without a killed validator and take it back when it restarts.
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeTx } from '../../../main/chain/tx/codec';
import { TxBuilder } from '../../../main/chain/tx/builder';
import { readValidatorKey } from '../../../main/node/validator-key';
import { createNetns, netnsSupport, stopChild, type Netns } from '../../helpers/netns';
import {
  cliPath,
  OWNER,
  runCli,
  signInAsOwner,
  startNode,
  type NodeProcess,
} from '../../helpers/node-process';
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

const support = netnsSupport();
if (!support.ok) console.warn(`one-computer testnet namespace test ${support.reason}`);

describe.skipIf(!support.ok)('testnet init without --peers: five nodes on one computer (mDNS)', () => {
  const dir = tempDir('hotpot-testnet-mdns-');
  const net = join(dir.path, 'net');
  let ns: Netns;
  /** The commands `testnet init` printed, one per node, as argv after `bin/hotpot`. */
  let commands: string[][] = [];
  const procs = new Map<number, ChildProcess>();
  const logs = new Map<number, string>();
  const httpPort = (i: number) =>
    Number(/:(\d+)$/.exec(commands[i]![commands[i]!.indexOf('--http') + 1]!)![1]);

  /** GET inside the namespace (the test process is outside it and cannot reach its loopback). */
  const get = <T>(i: number, path: string): T => {
    const port = httpPort(i);
    const jar = join(dir.path, `cookies-${port}`);
    if (path !== '/api/v1/status' && !existsSync(jar)) {
      const post = (method: string, body: unknown, cookies: string) =>
        ns.sh(
          `curl -sf --max-time 5 ${cookies} -H 'Content-Type: application/json' -d '${JSON.stringify(body)}' http://127.0.0.1:${port}/rpc/${method}`,
        );
      const st = JSON.parse(post('auth.status', {}, '')) as { value: { setupNeeded: boolean } };
      post(st.value.setupNeeded ? 'auth.setupOwner' : 'auth.signIn', OWNER, `-c ${jar}`);
    }
    return JSON.parse(ns.sh(`curl -sf --max-time 5 -b ${jar} http://127.0.0.1:${port}${path}`)) as T;
  };
  const status = (i: number) => get<{ height: number; peers: number }>(i, '/api/v1/status');
  const hashAt = (i: number, h: number) => get<{ hash: string }>(i, `/api/v1/blocks/${h}`).hash;

  /** Runs node `i` as its printed command says, with no HOTPOT_* variable of the test's own. */
  function start(i: number): void {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HOTPOT_')));
    const child = ns.spawn(process.execPath, [cliPath(), ...commands[i]!], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    logs.set(i, '');
    const keep = (d: Buffer) => logs.set(i, ((logs.get(i) ?? '') + d.toString()).slice(-3000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    procs.set(i, child);
  }

  async function until(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      try {
        if (cond()) return;
      } catch {
        // a node not answering yet
      }
      if (Date.now() > end) {
        const st = [0, 1, 2, 3, 4].map((i) => {
          try {
            return `${i}: ${JSON.stringify(status(i))}`;
          } catch {
            return `${i}: not answering`;
          }
        });
        throw new Error(
          `timed out waiting for ${what}\n${st.join('\n')}\n${[...logs].map(([i, l]) => `--- node${i}\n${l.slice(-800)}`).join('\n')}`,
        );
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  beforeAll(async () => {
    ns = await createNetns();
  });
  afterAll(async () => {
    await Promise.all([...procs.values()].map((p) => stopChild(p)));
    await ns?.close();
    dir.cleanup();
  });

  it('writes distinct ports and prints one start command per node', async () => {
    // Run in the namespace, as on a fresh computer: no port there is busy.
    const r = await runCli(
      ['testnet', 'init', '--validators', '4', '--observers', '1', '--out', net, '--block-ms', '300'],
      {
        env: { HOTPOT_PASSWORD: '' },
        timeoutMs: 120_000,
        wrap: ['nsenter', '-t', String(ns.pid), '-U', '-n', '--preserve-credentials'],
      },
    );
    expect(r.code, r.stderr).toBe(0);
    commands = [...r.stdout.matchAll(/^ {2}bin\/hotpot (start .*)$/gm)].map((m) => m[1]!.split(' '));
    expect(commands, r.stdout).toHaveLength(5);
    for (let i = 0; i < 5; i++) {
      expect(commands[i]).toEqual([
        'start',
        '--headless',
        '--data-dir',
        join(net, `node${i}`),
        '--http',
        `127.0.0.1:${7420 + i}`,
      ]);
      const cfg = JSON.parse(readFileSync(join(net, `node${i}`, 'config.json'), 'utf8')) as {
        network: { listen: string[]; mdns: boolean; staticPeers?: string[] };
      };
      expect(cfg.network).toEqual({ listen: [`/ip4/0.0.0.0/tcp/${4510 + i}`], mdns: true });
      expect(r.stdout).toContain(`node${i} `);
    }
  }, 180_000);

  it('the five nodes find each other by mDNS, agree on hashes, and survive a killed validator', async () => {
    for (let i = 0; i < 5; i++) start(i);
    const all = [0, 1, 2, 3, 4];
    await until(
      'five nodes at height 5, each with 4 peers',
      () => all.every((i) => status(i).height >= 5 && status(i).peers >= 4),
      150_000,
    );
    for (const h of [1, 3, 5]) {
      const hashes = all.map((i) => hashAt(i, h));
      expect(hashes[0], `height ${h}`).toMatch(/^0x[0-9a-f]{64}$/);
      expect(new Set(hashes).size, `height ${h}: ${hashes.join(' ')}`).toBe(1);
    }

    // Three of four validators hold more than 2/3 of the stake: the chain goes on without node3.
    const victim = procs.get(3)!;
    await new Promise<void>((resolve) => {
      victim.once('exit', () => resolve());
      victim.kill('SIGKILL');
    });
    const rest = [0, 1, 2, 4];
    const h0 = Math.max(...rest.map((i) => status(i).height));
    await until(
      'the other four finalize 5 more blocks',
      () => rest.every((i) => status(i).height >= h0 + 5),
      90_000,
    );

    // Restarted with the same command (same ports), it catches up and agrees.
    start(3);
    const h1 = Math.max(...rest.map((i) => status(i).height));
    await until('node3 catches up', () => all.every((i) => status(i).height >= h1 + 2), 120_000);
    for (const h of [h0 + 1, h1, h1 + 2]) {
      const hashes = all.map((i) => hashAt(i, h));
      expect(new Set(hashes).size, `height ${h}: ${hashes.join(' ')}`).toBe(1);
    }
  }, 420_000);
});
