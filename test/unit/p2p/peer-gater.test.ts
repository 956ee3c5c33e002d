import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { afterAll, describe, expect, it } from 'vitest';
import { composeLedgerNode } from '../../../main/app/compose-ledger';
import { genesisHash, genesisToJson, parseGenesis } from '../../../main/chain/genesis';
import { encodeTx } from '../../../main/chain/tx/codec';
import { TxBuilder } from '../../../main/chain/tx/builder';
import { writeGenesis } from '../../../main/node/init';
import { P2pError } from '../../../main/p2p/errors';
import { LibP2pNetwork } from '../../../main/p2p/libp2p-network';
import { loadOrCreatePeerKey } from '../../../main/p2p/peer-key';
import { SILENT_LOG } from '../../../main/p2p/types';
import { testGenesis, testKeys } from '../node/helpers';
import { waitFor } from './wait';

// Real libp2p over 127.0.0.1: the connection gater admits only the peer ids the chain allows (genesis
// `peerIds` or a committed `peer-register`), in both directions.
const dirs: string[] = [];
const nets: LibP2pNetwork[] = [];
const stops: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const s of stops.reverse()) await s();
  await Promise.all(nets.map((n) => n.stop()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function dir(): string {
  const d = mkdtempSync(join(tmpdir(), 'hotpot-gater-'));
  dirs.push(d);
  return d;
}

async function network(allowPeer?: (id: string) => boolean): Promise<LibP2pNetwork> {
  const net = new LibP2pNetwork(
    {
      chainId: 'hotpot-test',
      dataDir: dir(),
      listen: ['/ip4/127.0.0.1/tcp/0'],
      mdns: false,
      statusIntervalMs: 500,
      handshakeTimeoutMs: 3_000,
      backoff: { baseMs: 100, maxMs: 500 },
    },
    { ...(allowPeer ? { allowPeer } : {}) },
  );
  await net.start();
  nets.push(net);
  return net;
}

const connected = (n: LibP2pNetwork, id: string): boolean =>
  n.peers().some((p) => p.id === id && p.connected);

describe('connection gater: only allowed peer ids connect', () => {
  it('refuses an unlisted peer dialing in and does not dial one; a listed one connects', async () => {
    const allowed = new Set<string>();
    const gated = await network((id) => allowed.has(id));
    const member = await network();
    const stranger = await network();
    allowed.add(member.peerId);
    const addr = (n: LibP2pNetwork) => n.listenAddresses()[0] as string;

    // The stranger dials in: the gater refuses it once Noise names it.
    await expect(stranger.addPeer(addr(gated))).rejects.toBeInstanceOf(P2pError);
    expect(connected(gated, stranger.peerId)).toBe(false);
    // The gated node dials the stranger: refused before dialing.
    await expect(gated.addPeer(addr(stranger))).rejects.toMatchObject({ code: 'PEER_NOT_ALLOWED' });
    expect(connected(stranger, gated.peerId)).toBe(false);

    // The listed member connects both ways (the control for the refusals above).
    await member.addPeer(addr(gated));
    await waitFor('member connected to the gated node', () => connected(gated, member.peerId), 10_000);
    const member2 = await network();
    allowed.add(member2.peerId);
    await gated.addPeer(addr(member2));
    expect(connected(gated, member2.peerId)).toBe(true);

    // A peer retired from the list is disconnected on the next check.
    allowed.delete(member.peerId);
    gated.recheckAllowedPeers();
    await waitFor('the retired member disconnected', () => !connected(gated, member.peerId), 10_000);
  }, 60_000);

  it('lets in a peer that HQ registers on chain once the block commits, and drops it when retired', async () => {
    // A single validator V (also HQ) whose node B lists only its own peer id in genesis.
    const [V] = testKeys(1, 700) as [Uint8Array];
    const dataDir = dir();
    mkdirSync(join(dataDir, 'p2p'), { recursive: true });
    const ownId = peerIdFromPrivateKey(
      await loadOrCreatePeerKey(join(dataDir, 'p2p', 'peer-key'), SILENT_LOG),
    ).toString();
    const g = parseGenesis({ ...genesisToJson(testGenesis([V])), peerIds: [ownId] });
    writeGenesis(dataDir, g);
    const b = composeLedgerNode(
      {
        dataDir,
        network: { listen: ['/ip4/127.0.0.1/tcp/0'], staticPeers: [], mdns: false },
        statusIntervalMs: 500,
      },
      { log: SILENT_LOG, privateKey: V },
    );
    stops.push(() => b.stop());
    await b.start();
    expect(b.network.peerId).toBe(ownId);
    const addrB = b.network.listenAddresses()[0] as string;

    const outsider = await network();
    await expect(outsider.addPeer(addrB)).rejects.toBeInstanceOf(P2pError);
    expect(b.network.peers().some((p) => p.id === outsider.peerId && p.connected)).toBe(false);

    const hq = new TxBuilder({ chainId: g.chainId, privateKey: V, fee: g.params.minTxFee });
    const reg = await b.submit(encodeTx(hq.registerPeer(0, { peerId: outsider.peerId, active: true })));
    await waitFor('the registration committed', () => b.store.txByHash(reg.txHash)?.ok === true, 20_000);
    // The outsider keeps redialing (a manual peer); now the gater lets it in.
    await waitFor(
      'the registered peer connected',
      () => b.network.peers().some((p) => p.id === outsider.peerId && p.connected),
      20_000,
    );

    const retire = await b.submit(encodeTx(hq.registerPeer(1, { peerId: outsider.peerId, active: false })));
    await waitFor('the retirement committed', () => b.store.txByHash(retire.txHash)?.ok === true, 20_000);
    await waitFor(
      'the retired peer disconnected',
      () => !b.network.peers().some((p) => p.id === outsider.peerId && p.connected),
      20_000,
    );
  }, 90_000);

  it('a genesis refuses a malformed or repeated peer id; the list is part of its hash', () => {
    const base = genesisToJson(testGenesis(testKeys(1, 700)));
    expect(() => parseGenesis({ ...base, peerIds: ['not-a-peer-id'] })).toThrow(/peerIds\.0/);
    const id = '12D3KooWGzh8QGuy9Tyu8ua9Dx1YAWmuRZsEXpmJJG2Dp6vbTwgE';
    expect(() => parseGenesis({ ...base, peerIds: [id, id] })).toThrow(/twice/);
    // Without the field nothing is appended to the hashed encoding (see genesisHash), so older files keep their hashes.
    const without = genesisHash(parseGenesis(base));
    expect(genesisHash(parseGenesis({ ...base, peerIds: [id] }))).not.toBe(without);
    expect(genesisHash(parseGenesis({ ...base, peerIds: [] }))).not.toBe(without);
  });
});
