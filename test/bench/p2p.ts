// bin/hotpot bench p2p [--messages N] [--blocks N] [--batch N] [--tx-per-block N] [--tx-bytes N]
//                      [--sync-blocks N] [--sync-tx-per-block N] [--sync-senders N] [--sync-batch N]
//                      [--rebuild-chain] [--only-full-sync]
// Prints one JSON object: gossip latency p50/p99 across four real processes on loopback, the sync
// transfer rate of 10,000 synthetic blocks between two of them, and `sync_full_checks`: a fresh
// observer NodeService catching up 10,000 real blocks from a source node over libp2p with every
// check (commit signatures, tx signatures, state roots, ledger.db writes); see p2p/full-sync.ts.
// The same file is the peer process (`p2p.js --peer '<config>'`) and the sync source
// (`p2p.js --chain-source '<config>'`). Figures depend on the machine; say when they were taken on a shared one.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPeer, type PeerProc } from '../integration/p2p/harness';
import { runPeer, type PeerConfig, type ReplayResult } from '../integration/p2p/peer';
import { ensureBenchChain } from './p2p/bench-chain';
import { type ChainSourceConfig, measureFullSync, runChainSource } from './p2p/full-sync';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : dflt;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const flag = (name: string): boolean => process.argv.includes(`--${name}`);

/** Makes (or reuses) the cached 10,000-block chain and syncs a fresh observer from it. */
async function fullSync(self: string): Promise<Record<string, unknown>> {
  const blocks = arg('sync-blocks', 10_000);
  const txPerBlock = arg('sync-tx-per-block', 20);
  const senders = arg('sync-senders', 1_000);
  const batch = process.argv.includes('--sync-batch') ? arg('sync-batch', 64) : undefined;
  const chain = await ensureBenchChain({
    blocks,
    txPerBlock,
    senders,
    rebuild: flag('rebuild-chain'),
    progress: (line) => process.stderr.write(line + '\n'),
  });
  const r = await measureFullSync({
    chainDir: chain.dir,
    info: chain.info,
    self,
    ...(batch ? { batchBlocks: batch } : {}),
  });
  if (!r.same_head) throw new Error('the observer finished with another head or state root than the source');
  return { ...r, target_tx_per_s: 5_000, target_met: r.tx_per_s >= 5_000 };
}

const round = (x: number, d = 2): number => Math.round(x * 10 ** d) / 10 ** d;

async function waitUntil(what: string, cond: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main(): Promise<void> {
  const messagesPerPeer = arg('messages', 100);
  const blocks = arg('blocks', 10_000);
  const batch = arg('batch', 512);
  const txPerBlock = arg('tx-per-block', 20);
  const txBytes = arg('tx-bytes', 200);
  const self = fileURLToPath(import.meta.url);
  if (flag('only-full-sync')) {
    const sync_full_checks = await fullSync(self);
    process.stdout.write(JSON.stringify({ bench: 'p2p', machine: machine(), sync_full_checks }) + '\n');
    return;
  }
  const dirs: string[] = [];
  const peers: PeerProc[] = [];
  const cfg = (extra: Partial<PeerConfig>): PeerConfig => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hotpot-bench-p2p-'));
    dirs.push(dataDir);
    return { chainId: 'hotpot-bench', dataDir, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false, ...extra };
  };
  try {
    // four processes, full mesh through static peers (each lists the ones started before it)
    for (let i = 0; i < 4; i++) {
      const statics = peers.map((p) => p.addrs[0]!);
      peers.push(
        await startPeer(
          `p${i}`,
          [self, '--peer'],
          cfg({ staticPeers: statics, ...(i === 0 ? { blocks, txPerBlock, txBytes } : {}) }),
        ),
      );
    }
    await waitUntil(
      'full mesh',
      async () =>
        (
          await Promise.all(
            peers.map((p) => p.request<Array<{ connected: boolean; status: unknown }>>('peers')),
          )
        ).every((v) => v.filter((x) => x.connected && x.status).length === 3),
      30_000,
    );
    // let gossipsub exchange subscriptions and build its mesh (one heartbeat is 1 s)
    await new Promise((r) => setTimeout(r, 2_000));

    // gossip latency: each peer publishes votes at 20 ms intervals, interleaved
    for (let k = 0; k < messagesPerPeer; k++) {
      await Promise.all(peers.map((p, i) => p.request('publish', { topic: 'vote', body: `m-${i}-${k}` })));
      await new Promise((r) => setTimeout(r, 20));
    }
    const expected = messagesPerPeer * 4 * 3;
    const end = Date.now() + 15_000;
    while (
      peers.reduce((n, p) => n + p.received.filter((m) => m.body.startsWith('m-')).length, 0) < expected &&
      Date.now() < end
    ) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const lat = peers
      .flatMap((p) => p.received.filter((m) => m.body.startsWith('m-')).map((m) => m.atMs - m.sentAtMs))
      .sort((a, b) => a - b);

    // sync: p1 fetches all blocks from p0 in batches, checking heights as it goes
    const sync = await peers[1]!.request<ReplayResult>('sync', {
      peer: peers[0]!.peerId,
      from: 1,
      to: blocks,
      batch,
    });
    const seconds = sync.ms / 1000;
    // The four gossip/sync processes are done: stop them before the full-check sync takes the CPU.
    await Promise.all(peers.splice(0).map((p) => p.stop()));
    const sync_full_checks = await fullSync(self);
    process.stdout.write(
      JSON.stringify({
        bench: 'p2p',
        machine: machine(),
        gossip: {
          processes: 4,
          topology: 'full mesh over 127.0.0.1 (TCP + Noise + Yamux, gossipsub)',
          messages: messagesPerPeer * 4,
          deliveries_expected: expected,
          deliveries: lat.length,
          latency_p50_ms: round(percentile(lat, 50)),
          latency_p99_ms: round(percentile(lat, 99)),
          latency_max_ms: round(lat.at(-1) ?? NaN),
        },
        sync: {
          blocks: sync.blocks,
          txs: sync.txs,
          block_bytes: Math.round(sync.bytes / Math.max(1, sync.blocks)),
          batch,
          ms: round(sync.ms, 0),
          blocks_per_s: round(sync.blocks / seconds, 0),
          tx_per_s: round(sync.txs / seconds, 0),
          mb_per_s: round(sync.bytes / 1e6 / seconds),
          checks: 'transfer + height order only (synthetic blocks)',
        },
        sync_full_checks,
        notes: [
          'sync is the raw transfer of synthetic blocks; sync_full_checks is the node catching up real blocks through its own sync path',
          'figures taken on whatever machine runs this; on a shared machine they vary with load',
        ],
      }) + '\n',
    );
  } finally {
    await Promise.all(peers.map((p) => p.stop()));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

function machine(): Record<string, unknown> {
  return { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version };
}

const peerFlag = process.argv.indexOf('--peer');
const sourceFlag = process.argv.indexOf('--chain-source');
if (sourceFlag >= 0) {
  await runChainSource(JSON.parse(process.argv[sourceFlag + 1] ?? '{}') as ChainSourceConfig);
} else if (peerFlag >= 0) {
  await runPeer(JSON.parse(process.argv[peerFlag + 1] ?? '{}') as PeerConfig);
} else {
  await main();
  process.exit(0);
}
