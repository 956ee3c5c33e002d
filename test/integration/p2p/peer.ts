import { createInterface } from 'node:readline';
import { LibP2pNetwork, type LibP2pNetworkOptions } from '../../../main/p2p/libp2p-network';
import type { GossipTopic, P2pLog, Validation } from '../../../main/p2p/types';

/**
 * A test peer: one LibP2pNetwork in its own process, driven over stdio with JSON lines, used by the
 * namespace tests (test/integration/p2p) and the benchmark (test/bench/p2p.ts).
 *
 * Commands (stdin): `{ id, cmd: 'publish', topic, body }`, `{ id, cmd: 'garbage', count }`,
 * `{ id, cmd: 'oversized', count }`, `{ id, cmd: 'fetch', peer, from, count }`,
 * `{ id, cmd: 'sync', peer, from, to, batch }`, `{ id, cmd: 'peers' }`, `{ id, cmd: 'add', addr }`,
 * `{ id, cmd: 'stop' }`, `{ id, cmd: 'raw', topic, hex, count }`.
 * Events (stdout): `{ ev: 'ready', peerId, addrs }`, `{ ev: 'msg', topic, body, from, sentAtMs, atMs }`,
 * `{ ev: 'reply', id, ok, value | error }`.
 */
export interface PeerConfig {
  chainId: string;
  dataDir: string;
  listen: string[];
  mdns: boolean;
  mdnsIntervalMs?: number;
  staticPeers?: string[];
  /** Blocks this peer serves over sync (synthetic: height ‖ tx count ‖ filler). */
  blocks?: number;
  txPerBlock?: number;
  txBytes?: number;
  height?: number;
}

/** The gossip payload of test peers: JSON, checked by the receiving handler. */
export interface TestMessage {
  chainId: string;
  body: string;
  sentAtMs: number;
}

/** Wall-clock ms with sub-ms precision, comparable across processes on one machine. */
export const nowMs = (): number => performance.timeOrigin + performance.now();

/** A synthetic block of `txCount` transactions of `txBytes` each, with a 4-signature commit. */
export function syntheticBlock(height: number, txCount: number, txBytes: number): Uint8Array {
  const b = new Uint8Array(8 + txCount * txBytes + 4 * 65);
  const v = new DataView(b.buffer);
  v.setUint32(0, height);
  v.setUint16(4, txCount);
  for (let i = 8; i < b.length; i++) b[i] = (height * 31 + i) & 0xff;
  return b;
}

/** Reads back what `syntheticBlock` wrote. */
export function readSyntheticBlock(b: Uint8Array): { height: number; txCount: number } {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return { height: v.getUint32(0), txCount: v.getUint16(4) };
}

/** Checks and applies one block; the node driver's verifier will take this place. */
export type BlockVerifier = (block: Uint8Array, expectedHeight: number) => Promise<{ txCount: number }>;

/** What a replay measured. */
export interface ReplayResult {
  blocks: number;
  txs: number;
  bytes: number;
  ms: number;
}

/**
 * Fetches heights `from..to` in batches and verifies each block in order, fetching the next batch
 * while the current one is verified (as a syncing node would). The rate it reports is the sync rate
 * with whatever checks `verify` does.
 */
export async function replay(
  fetch: (from: number, count: number) => Promise<Uint8Array[]>,
  verify: BlockVerifier,
  range: { from: number; to: number; batch: number },
): Promise<ReplayResult> {
  const t0 = nowMs();
  let next = range.from;
  let bytes = 0;
  let txs = 0;
  const want = (h: number): number => Math.min(range.batch, range.to - h + 1);
  let inflight: Promise<Uint8Array[]> | null = fetch(next, want(next));
  while (inflight) {
    const blocks: Uint8Array[] = await inflight;
    if (blocks.length === 0) throw new Error(`peer has no block ${next}`);
    const after: number = next + blocks.length;
    inflight = after <= range.to ? fetch(after, want(after)) : null;
    for (const b of blocks) {
      txs += (await verify(b, next)).txCount;
      bytes += b.length;
      next += 1;
    }
  }
  return { blocks: next - range.from, txs, bytes, ms: nowMs() - t0 };
}

const hash = (n: number): string => `0x${n.toString(16).padStart(64, '0')}`;

/** Runs a peer until stdin closes or `stop` comes. */
export async function runPeer(cfg: PeerConfig): Promise<void> {
  const out = (o: object): void => void process.stdout.write(JSON.stringify(o) + '\n');
  const log: P2pLog = {
    debug() {},
    info() {},
    warn: (o, m) => process.stderr.write(`warn ${m} ${JSON.stringify(o)}\n`),
    error: (o, m) => process.stderr.write(`error ${m} ${JSON.stringify(o)}\n`),
  };
  const opts: LibP2pNetworkOptions = {
    chainId: cfg.chainId,
    dataDir: cfg.dataDir,
    listen: cfg.listen,
    mdns: cfg.mdns ? { intervalMs: cfg.mdnsIntervalMs ?? 1_000 } : false,
    staticPeers: cfg.staticPeers ?? [],
    statusIntervalMs: 1_000,
    pingIntervalMs: 1_000,
    handshakeTimeoutMs: 5_000,
    backoff: { baseMs: 200, maxMs: 2_000 },
  };
  const net = new LibP2pNetwork(opts, { log });
  const height = cfg.height ?? cfg.blocks ?? 0;
  net.setStatusProvider(() => ({ height, headHash: hash(height) }));
  const txPerBlock = cfg.txPerBlock ?? 20;
  const txBytes = cfg.txBytes ?? 200;
  if (cfg.blocks !== undefined) {
    const n = cfg.blocks;
    net.setBlockProvider(async (from, count) => {
      const res: Uint8Array[] = [];
      for (let h = from; h < Math.min(n + 1, from + count); h++)
        if (h >= 1) res.push(syntheticBlock(h, txPerBlock, txBytes));
      return res;
    });
  }
  const dec = new TextDecoder('utf-8', { fatal: true });
  for (const topic of ['tx', 'proposal', 'vote'] as GossipTopic[]) {
    net.onMessage(topic, async (data, from): Promise<Validation> => {
      let m: TestMessage;
      try {
        m = JSON.parse(dec.decode(data)) as TestMessage;
      } catch {
        return 'reject';
      }
      if (typeof m !== 'object' || m === null || m.chainId !== cfg.chainId || typeof m.body !== 'string')
        return 'reject';
      out({ ev: 'msg', topic, body: m.body, from, sentAtMs: m.sentAtMs, atMs: nowMs() });
      return 'accept';
    });
  }
  await net.start();
  out({
    ev: 'ready',
    peerId: net.peerId,
    addrs: net.listenAddresses(),
    mdnsInterfaces: net.mdnsInterfaces(),
  });

  const enc = new TextEncoder();
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await net.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  const rl = createInterface({ input: process.stdin });
  rl.on('close', () => void stop());
  for await (const line of rl) {
    if (!line.trim()) continue;
    const c = JSON.parse(line) as Record<string, unknown> & { id: number; cmd: string };
    const reply = (value: unknown): void => out({ ev: 'reply', id: c.id, ok: true, value });
    const fail = (err: unknown): void =>
      out({
        ev: 'reply',
        id: c.id,
        ok: false,
        error: { code: (err as { code?: string }).code, message: (err as Error).message },
      });
    void (async () => {
      try {
        switch (c.cmd) {
          case 'publish': {
            const msg: TestMessage = {
              chainId: (c.chainId as string | undefined) ?? cfg.chainId,
              body: c.body as string,
              sentAtMs: nowMs(),
            };
            await net.publish(c.topic as GossipTopic, enc.encode(JSON.stringify(msg)));
            return reply(null);
          }
          case 'garbage': {
            for (let i = 0; i < (c.count as number); i++) {
              const junk = new Uint8Array(64).map(() => Math.floor(Math.random() * 256));
              await net.rawPublishForTests('tx', junk).catch(() => {});
            }
            return reply(null);
          }
          case 'raw': {
            // Well-formed framing, chosen payload (e.g. a transaction with a bad signature).
            const bytes = Uint8Array.from(Buffer.from(String(c.hex).replace(/^0x/, ''), 'hex'));
            for (let i = 0; i < ((c.count as number | undefined) ?? 1); i++)
              await net.rawPublishForTests(c.topic as GossipTopic, bytes).catch(() => {});
            return reply(null);
          }
          case 'oversized': {
            for (let i = 0; i < (c.count as number); i++)
              await net.rawPublishForTests('vote', new Uint8Array(8 * 1024).fill(i)).catch(() => {});
            return reply(null);
          }
          case 'fetch': {
            const blocks = await net.fetchBlocks(c.peer as string, c.from as number, c.count as number);
            return reply(blocks.map((b) => readSyntheticBlock(b).height));
          }
          case 'sync': {
            const r = await replay(
              (from, count) => net.fetchBlocks(c.peer as string, from, count),
              async (b, expected) => {
                const h = readSyntheticBlock(b);
                if (h.height !== expected) throw new Error(`expected block ${expected}, got ${h.height}`);
                return { txCount: h.txCount };
              },
              { from: c.from as number, to: c.to as number, batch: c.batch as number },
            );
            return reply(r);
          }
          case 'peers':
            return reply(net.peers());
          case 'add':
            return reply(await net.addPeer(c.addr as string));
          case 'stop':
            reply(null);
            return void (await stop());
          default:
            throw new Error(`unknown command ${c.cmd}`);
        }
      } catch (err) {
        fail(err);
      }
    })();
  }
}
