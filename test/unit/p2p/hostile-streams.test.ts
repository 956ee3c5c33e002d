import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { identify } from '@libp2p/identify';
import type { Libp2p } from '@libp2p/interface';
import { tcp } from '@libp2p/tcp';
import { multiaddr } from '@multiformats/multiaddr';
import * as lp from 'it-length-prefixed';
import { createLibp2p } from 'libp2p';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibP2pNetwork } from '../../../main/p2p/libp2p-network';
import { encodeJson, protocolIds } from '../../../main/p2p/wire';
import { waitFor } from './wait';

// A hand-made libp2p peer that speaks our protocol ids but sends whatever it likes on the streams.
// The node must penalize it and go on serving everyone else: no crash, no stall.
const CHAIN = 'hotpot-test';
const ids = protocolIds(CHAIN);
const dirs: string[] = [];
let node: LibP2pNetwork;
let good: LibP2pNetwork;
let rogue: Libp2p;

beforeAll(async () => {
  const mk = async (): Promise<LibP2pNetwork> => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hotpot-p2p-hostile-'));
    dirs.push(dataDir);
    const n = new LibP2pNetwork({
      chainId: CHAIN,
      dataDir,
      listen: ['/ip4/127.0.0.1/tcp/0'],
      mdns: false,
      handshakeTimeoutMs: 2_000,
      syncTimeoutMs: 1_000,
    });
    await n.start();
    return n;
  };
  [node, good] = await Promise.all([mk(), mk()]);
  node.setBlockProvider(async (from, count) =>
    Array.from({ length: count }, (_, i) => new Uint8Array([from + i])),
  );
  rogue = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify() },
  });
  // answer the node's status handshake properly, so it keeps talking to us
  await rogue.handle(ids.status, async (stream) => {
    for await (const _ of lp.decode(stream, { maxDataLength: 512 })) {
      stream.send(
        lp.encode.single(encodeJson({ v: 1, chainId: CHAIN, height: 0, headHash: `0x${'00'.repeat(32)}` })),
      );
      await stream.close();
      return;
    }
  });
});

afterAll(async () => {
  await Promise.all([node.stop(), good.stop(), rogue.stop()]);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const nodeAddr = () => multiaddr(node.listenAddresses()[0]!);
const scoreOfRogue = () => node.peers().find((p) => p.id === rogue.peerId.toString());

describe('hostile streams', () => {
  it('a sync request with a huge length prefix is cut off and penalized', async () => {
    const s = await rogue.dialProtocol(nodeAddr(), ids.sync);
    s.send(new Uint8Array([0xff, 0xff, 0xff, 0x7f, 1, 2, 3])); // varint ≈ 268 MB
    await waitFor('penalty', () => (scoreOfRogue()?.score ?? 0) < 0, 5_000);
  });

  it('an undecodable sync request gets a BAD_REQUEST answer and a penalty', async () => {
    const before = scoreOfRogue()?.score ?? 0;
    const s = await rogue.dialProtocol(nodeAddr(), ids.sync);
    s.send(lp.encode.single(new TextEncoder().encode('{"v":1,"fromHeight":"x"}')));
    const frames = lp.decode(s, { maxDataLength: 1024 });
    const first = await frames.next();
    expect(new TextDecoder().decode(first.value!.subarray())).toMatch(/"ok":false,"code":"BAD_REQUEST"/);
    await waitFor('lower score', () => (scoreOfRogue()?.score ?? 0) < before, 5_000);
  });

  it('a too-large range is refused with the limit', async () => {
    const s = await rogue.dialProtocol(nodeAddr(), ids.sync);
    s.send(lp.encode.single(encodeJson({ v: 1, fromHeight: 0, count: 100_000 })));
    const first = await lp.decode(s, { maxDataLength: 1024 }).next();
    expect(new TextDecoder().decode(first.value!.subarray())).toMatch(/RANGE_TOO_LARGE.*at most 512 blocks/);
  });

  it('an idle sync stream is closed at the deadline', async () => {
    const s = await rogue.dialProtocol(nodeAddr(), ids.sync);
    const t0 = Date.now();
    await new Promise<void>((resolve) => s.addEventListener('close', () => resolve(), { once: true }));
    expect(Date.now() - t0).toBeLessThan(4_000);
  });

  it('a garbage status gets the peer penalized and disconnected', async () => {
    const s = await rogue.dialProtocol(nodeAddr(), ids.status);
    s.send(lp.encode.single(new Uint8Array([0xde, 0xad, 0xbe, 0xef])));
    await waitFor('disconnect', () => rogue.getConnections().length === 0, 5_000);
  });

  it('still serves an honest peer', async () => {
    await good.addPeer(node.listenAddresses()[0]!);
    expect((await good.fetchBlocks(node.peerId, 5, 3)).map((b) => b[0])).toEqual([5, 6, 7]);
  });
});
