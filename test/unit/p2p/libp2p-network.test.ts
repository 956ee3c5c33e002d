import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { P2pError } from '../../../main/p2p/errors';
import { LibP2pNetwork, type LibP2pNetworkOptions } from '../../../main/p2p/libp2p-network';
import type { Validation } from '../../../main/p2p/types';
import { waitFor } from './wait';

// Real libp2p over 127.0.0.1 in one process, mDNS off (multicast only ever runs inside a network
// namespace: see test/integration/p2p).
const dirs: string[] = [];
const nets: LibP2pNetwork[] = [];
const hash = (n: number): string => `0x${n.toString(16).padStart(64, '0')}`;

async function makeNode(chainId: string, extra: Partial<LibP2pNetworkOptions> = {}): Promise<LibP2pNetwork> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hotpot-p2p-'));
  dirs.push(dataDir);
  const net = new LibP2pNetwork({
    chainId,
    dataDir,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    mdns: false,
    statusIntervalMs: 500,
    pingIntervalMs: 500,
    handshakeTimeoutMs: 3_000,
    backoff: { baseMs: 100, maxMs: 1_000 },
    ...extra,
  });
  await net.start();
  nets.push(net);
  return net;
}

/** A payload the test handlers accept: 'ok:' + chain id + ':' + anything. */
const good = (chainId: string, body: string): Uint8Array => new TextEncoder().encode(`ok:${chainId}:${body}`);
function validator(chainId: string, seen: string[]): (data: Uint8Array) => Promise<Validation> {
  return async (data) => {
    let s: string;
    try {
      s = new TextDecoder('utf-8', { fatal: true }).decode(data);
    } catch {
      return 'reject';
    }
    if (!s.startsWith(`ok:${chainId}:`)) return 'reject';
    seen.push(s.slice(chainId.length + 4));
    return 'accept';
  };
}

afterAll(async () => {
  await Promise.all(nets.map((n) => n.stop()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('LibP2pNetwork over loopback', () => {
  let a: LibP2pNetwork, b: LibP2pNetwork, c: LibP2pNetwork;
  const seenB: string[] = [];
  const seenC: string[] = [];

  beforeAll(async () => {
    [a, b, c] = await Promise.all([
      makeNode('hotpot-test'),
      makeNode('hotpot-test'),
      makeNode('hotpot-test'),
    ]);
    a.setStatusProvider(() => ({ height: 7, headHash: hash(7) }));
    b.setStatusProvider(() => ({ height: 3, headHash: hash(3) }));
    b.onMessage('tx', validator('hotpot-test', seenB));
    c.onMessage('tx', validator('hotpot-test', seenC));
    // a line: a — b — c (c only knows b), so a's messages reach c only if b forwards them
    await b.addPeer(a.listenAddresses()[0]!);
    await c.addPeer(b.listenAddresses()[0]!);
  });

  it('keeps the peer key in the data dir with mode 0600 and reuses it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotpot-p2p-key-'));
    dirs.push(dir);
    const n1 = new LibP2pNetwork({
      chainId: 'hotpot-test',
      dataDir: dir,
      listen: ['/ip4/127.0.0.1/tcp/0'],
      mdns: false,
    });
    await n1.start();
    const id = n1.peerId;
    await n1.stop();
    expect(statSync(join(dir, 'p2p', 'peer-key')).mode & 0o777).toBe(0o600);
    const n2 = new LibP2pNetwork({
      chainId: 'hotpot-test',
      dataDir: dir,
      listen: ['/ip4/127.0.0.1/tcp/0'],
      mdns: false,
    });
    await n2.start();
    expect(n2.peerId).toBe(id);
    await n2.stop();
  });

  it('says clearly when it cannot listen, and leaves nothing running', async () => {
    const port = Number(/\/tcp\/(\d+)/.exec(a.listenAddresses()[0]!)![1]);
    const dir = mkdtempSync(join(tmpdir(), 'hotpot-p2p-'));
    dirs.push(dir);
    const clash = new LibP2pNetwork({
      chainId: 'hotpot-test',
      dataDir: dir,
      listen: [`/ip4/127.0.0.1/tcp/${port}`],
      mdns: false,
    });
    await expect(clash.start()).rejects.toMatchObject({
      code: 'BAD_CONFIG',
      message: expect.stringMatching(/network\.listen/),
    });
    expect(() => clash.peerId).toThrow(/not started/);
    expect(() => new LibP2pNetwork({ chainId: 'Bad Chain', dataDir: dir })).toThrow(P2pError);
  });

  it('exchanges statuses: b knows a is ahead', async () => {
    await waitFor('a status at b', () => b.peers().some((p) => p.id === a.peerId && p.status?.height === 7));
    const best = b.bestPeers()[0];
    expect(best?.id).toBe(a.peerId);
    expect(best?.status).toMatchObject({ chainId: 'hotpot-test', height: 7, headHash: hash(7) });
    expect(b.peers().find((p) => p.id === a.peerId)?.source).toBe('manual');
    expect(a.peers().find((p) => p.id === b.peerId)?.source).toBe('inbound');
  });

  it('measures latency and reports connection times', async () => {
    await waitFor('ping', () => (b.peers().find((p) => p.id === a.peerId)?.latencyMs ?? null) !== null);
    const v = b.peers().find((p) => p.id === a.peerId)!;
    expect(v.connected).toBe(true);
    expect(v.connectedSinceMs).toBeLessThanOrEqual(Date.now());
    expect(v.address).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+/);
  });

  it('gossips through a relay that validated the message', async () => {
    await waitFor(
      'subscriptions',
      () => a.topicPeers('tx').includes(b.peerId) && b.topicPeers('tx').includes(c.peerId),
    );
    await a.publish('tx', good('hotpot-test', 'first'));
    await waitFor('delivery at c', () => seenC.includes('first'));
    expect(seenB).toContain('first');
  });

  it('refuses to publish an oversized message locally', async () => {
    await expect(a.publish('vote', new Uint8Array(2048))).rejects.toMatchObject({
      code: 'MESSAGE_TOO_LARGE',
    });
  });

  it('serves block ranges over the sync protocol, capped in count', async () => {
    const blocks = Array.from({ length: 1000 }, (_, i) => new Uint8Array(100).fill(i % 256));
    a.setBlockProvider(async (from, count) => blocks.slice(from, from + count));
    const got = await b.fetchBlocks(a.peerId, 10, 5);
    expect(got.map((x) => x[0])).toEqual([10, 11, 12, 13, 14]);
    const many = await b.fetchBlocks(a.peerId, 0, 10_000);
    expect(many.length).toBe(512);
    const tail = await b.fetchBlocks(a.peerId, 998, 50);
    expect(tail.length).toBe(2);
  });

  it('rejects bad sync requests with typed errors', async () => {
    await expect(b.fetchBlocks(a.peerId, -1, 5)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(b.fetchBlocks(c.peerId, 0, 5)).rejects.toMatchObject({ code: 'SYNC_REFUSED' });
    await expect(a.fetchBlocks(c.peerId, 0, 1)).rejects.toMatchObject({ code: 'PEER_NOT_CONNECTED' });
  });

  it('times out a sync request to a slow provider', async () => {
    c.setBlockProvider(() => new Promise(() => {}));
    const t0 = Date.now();
    await expect(b.fetchBlocks(c.peerId, 0, 1, { timeoutMs: 500 })).rejects.toMatchObject({
      code: 'SYNC_TIMEOUT',
    });
    expect(Date.now() - t0).toBeLessThan(3_000);
  });

  it('caps a sync response in bytes', async () => {
    const big = await makeNode('hotpot-test', { maxBlockBytes: 1024, maxSyncResponseBytes: 4096 });
    big.setBlockProvider(async (from, count) => Array.from({ length: count }, () => new Uint8Array(1000)));
    await b.addPeer(big.listenAddresses()[0]!);
    const got = await b.fetchBlocks(big.peerId, 0, 100);
    expect(got.length).toBe(4);
    await big.stop();
  });

  it('checks addresses given by hand', async () => {
    await expect(a.addPeer('not an address')).rejects.toBeInstanceOf(P2pError);
    await expect(a.addPeer('/ip4/127.0.0.1/tcp/1')).rejects.toMatchObject({ code: 'BAD_MULTIADDR' });
    await expect(a.addPeer(a.listenAddresses()[0]!)).rejects.toMatchObject({ code: 'BAD_MULTIADDR' });
  });

  it('drops a peer of another chain', async () => {
    const other = await makeNode('hotpot-other');
    await expect(a.addPeer(other.listenAddresses()[0]!)).rejects.toMatchObject({ code: 'WRONG_CHAIN' });
    await waitFor('disconnect', () => !a.peers().some((p) => p.id === other.peerId && p.connected));
    expect(a.bestPeers().map((p) => p.id)).not.toContain(other.peerId);
    await other.stop();
  });

  it('bans a peer that sends garbage and oversized messages, and keeps gossiping with the rest', async () => {
    const bad = await makeNode('hotpot-test');
    await bad.addPeer(b.listenAddresses()[0]!);
    await waitFor('bad subscribed', () => bad.topicPeers('tx').includes(b.peerId));
    for (let i = 0; i < 3; i++) await bad.rawPublishForTests('tx', new Uint8Array(100 * 1024).fill(i));
    for (let i = 0; i < 20 && !b.peers().some((p) => p.id === bad.peerId && p.bannedUntilMs !== null); i++) {
      await bad.rawPublishForTests('tx', new Uint8Array([0xff, 0xfe, i])).catch(() => {});
      await new Promise((r) => setTimeout(r, 50));
    }
    await waitFor('ban', () =>
      b.peers().some((p) => p.id === bad.peerId && p.bannedUntilMs !== null && !p.connected),
    );
    // it cannot come back while banned
    await expect(bad.addPeer(b.listenAddresses()[0]!)).rejects.toBeInstanceOf(P2pError);
    expect(b.peers().find((p) => p.id === bad.peerId)?.connected).toBe(false);
    // and the others carry on
    await a.publish('tx', good('hotpot-test', 'after-ban'));
    await waitFor('delivery after ban', () => seenC.includes('after-ban'));
    expect(seenB.some((s) => s.includes('\ufffd'))).toBe(false);
    await bad.stop();
  });

  it('reconnects a static peer with backoff after it restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotpot-p2p-'));
    dirs.push(dir);
    const s1 = new LibP2pNetwork({
      chainId: 'hotpot-test',
      dataDir: dir,
      listen: ['/ip4/127.0.0.1/tcp/0'],
      mdns: false,
    });
    await s1.start();
    const addr = s1.listenAddresses()[0]!;
    const id = s1.peerId;
    const d = await makeNode('hotpot-test', { staticPeers: [addr] });
    await waitFor('static connect', () =>
      d.peers().some((p) => p.id === id && p.connected && p.source === 'static'),
    );
    await s1.stop();
    await waitFor('static disconnect', () => !d.peers().some((p) => p.id === id && p.connected));
    const s2 = new LibP2pNetwork({
      chainId: 'hotpot-test',
      dataDir: dir,
      listen: [addr.replace(/\/p2p\/.*$/, '')],
      mdns: false,
    });
    await s2.start();
    nets.push(s2);
    await waitFor(
      'static reconnect',
      () => d.peers().some((p) => p.id === s2.peerId && p.connected && p.status !== null),
      10_000,
    );
  });

  it('forgets peers it would not redial once they are gone long enough', async () => {
    let clock = Date.now();
    const dir = mkdtempSync(join(tmpdir(), 'hotpot-p2p-'));
    dirs.push(dir);
    const host = new LibP2pNetwork(
      {
        chainId: 'hotpot-test',
        dataDir: dir,
        listen: ['/ip4/127.0.0.1/tcp/0'],
        mdns: false,
        statusIntervalMs: 100,
        forgetAfterMs: 60_000,
        maxRedialAttempts: 0,
      },
      { now: () => clock },
    );
    await host.start();
    nets.push(host);
    const visitor = await makeNode('hotpot-test');
    const id = visitor.peerId;
    await visitor.addPeer(host.listenAddresses()[0]!);
    await waitFor('inbound visitor', () => host.peers().some((p) => p.id === id && p.connected));
    await visitor.stop();
    await waitFor('visitor gone', () => host.peers().some((p) => p.id === id && !p.connected));
    await new Promise((r) => setTimeout(r, 300));
    expect(host.peers().some((p) => p.id === id)).toBe(true);
    clock += 120_000;
    await waitFor('forgotten', () => !host.peers().some((p) => p.id === id), 3_000);
  });
});
