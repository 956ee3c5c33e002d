import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Block, ZERO_HASH, blockHash, encodeBlock } from '../../../main/chain/block';
import { keccak256, toHex } from '../../../main/chain/bytes';
import type { Genesis } from '../../../main/chain/genesis';
import { privateKeyToAddress } from '../../../main/chain/keys';
import type { Hash, Proposal } from '../../../main/chain/types';
import { encodeProposal, encodeVote, signProposal, signVote } from '../../../main/chain/vote';
import { composeLedgerNode } from '../../../main/app/compose-ledger';
import { encodeProposalMessage, wrapGossip } from '../../../main/node/messages';
import { FutureMessages } from '../../../main/node/future-messages';
import type { NodeService } from '../../../main/node/node-service';
import { LibP2pNetwork } from '../../../main/p2p/libp2p-network';
import { tempDir } from '../../helpers/tmp';
import { SILENT_LOG, nodeDir, testGenesis, testKeys, waitFor } from './helpers';

// One validator V (not running, so the chain stays at height 0 and the node decides height 1), an
// observer B running the real driver over libp2p on 127.0.0.1, an attacker A with a key outside the
// validator set, and a watcher C that counts what B relays. A and C connect to B only.
const [V, X] = testKeys(2, 900) as [Uint8Array, Uint8Array];
const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

let seq = 0n;
const gossip = (payload: Uint8Array): Uint8Array => wrapGossip(++seq, payload);

function vote(key: Uint8Array, height: number, round: number): Uint8Array {
  const v = signVote(
    'hotpot-test',
    {
      type: 'prevote',
      height,
      round,
      blockHash: null,
    },
    key,
  );
  return gossip(encodeVote(v));
}

/** A decodable block of `height` (no transactions) and its bytes. */
function block(height: number, round: number, proposer: Uint8Array): { hash: Hash; bytes: Uint8Array } {
  const b: Block = {
    header: {
      chainId: 'hotpot-test',
      height,
      round,
      timeMs: 1_700_000_000_000 + round,
      previousHash: ZERO_HASH,
      txRoot: ZERO_HASH,
      stateRoot: ZERO_HASH,
      proposer: privateKeyToAddress(proposer),
      validatorSetHash: ZERO_HASH,
      lastCommitHash: ZERO_HASH,
      evidenceHash: ZERO_HASH,
    },
    txs: [],
    lastCommit: null,
    evidence: [],
  };
  return { hash: blockHash(b.header), bytes: encodeBlock(b) };
}

function proposal(
  key: Uint8Array,
  p: { height: number; round: number; blockHash: Hash; proposer?: Uint8Array },
  blockBytes: Uint8Array,
): Uint8Array {
  const signed: Proposal = signProposal(
    'hotpot-test',
    { height: p.height, round: p.round, blockHash: p.blockHash, polRound: -1 },
    key,
  );
  // Naming another proposer than the signer makes the signature wrong.
  const named = p.proposer ? { ...signed, proposer: privateKeyToAddress(p.proposer) } : signed;
  return gossip(encodeProposalMessage(encodeProposal(named), blockBytes));
}

async function network(extra: { listen?: string[] } = {}): Promise<LibP2pNetwork> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hotpot-admit-'));
  const net = new LibP2pNetwork({
    chainId: 'hotpot-test',
    dataDir,
    listen: extra.listen ?? ['/ip4/127.0.0.1/tcp/0'],
    mdns: false,
    statusIntervalMs: 500,
    pingIntervalMs: 500,
    handshakeTimeoutMs: 3_000,
    maxBlockBytes: 8 * 1024 * 1024,
  });
  cleanups.push(async () => {
    await net.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return net;
}

describe('gossip admission over libp2p (a key outside the validator set)', () => {
  let g: Genesis;
  let b: NodeService;
  let netB: LibP2pNetwork;
  let a: LibP2pNetwork;
  let c: LibP2pNetwork;
  let d: LibP2pNetwork;
  const atC: string[] = [];

  beforeAll(async () => {
    g = testGenesis([V]);
    const root = tempDir('hotpot-admit-');
    cleanups.push(root.cleanup);
    netB = await network();
    b = composeLedgerNode(
      {
        dataDir: nodeDir(root.path, 'b', g),
        sync: { checkIntervalMs: 200 },
        consensus: { maxBufferedBytes: 4_096 },
      },
      { log: SILENT_LOG, network: netB, privateKey: null },
    );
    cleanups.push(() => b.stop());
    await b.start();
    a = await network();
    c = await network();
    d = await network();
    for (const n of [a, c, d]) await n.start();
    c.onMessage('vote', async (bytes) => {
      atC.push(`vote:${bytes.length}`);
      return 'accept';
    });
    c.onMessage('proposal', async (bytes) => {
      atC.push(`proposal:${bytes.length}`);
      return 'accept';
    });
    const addrB = netB.listenAddresses()[0] as string;
    for (const n of [a, c, d]) await n.addPeer(addrB);
    await waitFor(
      'A, C and D in B’s vote and proposal meshes',
      () =>
        [a, c, d].every((n) => netB.topicPeers('vote').includes(n.peerId)) &&
        [a, c, d].every((n) => netB.topicPeers('proposal').includes(n.peerId)) &&
        c.topicPeers('vote').includes(netB.peerId),
      15_000,
    );
    expect(b.driver.height).toBe(1);
  }, 60_000);

  it('relays and keeps a validator’s next-height vote (the control for the counters below)', async () => {
    await d.publish('vote', vote(V, 2, 0));
    await waitFor('the validator’s vote relayed to C', () => atC.length === 1, 10_000);
    expect(b.driver.buffered().messages).toBe(1);
  });

  it('refuses a bad-signature proposal before decoding its block', async () => {
    const before = b.driver.stats.proposalBlocksDecoded;
    const invalidBefore = b.driver.stats.invalidMessages;
    const good = block(2, 0, V);
    // Names V as proposer but is signed by X; its block body is garbage that would throw on decode.
    const garbage = new Uint8Array(1_000).fill(0xee);
    await d.publish(
      'proposal',
      proposal(X, { height: 2, round: 0, blockHash: good.hash, proposer: V }, garbage),
    );
    await waitFor(
      'the forged proposal rejected',
      () => b.driver.stats.invalidMessages > invalidBefore,
      10_000,
    );
    expect(b.driver.stats.proposalBlocksDecoded).toBe(before);
    // Control: V's own proposal with a decodable block is decoded (and kept for height 2).
    await d.publish('proposal', proposal(V, { height: 2, round: 0, blockHash: good.hash }, good.bytes));
    await waitFor('V’s proposal decoded', () => b.driver.stats.proposalBlocksDecoded === before + 1, 10_000);
    await waitFor('V’s proposal relayed to C', () => atC.some((m) => m.startsWith('proposal')), 10_000);
    // A signature over one block hash with another block attached is refused after the decode.
    const other = block(2, 1, V);
    const inv = b.driver.stats.invalidMessages;
    await d.publish('proposal', proposal(V, { height: 2, round: 1, blockHash: good.hash }, other.bytes));
    await waitFor('the mismatched block refused', () => b.driver.stats.invalidMessages === inv + 1, 10_000);
  });

  it('keeps the buffer for the next height under its byte cap', async () => {
    // 40 distinct votes of V for height 2 (rounds 1…40), ~150 bytes each: 6 KB against a 4 KiB cap.
    const relayed = atC.length;
    for (let r = 1; r <= 40; r++) await d.publish('vote', vote(V, 2, r));
    await waitFor('the 40 votes relayed to C', () => atC.length === relayed + 40, 15_000);
    const kept = b.driver.buffered();
    expect(kept.bytes).toBeLessThanOrEqual(4_096);
    expect(kept.messages).toBeGreaterThan(10);
    expect(kept.messages).toBeLessThan(41);
  });

  it('relays and keeps nothing from a throwaway key, does not raise the sync hint, and bans the sender', async () => {
    const relayedBefore = atC.length;
    const keptBefore = b.driver.buffered();
    const invalidBefore = b.driver.stats.invalidMessages;
    const decodedBefore = b.driver.stats.proposalBlocksDecoded;
    const big = new Uint8Array(3 * 1024 * 1024).fill(7);
    const bigHash = toHex(keccak256(big));
    // Each round makes new envelopes (gossipsub drops a byte-identical message it has seen).
    for (let i = 0; i < 4; i++) {
      const votes = [vote(X, 2, i), vote(X, 3, i), vote(X, 1_000_000, i)];
      const proposals = [
        proposal(X, { height: 2, round: i, blockHash: bigHash }, big),
        proposal(X, { height: 1_000_000, round: i, blockHash: bigHash }, big),
      ];
      // After the ban the publishes reach nobody.
      for (const m of votes) await a.publish('vote', m).catch(() => {});
      for (const m of proposals) await a.publish('proposal', m).catch(() => {});
    }
    await waitFor(
      'A banned by B',
      () => netB.peers().some((p) => p.id === a.peerId && p.bannedUntilMs !== null),
      20_000,
    );
    // Heights 2 and 3 (whose set B knows) are rejected; 1,000,000 (a set not known yet) only ignored.
    expect(b.driver.stats.invalidMessages).toBeGreaterThanOrEqual(invalidBefore + 4);
    expect(b.driver.stats.proposalBlocksDecoded).toBe(decodedBefore);
    expect(b.driver.buffered()).toEqual(keptBefore);
    // V's next-height messages above hinted at most height 1; A's at height 1,000,000 did not count.
    expect(b.syncer.hintedHeight).toBeLessThan(2);
    // A marker from D after the ban: once C has it, anything B relayed from A before would be there too.
    await d.publish('vote', vote(V, 2, 99));
    await waitFor('the marker relayed to C', () => atC.length === relayedBefore + 1, 10_000);
    // A validator's vote far ahead raises the sync hint (the control for the assertion above).
    await d.publish('vote', vote(V, 5, 0));
    await waitFor('the sync hint raised by V', () => b.syncer.hintedHeight === 4, 10_000);
  }, 60_000);
});

describe('FutureMessages', () => {
  const m = (n: number) => ({ topic: 'vote' as const, bytes: new Uint8Array(n), from: 'p' });

  it('evicts the oldest to stay under its byte and message caps, and keeps a key once', () => {
    const buf = new FutureMessages({ maxMessages: 3, maxBytes: 250 });
    buf.add('a', m(100));
    buf.add('a', m(100));
    expect(buf.size).toBe(1);
    buf.add('b', m(100));
    buf.add('c', m(100)); // 300 bytes > 250: 'a' goes
    expect(buf.bytes).toBe(200);
    buf.add('d', m(10));
    buf.add('e', m(10)); // 4 messages > 3: 'b' goes
    expect(buf.size).toBe(3);
    buf.add('huge', m(251)); // larger than the whole cap: not kept, nothing evicted
    expect(buf.takeAll().map((x) => x.bytes.length)).toEqual([100, 10, 10]);
    expect(buf.size).toBe(0);
    expect(buf.bytes).toBe(0);
  });
});
