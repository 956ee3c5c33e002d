/**
 * The full-check sync figure of `bench p2p`: a source process serves a cached chain of real blocks
 * (`bench-chain.ts`) from its own `NodeService` (an observer, so its head stays put), and a fresh
 * observer `NodeService` in this process, with the same genesis, catches up over real libp2p on
 * 127.0.0.1 (TCP + Noise + Yamux, mDNS off, the source as its only static peer) through the node's
 * own sync path: `Syncer` fetches ranges, the signature worker pre-checks the transactions, and
 * `ConsensusDriver.applySynced` checks each commit's signatures against the validator set, applies
 * the block (state root must match the header) and stores it in `ledger.db` (synchronous=FULL).
 *
 * Where the time goes is measured by wrapping, in this process only, the methods the sync path
 * calls (`LibP2pNetwork.fetchBlocks`, `TxPreverifier.preverify`, `ConsensusDriver.applySynced`,
 * `LedgerStore.commitBlock`) and the signature verifier handed to the node; main/ is not changed.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseGenesis } from '../../../main/chain/genesis';
import type { SignatureVerifier } from '../../../main/chain/keys';
import { ConsensusDriver } from '../../../main/node/driver';
import { writeGenesis } from '../../../main/node/init';
import { LedgerStore } from '../../../main/node/ledger-store';
import { composeLedgerNode } from '../../../main/app/compose-ledger';
import type { NodeService } from '../../../main/node/node-service';
import { TxPreverifier } from '../../../main/node/tx-preverifier';
import { fastVerifier } from '../../../main/node/verifier';
import { LibP2pNetwork } from '../../../main/p2p/libp2p-network';
import { type P2pLog, SILENT_LOG } from '../../../main/p2p/types';
import { PeerProc } from '../../integration/p2p/harness';
import type { BenchChainInfo } from './bench-chain';

/** What the source process is started with (`p2p.js --chain-source '<json>'`). */
export interface ChainSourceConfig {
  dataDir: string;
}

/** The `sync_full_checks` object of the bench output. */
export interface FullSyncResult {
  blocks: number;
  txs: number;
  seconds: number;
  blocks_per_s: number;
  tx_per_s: number;
  tx_per_block: number;
  /** From the observer's start until its first sync request (libp2p start, dial, Noise, status). */
  connect_ms: number;
  /** Head hash and state root of the observer equal the source's. */
  same_head: boolean;
  batch_blocks: number;
  /** Wall time of the sync (first request → head), split by what the syncer was awaiting or running. */
  time_ms: {
    /** Awaiting `fetchBlocks` (request → last frame; the syncer does not overlap it with anything). */
    fetch: number;
    /** Awaiting the signature worker's check of the batch's transactions. */
    preverify_tx_sigs_on_worker: number;
    /** `applySynced` on the main thread: decode, commit precommits (key recovery), applyBlock + state root, persist. */
    apply_synced: number;
    /** `LedgerStore.commitBlock` (one SQLite transaction per block, synchronous=FULL). */
    of_which_persist: number;
    /** Transaction signatures the worker had not approved, checked again on the main thread. */
    of_which_main_thread_tx_sig_checks: number;
    /** The rest of applySynced: decode, commit check, state transition, state root, mempool update. */
    of_which_decode_commit_apply: number;
    /** The syncer's own decode of each batch for the worker, event-loop turns. */
    other: number;
  };
  fetches: number;
  fetched_bytes: number;
  /** Calls of the node's SignatureVerifier on the main thread (0 when the worker approved every tx). */
  main_thread_tx_sig_checks: number;
  cpu_s: { user: number; system: number };
  source: string;
  chain: { validators: number; senders: number; made_in_s: number; version: string };
}

const round = (x: number, d = 1): number => Math.round(x * 10 ** d) / 10 ** d;

/** Runs the source node until stdin closes (the child side). */
export async function runChainSource(cfg: ChainSourceConfig): Promise<void> {
  const log: P2pLog = {
    debug() {},
    info() {},
    warn: (o, m) => process.stderr.write(`warn ${m} ${JSON.stringify(o)}\n`),
    error: (o, m) => process.stderr.write(`error ${m} ${JSON.stringify(o)}\n`),
  };
  const node = composeLedgerNode(
    {
      dataDir: cfg.dataDir,
      network: { listen: ['/ip4/127.0.0.1/tcp/0'], staticPeers: [], mdns: false },
      verifyWorkers: 0,
    },
    { log, privateKey: null },
  );
  await node.start();
  const a = node.addresses();
  process.stdout.write(JSON.stringify({ ev: 'ready', peerId: a.peerId, addrs: a.addresses }) + '\n');
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

interface Probe {
  fetchMs: number;
  fetches: number;
  fetchedBytes: number;
  firstFetchAt: number;
  preverifyMs: number;
  applyMs: number;
  persistMs: number;
  sigMs: number;
  sigs: number;
}

/** Wraps the sync path's methods with timers (this process only); returns the undo. */
function installProbe(p: Probe): () => void {
  const undo: Array<() => void> = [];
  const wrap = <T extends object, K extends keyof T & string>(
    proto: T,
    name: K,
    make: (orig: T[K]) => T[K],
  ): void => {
    const orig = proto[name];
    proto[name] = make(orig);
    undo.push(() => (proto[name] = orig));
  };
  wrap(
    LibP2pNetwork.prototype,
    'fetchBlocks',
    (orig) =>
      async function (this: LibP2pNetwork, ...args: Parameters<LibP2pNetwork['fetchBlocks']>) {
        const t = performance.now();
        if (p.fetches === 0) p.firstFetchAt = t;
        try {
          const items = await orig.apply(this, args);
          for (const i of items) p.fetchedBytes += i.length;
          return items;
        } finally {
          p.fetchMs += performance.now() - t;
          p.fetches++;
        }
      },
  );
  wrap(
    TxPreverifier.prototype,
    'preverify',
    (orig) =>
      async function (this: TxPreverifier, ...args: Parameters<TxPreverifier['preverify']>) {
        const t = performance.now();
        try {
          await orig.apply(this, args);
        } finally {
          p.preverifyMs += performance.now() - t;
        }
      },
  );
  wrap(
    ConsensusDriver.prototype,
    'applySynced',
    (orig) =>
      function (this: ConsensusDriver, item: Uint8Array) {
        const t = performance.now();
        try {
          return orig.call(this, item);
        } finally {
          p.applyMs += performance.now() - t;
        }
      },
  );
  wrap(
    LedgerStore.prototype,
    'commitBlock',
    (orig) =>
      function (this: LedgerStore, ...args: Parameters<LedgerStore['commitBlock']>) {
        const t = performance.now();
        try {
          orig.apply(this, args);
        } finally {
          p.persistMs += performance.now() - t;
        }
      },
  );
  return () => undo.reverse().forEach((u) => u());
}

/**
 * Starts the source on a copy of the cached chain in `chainDir`, syncs a fresh observer from it and
 * returns the figures. `self` is the bench script (started again with `--chain-source`).
 */
export async function measureFullSync(opts: {
  chainDir: string;
  info: BenchChainInfo;
  self: string;
  batchBlocks?: number;
  timeoutMs?: number;
}): Promise<FullSyncResult> {
  const work = mkdtempSync(join(tmpdir(), 'hotpot-bench-sync-'));
  const srcDir = join(work, 'source');
  const obsDir = join(work, 'observer');
  const probe: Probe = {
    fetchMs: 0,
    fetches: 0,
    fetchedBytes: 0,
    firstFetchAt: 0,
    preverifyMs: 0,
    applyMs: 0,
    persistMs: 0,
    sigMs: 0,
    sigs: 0,
  };
  let source: PeerProc | undefined;
  let observer: NodeService | undefined;
  let undo: (() => void) | undefined;
  try {
    cpSync(opts.chainDir, srcDir, { recursive: true });
    rmSync(join(srcDir, 'p2p'), { recursive: true, force: true });
    const genesis = parseGenesis(JSON.parse(readFileSync(join(srcDir, 'genesis.json'), 'utf8')));
    const srcStore = LedgerStore.open(join(srcDir, 'ledger.db'));
    const head = srcStore.chainMeta();
    const headBlock = srcStore.blockAt(head.height);
    srcStore.close();
    if (!headBlock)
      throw new Error(`the bench chain in ${opts.chainDir} has no block at its head ${head.height}`);
    writeGenesis(obsDir, genesis);

    const cfg: ChainSourceConfig = { dataDir: srcDir };
    source = new PeerProc(
      'source',
      spawn(process.execPath, [opts.self, '--chain-source', JSON.stringify(cfg)], {
        stdio: ['pipe', 'pipe', 'pipe'],
      }),
    );
    await source.ready;

    const inner: SignatureVerifier = fastVerifier();
    const verifier: SignatureVerifier = {
      verify(sig, msg, pub) {
        const t = performance.now();
        try {
          return inner.verify(sig, msg, pub);
        } finally {
          probe.sigMs += performance.now() - t;
          probe.sigs++;
        }
      },
      ...(inner.recover
        ? {
            recover(sig: Uint8Array, v: number, msg: Uint8Array) {
              const t = performance.now();
              try {
                return inner.recover!(sig, v, msg);
              } finally {
                probe.sigMs += performance.now() - t;
                probe.sigs++;
              }
            },
          }
        : {}),
    };
    let txs = 0;
    let lastCommitAt = 0;
    let reached: () => void = () => {};
    const done = new Promise<void>((r) => (reached = r));
    const batchBlocks = opts.batchBlocks;
    observer = composeLedgerNode(
      {
        dataDir: obsDir,
        network: { listen: ['/ip4/127.0.0.1/tcp/0'], staticPeers: [source.addrs[0]!], mdns: false },
        ...(batchBlocks ? { sync: { batchBlocks } } : {}),
      },
      {
        log: SILENT_LOG,
        privateKey: null,
        verifier,
        onCommit: (b) => {
          if (!b.synced) return;
          txs += b.txHashes.length;
          lastCommitAt = performance.now();
          if (b.height >= head.height) reached();
        },
      },
    );
    undo = installProbe(probe);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await observer.start();
    const timeoutMs = opts.timeoutMs ?? 240_000;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      done,
      new Promise<never>((_, rej) => {
        timer = setTimeout(
          () =>
            rej(
              new Error(
                `the observer reached ${observer?.store.chainMeta().height ?? 0} of ${head.height} blocks in ${timeoutMs} ms ` +
                  `(a SYNC_FAILED after a chain format change: rerun with --rebuild-chain). Source stderr: ${source?.errors() ?? ''}`,
              ),
            ),
          timeoutMs,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    const cpu = process.cpuUsage(cpu0);
    undo();
    undo = undefined;
    const ours = observer.store.chainMeta();
    const ourHead = observer.store.blockAt(head.height);
    const wallMs = lastCommitAt - probe.firstFetchAt;
    const seconds = wallMs / 1000;
    const sigInApply = Math.min(probe.sigMs, probe.applyMs);
    return {
      blocks: ours.height,
      txs,
      seconds: round(seconds, 2),
      blocks_per_s: Math.round(ours.height / seconds),
      tx_per_s: Math.round(txs / seconds),
      tx_per_block: round(txs / Math.max(1, ours.height), 2),
      connect_ms: Math.round(probe.firstFetchAt - t0),
      same_head: ourHead?.hash === headBlock.hash && ours.stateRoot === head.stateRoot,
      batch_blocks: batchBlocks ?? 64,
      time_ms: {
        fetch: Math.round(probe.fetchMs),
        preverify_tx_sigs_on_worker: Math.round(probe.preverifyMs),
        apply_synced: Math.round(probe.applyMs),
        of_which_persist: Math.round(probe.persistMs),
        of_which_main_thread_tx_sig_checks: Math.round(sigInApply),
        of_which_decode_commit_apply: Math.round(probe.applyMs - sigInApply - probe.persistMs),
        other: Math.round(wallMs - probe.fetchMs - probe.preverifyMs - probe.applyMs),
      },
      fetches: probe.fetches,
      fetched_bytes: probe.fetchedBytes,
      main_thread_tx_sig_checks: probe.sigs,
      cpu_s: { user: round(cpu.user / 1e6, 2), system: round(cpu.system / 1e6, 2) },
      source:
        'a second process (NodeService observer on a copy of the cached chain) → this process (fresh NodeService observer), LibP2pNetwork on 127.0.0.1, mDNS off',
      chain: {
        validators: opts.info.validators,
        senders: opts.info.senders,
        made_in_s: Math.round(opts.info.build_ms / 1000),
        version: opts.info.version,
      },
    };
  } finally {
    undo?.();
    await observer?.stop();
    await source?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
