import { afterEach, describe, expect, it } from 'vitest';
import { MemoryHub, type MemoryNetwork } from '../../../main/p2p/memory-network';
import type { PeerView, Validation } from '../../../main/p2p/types';
import { waitFor } from './wait';

const hash = (n: number): string => `0x${n.toString(16).padStart(64, '0')}`;
let started: MemoryNetwork[] = [];
afterEach(async () => {
  await Promise.all(started.map((n) => n.stop()));
  started = [];
});

async function hubOf(
  ids: string[],
  delayMs = 0,
  chainId = 'hotpot-test',
): Promise<{ hub: MemoryHub; nodes: MemoryNetwork[] }> {
  const hub = new MemoryHub({ delayMs, scores: { banMs: 60_000 } });
  const nodes = ids.map((id) => hub.node(id, chainId));
  await Promise.all(nodes.map((n) => n.start()));
  started.push(...nodes);
  return { hub, nodes };
}

describe('MemoryNetwork', () => {
  it('delivers gossip to every other node after the delay, and never to the sender', async () => {
    const { nodes } = await hubOf(['a', 'b', 'c', 'd'], 20);
    const got: string[] = [];
    for (const n of nodes)
      n.onMessage('vote', async (data, from) => (got.push(`${n.peerId}<${from}:${data[0]}`), 'accept'));
    const t0 = performance.now();
    await nodes[0]!.publish('vote', new Uint8Array([7]));
    await waitFor('3 deliveries', () => got.length === 3);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(15);
    expect(got.sort()).toEqual(['b<a:7', 'c<a:7', 'd<a:7']);
  });

  it('enforces topic limits, penalizes rejects and bans a peer that keeps sending garbage', async () => {
    const { nodes } = await hubOf(['a', 'b']);
    const [a, b] = nodes as [MemoryNetwork, MemoryNetwork];
    let accepted = 0;
    b.onMessage('tx', async (data): Promise<Validation> =>
      data[0] === 1 ? (accepted++, 'accept') : 'reject',
    );
    await expect(a.publish('vote', new Uint8Array(2000))).rejects.toMatchObject({
      code: 'MESSAGE_TOO_LARGE',
    });
    a.rawPublish('vote', new Uint8Array(2000));
    await waitFor('oversize penalty', () => (b.peers()[0]?.score ?? 0) < 0);
    for (let i = 0; i < 12; i++) await a.publish('tx', new Uint8Array([0]));
    await waitFor('ban', () => b.peers()[0]?.bannedUntilMs !== null);
    expect(b.peers()[0]?.connected).toBe(false);
    await a.publish('tx', new Uint8Array([1]));
    await new Promise((r) => setTimeout(r, 20));
    expect(accepted).toBe(0);
  });

  it('exchanges statuses and serves block ranges with the request cap', async () => {
    const { nodes } = await hubOf(['a', 'b', 'c']);
    const [a, b, c] = nodes as [MemoryNetwork, MemoryNetwork, MemoryNetwork];
    a.setStatusProvider(() => ({ height: 10, headHash: hash(10) }));
    c.setStatusProvider(() => ({ height: 5, headHash: hash(5) }));
    a.setBlockProvider(async (from, count) =>
      Array.from({ length: Math.max(0, Math.min(count, 11 - from)) }, (_, i) => new Uint8Array([from + i])),
    );
    expect(b.bestPeers().map((p) => [p.id, p.status?.height])).toEqual([
      ['a', 10],
      ['c', 5],
    ]);
    expect((await b.fetchBlocks('a', 8, 10)).map((x) => x[0])).toEqual([8, 9, 10]);
    await expect(b.fetchBlocks('c', 0, 1)).rejects.toMatchObject({ code: 'SYNC_REFUSED' });
    await expect(b.fetchBlocks('zz', 0, 1)).rejects.toMatchObject({ code: 'PEER_NOT_CONNECTED' });
  });

  it('partitions and heals, telling status listeners', async () => {
    const { hub, nodes } = await hubOf(['a', 'b', 'c', 'd']);
    const seen: PeerView[] = [];
    nodes[0]!.onPeerStatus((p) => seen.push(p));
    const got: string[] = [];
    for (const n of nodes) n.onMessage('proposal', async () => (got.push(n.peerId), 'accept'));
    hub.partition([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(seen.some((p) => p.id === 'c' && !p.connected)).toBe(true);
    expect(nodes[0]!.peerCount()).toBe(1);
    await nodes[0]!.publish('proposal', new Uint8Array([1]));
    await new Promise((r) => setTimeout(r, 10));
    expect(got).toEqual(['b']);
    hub.heal();
    expect(nodes[0]!.peerCount()).toBe(3);
    await nodes[0]!.publish('proposal', new Uint8Array([2]));
    await waitFor('all', () => got.length === 4);
  });

  it('keeps chains apart', async () => {
    const hub = new MemoryHub();
    const a = hub.node('a', 'hotpot-one');
    const b = hub.node('b', 'hotpot-two');
    await Promise.all([a.start(), b.start()]);
    started.push(a, b);
    let n = 0;
    b.onMessage('tx', async () => (n++, 'accept'));
    await a.publish('tx', new Uint8Array([1]));
    await new Promise((r) => setTimeout(r, 10));
    expect(n).toBe(0);
    expect(a.peers()).toEqual([]);
  });
});
