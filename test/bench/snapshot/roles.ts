/**
 * The processes of the snapshot benchmark. The source serves the cached chain: a `NodeService` with
 * the chain's validator key (so it goes on making a block about once a second) that keeps one snapshot
 * of its head. A joiner is a fresh observer `NodeService` with the same genesis that catches up over
 * libp2p on 127.0.0.1 from the source alone, either from a snapshot or by full range sync; it reports
 * its time to the target head, the bytes it fetched, its own peak RSS, the hashes of the blocks after
 * the target and (from a snapshot) how long back-filling the history took. Each prints JSON lines.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { composeLedgerNode } from '../../../main/app/compose-ledger';
import { LibP2pNetwork } from '../../../main/p2p/libp2p-network';
import type { P2pLog } from '../../../main/p2p/types';
import { snapshotBenchKey } from './build-chain';

/** The source's configuration (`snapshot.js --source '<json>'`). */
export interface SourceConfig {
  dataDir: string;
}

/** A joiner's configuration (`snapshot.js --joiner '<json>'`). */
export interface JoinerConfig {
  dataDir: string;
  peer: string;
  mode: 'snapshot' | 'full';
  /** The source's head when the joiner started: the height it must reach. */
  target: number;
  /** Blocks after the target whose hashes are compared. */
  later: number;
  /** How long to wait for the back-fill (snapshot mode), ms. */
  backfillTimeoutMs: number;
}

/** What a joiner reports. */
export interface JoinerResult {
  mode: 'snapshot' | 'full';
  target: number;
  /** From `start()` to the target height, s. */
  time_to_head_s: number;
  /** Bytes received by sync and snapshot queries until the target. */
  bytes_to_head: number;
  /** Peak RSS of the process until the target (VmHWM), MiB. */
  peak_rss_mib: number;
  /** RSS before the node started, MiB. */
  start_rss_mib: number;
  /** Height the snapshot was taken at (snapshot mode). */
  snapshot_height: number | null;
  snapshot_bytes: number | null;
  headers_verified: number | null;
  /** The target block's state root and the hashes of `later` blocks after it. */
  state_root: string;
  hashes: Record<number, string>;
  /** Snapshot mode: time until every block down to 1 was back-filled, s (null: not within the timeout). */
  backfill_s: number | null;
  bytes_total: number;
  peak_rss_total_mib: number;
  cpu_s: { user: number; system: number };
}

const log: P2pLog = {
  debug() {},
  info() {},
  warn: (o, m) => process.stderr.write(`warn ${m} ${JSON.stringify(o)}\n`),
  error: (o, m) => process.stderr.write(`error ${m} ${JSON.stringify(o)}\n`),
};

/** The VmHWM (peak resident set) or VmRSS of this process, MiB. */
export function memoryMiB(field: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs the source until stdin closes. */
export async function runSource(cfg: SourceConfig): Promise<void> {
  const node = composeLedgerNode(
    {
      dataDir: cfg.dataDir,
      network: { listen: ['/ip4/127.0.0.1/tcp/0'], staticPeers: [], mdns: false },
      verifyWorkers: 0,
      // One snapshot, of the head at start (none kept yet); no more during the run.
      snapshot: { join: false, minBlocksAhead: 1, waitForPeersMs: 0, intervalBlocks: 1e9, keep: 1 },
    },
    { log, privateKey: snapshotBenchKey(0) },
  );
  const t0 = performance.now();
  await node.start();
  await node.ready();
  while ((node.snapshots?.heights().length ?? 0) === 0) await sleep(20);
  const snapshotMs = Math.round(performance.now() - t0);
  const a = node.addresses();
  process.stdout.write(
    JSON.stringify({
      ev: 'ready',
      peerId: a.peerId,
      addrs: a.addresses,
      snapshotHeight: node.snapshots?.heights()[0],
      startAndSnapshotMs: snapshotMs,
    }) + '\n',
  );
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await node.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  createInterface({ input: process.stdin }).on('close', () => void stop());
}

/** Counts the bytes this process receives through sync and snapshot queries. */
function countFetched(): { bytes: () => number } {
  let bytes = 0;
  const p = LibP2pNetwork.prototype;
  const fetchBlocks = p.fetchBlocks;
  const fetchSnapshot = p.fetchSnapshot;
  p.fetchBlocks = async function (this: LibP2pNetwork, ...args: Parameters<LibP2pNetwork['fetchBlocks']>) {
    const r = await fetchBlocks.apply(this, args);
    for (const b of r) bytes += b.length;
    return r;
  };
  p.fetchSnapshot = async function (
    this: LibP2pNetwork,
    ...args: Parameters<LibP2pNetwork['fetchSnapshot']>
  ) {
    const r = await fetchSnapshot.apply(this, args);
    for (const b of r) bytes += b.length;
    return r;
  };
  return { bytes: () => bytes };
}

/** Runs one joiner to the target and past it, prints its result and exits. */
export async function runJoiner(cfg: JoinerConfig): Promise<void> {
  const fetched = countFetched();
  const startRss = memoryMiB('VmRSS');
  const node = composeLedgerNode(
    {
      dataDir: cfg.dataDir,
      network: { listen: ['/ip4/127.0.0.1/tcp/0'], staticPeers: [cfg.peer], mdns: false },
      ...(cfg.mode === 'snapshot'
        ? {
            snapshot: {
              join: true,
              minBlocksAhead: 1,
              waitForPeersMs: 60_000,
              gatherMs: 0,
              intervalBlocks: 0,
              keep: 1,
            },
          }
        : {}),
    },
    { log, privateKey: null },
  );
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await node.start();
  const height = (): number => node.store.chainMeta().height;
  while (height() < cfg.target) await sleep(20);
  const timeToHead = (performance.now() - t0) / 1000;
  const bytesToHead = fetched.bytes();
  const peak = memoryMiB('VmHWM');
  while (height() < cfg.target + cfg.later) await sleep(50);
  const hashes: Record<number, string> = {};
  for (let h = cfg.target; h <= cfg.target + cfg.later; h++) hashes[h] = node.store.blockAt(h)?.hash ?? '';
  const stateRoot = node.store.blockAt(cfg.target)?.stateRoot ?? '';
  const joined = node.joined();
  let backfill: number | null = null;
  if (joined) {
    const end = performance.now() + cfg.backfillTimeoutMs;
    while (node.store.history.historyFrom() > 1 && performance.now() < end) await sleep(100);
    if (node.store.history.historyFrom() === 1) backfill = (performance.now() - t0) / 1000 - timeToHead;
  }
  const cpu = process.cpuUsage(cpu0);
  const result: JoinerResult = {
    mode: cfg.mode,
    target: cfg.target,
    time_to_head_s: round(timeToHead),
    bytes_to_head: bytesToHead,
    peak_rss_mib: peak,
    start_rss_mib: startRss,
    snapshot_height: joined?.height ?? null,
    snapshot_bytes: joined?.bytesFetched ?? null,
    headers_verified: joined?.headersVerified ?? null,
    state_root: stateRoot,
    hashes,
    backfill_s: backfill === null ? null : round(backfill),
    bytes_total: fetched.bytes(),
    peak_rss_total_mib: memoryMiB('VmHWM'),
    cpu_s: { user: round(cpu.user / 1e6), system: round(cpu.system / 1e6) },
  };
  process.stdout.write(JSON.stringify({ ev: 'result', result }) + '\n');
  await node.stop();
  process.exit(0);
}

const round = (x: number): number => Math.round(x * 100) / 100;
