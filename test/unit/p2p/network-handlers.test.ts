import { afterEach, describe, expect, it } from 'vitest';
import { methods } from '../../../main/api/contract';
import { forwardPeerEvents, networkHandlers } from '../../../main/api/handlers/network';
import { MemoryHub, type MemoryNetwork } from '../../../main/p2p/memory-network';

const started: MemoryNetwork[] = [];
afterEach(async () => Promise.all(started.splice(0).map((n) => n.stop())));

describe('network handlers', () => {
  it('answer with data that passes the contract schemas, and push peer changes', async () => {
    const hub = new MemoryHub();
    const [a, b] = [hub.node('a', 'hotpot-test'), hub.node('b', 'hotpot-test')];
    b.setStatusProvider(() => ({ height: 12, headHash: `0x${'11'.repeat(32)}` }));
    const pushed: unknown[] = [];
    const off = forwardPeerEvents(a, (p) => pushed.push(p), 10);
    await a.start();
    await b.start();
    started.push(a, b);
    const h = networkHandlers({ network: a });
    const ctx = {} as never;
    const peers = await h['network.peers']({}, ctx);
    expect(methods['network.peers'].output.parse(peers)).toEqual([
      { id: 'b', address: '/memory/b', source: 'static', connected: true, latencyMs: 0, score: 0, height: 12, bannedUntilMs: null },
    ]);
    expect(methods['network.addresses'].output.parse(await h['network.addresses']({}, ctx))).toEqual({ peerId: 'a', addresses: ['/memory/a'] });
    await new Promise((r) => setTimeout(r, 30));
    expect(pushed.length).toBe(1);
    off();
  });
});
