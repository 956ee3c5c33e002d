/**
 * How the ledger node is composed. `composeLedgerNode` builds the `NodeService` and hands it
 * `assembleLedger`, the start-time factory that builds its parts: the open store, the validator key,
 * the signature workers, the mempool, the network, the consensus driver, the syncer, the queries,
 * chain anchoring (recordings and the audit log's head) and the franchise registry.
 *
 * Why a factory called at start rather than parts built here at compose time: every part depends on
 * what the data dir says only at start. `ensureInitialized` may first make a development chain; genesis
 * then gives the chain id (which scopes libp2p) and the chain config (which the mempool, the driver and
 * the syncer are built with); the store is opened at start and closed at stop; the key may be prompted
 * for. Lifecycle components built here in order would each need a "not built yet" state and getters
 * for every value that exists only after the one before has started; a factory called once per start
 * builds every part whole, from values that exist. This file is still the only place that knows the
 * concrete classes, and production, tests and benches all build the node through `composeLedgerNode`.
 */
import { join } from 'node:path';
import type { EmitEvent } from '../contract';
import { BoundedVerifiedCache, type VerifiedCache } from '../chain/cache';
import { type SignatureVerifier, privateKeyToAddress } from '../chain/keys';
import type { Genesis } from '../chain/genesis';
import type { ChainConfig } from '../chain/params';
import { getValidatorSet, isPeerRegistered } from '../chain/state/access';
import type { StateReader } from '../chain/state/store';
import type { ConsensusHooks } from '../chain/state/consensus-hooks';
import type { VerifyOptions } from '../chain/tx/signing';
import type { Address, Hash } from '../chain/types';
import { Backfiller } from '../node/backfill';
import type { CommittedBlock } from '../node/commit-block';
import { SnapshotJoiner } from '../node/snapshot-join';
import { SnapshotKeeper } from '../node/snapshots';
import { ConsensusDriver, type DriverOptions } from '../node/driver';
import { LedgerQueries } from '../node/ledger-queries';
import { ChainAnchoring } from '../node/chain-anchoring';
import { FranchiseRegistry } from '../node/franchise-registry';
import { OwnTxQueue } from '../node/own-tx-queue';
import { Mempool, type MempoolOptions } from '../node/mempool';
import { type LedgerCallbacks, type LedgerParts, NodeService } from '../node/node-service';
import { type OpenedLedger, openLedger } from '../node/open-ledger';
import { consensusHooks } from '../consensus/hooks';
import { type SyncOptions, Syncer } from '../node/sync';
import { TxPreverifier } from '../node/tx-preverifier';
import { hasValidatorKey, promptHidden, readValidatorKey, validatorPassword } from '../node/validator-key';
import { fastVerifier } from '../node/verifier';
import { PreverifiedVerifier, VerifyPool } from '../node/verify-pool';
import { LibP2pNetwork } from '../p2p/libp2p-network';
import type { NodeNetwork, P2pLog } from '../p2p/types';
import { workerPath } from '../platform/paths';
import type { Config } from '../config/schema';
import type { EventBus } from './events';
import type { Logger } from './logger';

/** Options of a ledger node. */
export interface LedgerNodeOptions {
  dataDir: string;
  /** libp2p settings (from the config's `network`); unused when `deps.network` is given. */
  network?: { listen: readonly string[]; staticPeers: readonly string[]; mdns: boolean };
  mempool?: MempoolOptions;
  sync?: SyncOptions;
  /** Caps of the driver's buffer of votes and proposals for the next height (defaults: 2,000 messages, 48 MiB). */
  consensus?: Pick<DriverOptions, 'maxBuffered' | 'maxBufferedBytes'>;
  /** The franchise this store anchors its recordings and audit log under (anchoring needs it). */
  franchiseId?: string;
  /** How long `anchor`/`submitAndWait` wait for a commit, ms (default 120,000). */
  commitWaitMs?: number;
  /** How often peer statuses are re-exchanged, ms (libp2p only; default 3,000). */
  statusIntervalMs?: number;
  /** Signature worker threads (default 1; 0 checks signatures on the main thread). */
  verifyWorkers?: number;
  /** Make a single-validator development chain when the data dir has no genesis.json (what `start` does on first run). */
  autoInitDevChain?: boolean;
  /** Snapshot sync (config `sync.snapshot`); absent: this node neither joins from snapshots nor keeps any. */
  snapshot?: SnapshotSyncOptions;
}

/** Snapshot sync settings of a ledger node. */
export interface SnapshotSyncOptions {
  /** An empty ledger joins from a peer's snapshot at least `minBlocksAhead` past genesis. */
  join: boolean;
  minBlocksAhead: number;
  /** How long an empty node waits for such a peer, ms. */
  waitForPeersMs: number;
  /** Once one is found, how long more peers may connect to offer theirs, ms (default 1,000). */
  gatherMs?: number;
  /** Verify from this block instead of from genesis. */
  trust?: { height: number; hash: Hash };
  /** Keep a snapshot every this many blocks (0: none kept or served). */
  intervalBlocks: number;
  keep: number;
  /** Largest chunk, bytes (default 4 MiB). */
  chunkBytes?: number;
}

/** What a ledger node is built with. */
export interface LedgerNodeDeps {
  log: P2pLog;
  now?: () => number;
  /** Pushes the node's events (`chain.block`, `network.peers`) to the app's event bus. */
  emit?: EmitEvent;
  /** A network to use instead of building libp2p (the in-process MemoryNetwork in tests and benches). */
  network?: NodeNetwork;
  /** Use this validator key instead of the key file (tests, benches); null for an observer. */
  privateKey?: Uint8Array | null;
  /** Signature verifier (default `fastVerifier()`: libsecp256k1, else OpenSSL) and verified-signature cache (default one per node). */
  verifier?: SignatureVerifier;
  cache?: VerifiedCache;
  hooks?: ConsensusHooks;
  /** Signature workers to use instead of starting our own (several in-process nodes may share them). */
  verifyPool?: VerifyPool;
  /** The built signature worker our own pool runs (default `workerPath('verify')`). */
  verifyWorker?: () => string;
  env?: NodeJS.ProcessEnv;
  /** Is stdin a terminal (the key password may then be prompted for)? Default process.stdin.isTTY. */
  isTty?: boolean;
  prompt?: (question: string) => Promise<string>;
  /** Called after each committed block (benchmarks, tests). */
  onCommit?: (block: CommittedBlock) => void;
}

/**
 * The ledger node, built; its parts are built by `assembleLedger` when it starts.
 *
 * @example
 * const node = composeLedgerNode({ dataDir, network: config.network }, { log, emit });
 * await node.start(); node.head(); await node.stop();
 */
export function composeLedgerNode(opts: LedgerNodeOptions, deps: LedgerNodeDeps): NodeService {
  return new NodeService(
    { commitWaitMs: opts.commitWaitMs },
    {
      assemble: (node) => assembleLedger(opts, deps, node),
      log: deps.log,
      emit: deps.emit,
      onCommit: deps.onCommit,
    },
  );
}

/**
 * The app's ledger node, from the configuration: it makes a development chain in an empty data dir,
 * then runs consensus, sync and libp2p, and pushes its events on the bus.
 *
 * @example const node = composeConfiguredLedger(config, { log, bus, now });
 */
export function composeConfiguredLedger(
  config: Config,
  deps: { log: Logger; bus: EventBus; now: () => number },
): NodeService {
  const { bus } = deps;
  return composeLedgerNode(
    {
      dataDir: config.dataDir,
      network: config.network,
      consensus: { maxBufferedBytes: config.network.futureBufferMiB * 1024 * 1024 },
      autoInitDevChain: true,
      snapshot: snapshotOptions(config.sync.snapshot),
      ...(config.franchiseId ? { franchiseId: config.franchiseId } : {}),
    },
    {
      log: deps.log.child({ component: 'node' }),
      emit: (name, payload) => bus.emit(name, payload),
      now: deps.now,
      verifyWorker: () => workerPath('verify'),
    },
  );
}

/** Snapshot sync settings from the config's `sync.snapshot`. */
function snapshotOptions(c: Config['sync']['snapshot']): SnapshotSyncOptions {
  return {
    join: c.join,
    minBlocksAhead: c.minBlocksAhead,
    waitForPeersMs: c.waitForPeersSeconds * 1000,
    ...(c.trustHeight !== null && c.trustHash !== null
      ? { trust: { height: c.trustHeight, hash: c.trustHash as Hash } }
      : {}),
    intervalBlocks: c.intervalBlocks,
    keep: c.keep,
  };
}

/**
 * The start-time factory: opens the data dir's ledger and builds every part on it. If a step fails,
 * what the steps before opened is closed again (the store, our signature workers, the key copy).
 */
async function assembleLedger(
  opts: LedgerNodeOptions,
  deps: LedgerNodeDeps,
  node: LedgerCallbacks,
): Promise<LedgerParts> {
  const ledger = await openLedger(opts, deps.log);
  let privateKey: Uint8Array | null = null;
  let preverifier: TxPreverifier | undefined;
  try {
    privateKey = await loadValidatorKey(opts.dataDir, deps);
    const address = privateKey ? privateKeyToAddress(privateKey) : null;
    const verifier = new PreverifiedVerifier(deps.verifier ?? fastVerifier());
    const pool =
      deps.verifyPool ??
      VerifyPool.create(opts.verifyWorkers ?? 1, deps.verifyWorker ?? (() => workerPath('verify')));
    const cache = deps.cache ?? new BoundedVerifiedCache(200_000);
    preverifier = new TxPreverifier(
      { ownsPool: deps.verifyPool === undefined },
      { pool, verifier, cache, limits: ledger.config.params, log: deps.log },
    );
    const verify: VerifyOptions = { verifier, cache };
    const running = buildConsensus(opts, deps, ledger, { privateKey, verify, preverifier, node });
    const { store, config } = ledger;
    const { mempool, driver, syncer } = running;
    const queries = new LedgerQueries({
      store,
      config,
      mempool,
      syncing: () => syncer.syncing(),
      round: () => driver.position().round,
      address,
    });
    // Anchors and franchise writes are all signed with the validator key: one queue takes its nonces in turn.
    const signing = { store, config, mempool, privateKey, address, queue: new OwnTxQueue() };
    const waits = { submit: node.submit, waitForTx: node.waitForTx };
    const anchoring = new ChainAnchoring(
      { franchiseId: opts.franchiseId },
      { ...signing, ...waits, log: deps.log },
    );
    const franchises = new FranchiseRegistry({ ...signing, ...waits });
    const snapshot = snapshotParts(opts, deps, ledger, { network: running.network, verify, address });
    return {
      ...ledger,
      privateKey,
      address,
      preverifier,
      ...running,
      queries,
      anchoring,
      franchises,
      ...snapshot,
    };
  } catch (err) {
    ledger.store.close();
    await preverifier?.close();
    privateKey?.fill(0);
    throw err;
  }
}

/** The running half: mempool, network, consensus driver and syncer, wired to each other and to the store. */
function buildConsensus(
  opts: LedgerNodeOptions,
  deps: LedgerNodeDeps,
  { genesis, config, store }: OpenedLedger,
  run: {
    privateKey: Uint8Array | null;
    verify: VerifyOptions;
    preverifier: TxPreverifier;
    node: LedgerCallbacks;
  },
): Pick<LedgerParts, 'mempool' | 'network' | 'driver' | 'syncer'> {
  const { log } = deps;
  const now = deps.now ?? Date.now;
  const { verify, preverifier } = run;
  const hooks = deps.hooks ?? consensusHooks();
  const mempool = new Mempool(opts.mempool ?? {}, {
    view: () => store,
    ctx: () => ({ config, verify, hooks }),
    now,
  });
  const allowPeer = franchisePeers(genesis, store);
  const libp2p = deps.network
    ? undefined
    : libp2pNetwork(opts, genesis.chainId, config, { log, now, allowPeer });
  const network = deps.network ?? (libp2p as LibP2pNetwork);
  const driver = new ConsensusDriver(
    { ...opts.consensus, privateKey: run.privateKey },
    {
      store,
      mempool,
      network,
      config,
      verify,
      hooks,
      now,
      log,
      onCommit: (b) => {
        // A committed peer-register may have retired a connected peer (one lookup per connected peer).
        if (allowPeer) libp2p?.recheckAllowedPeers();
        run.node.onCommit(b);
      },
      // The syncer is built next, from the driver; the driver reports peers ahead only once started.
      onBehind: (h) => syncer.hintHeight(h),
      preverify: (txs, hashes) => preverifier.preverify(txs, hashes, true),
    },
  );
  const syncer = new Syncer(opts.sync ?? {}, {
    network,
    store,
    driver,
    log,
    limits: config.params,
    preverify: (txs, hashes) => preverifier.preverifyNow(txs, hashes),
  });
  network.setStatusProvider(() => {
    const m = store.chainMeta();
    return { height: m.height, headHash: m.lastBlockHash };
  });
  return { mempool, network, driver, syncer };
}

/**
 * Which peer ids may connect: those the genesis lists and those HQ registered on chain (read from the
 * committed state at each connection, so a registration counts once its block is committed); undefined
 * (any peer) for a genesis without `peerIds`.
 */
function franchisePeers(genesis: Genesis, store: StateReader): ((peerId: string) => boolean) | undefined {
  if (!genesis.peerIds) return undefined;
  const listed = new Set(genesis.peerIds);
  return (id) => listed.has(id) || isPeerRegistered(store, id);
}

/**
 * Snapshot sync's parts: the keeper of this node's snapshots, the joiner of an empty ledger and the
 * back-filler of the history below a joined snapshot. A validator of the genesis set does not join
 * from a snapshot unless given a trusted block: it is how a new chain starts, with no one ahead.
 */
function snapshotParts(
  opts: LedgerNodeOptions,
  deps: LedgerNodeDeps,
  { config, store }: OpenedLedger,
  run: { network: NodeNetwork; verify: VerifyOptions; address: Address | null },
): Pick<LedgerParts, 'snapshots' | 'joiner' | 'backfiller'> {
  const s = opts.snapshot;
  if (!s) return {};
  const { log } = deps;
  const snapshots =
    s.intervalBlocks > 0
      ? new SnapshotKeeper(
          {
            dir: join(opts.dataDir, 'snapshots'),
            intervalBlocks: s.intervalBlocks,
            keep: s.keep,
            chunkBytes: s.chunkBytes ?? 4 * 1024 * 1024,
          },
          { store, config, log },
        )
      : undefined;
  const genesisValidator =
    run.address !== null && (getValidatorSet(store, 0) ?? []).some((v) => v.address === run.address);
  const joiner =
    s.join && (!genesisValidator || s.trust)
      ? new SnapshotJoiner(
          {
            minBlocksAhead: s.minBlocksAhead,
            waitForPeersMs: s.waitForPeersMs,
            ...(s.gatherMs !== undefined ? { gatherMs: s.gatherMs } : {}),
            ...(s.trust ? { trust: s.trust } : {}),
          },
          {
            network: run.network,
            store,
            config,
            log,
            verify: run.verify,
            ...(deps.now ? { now: deps.now } : {}),
          },
        )
      : undefined;
  const backfiller = new Backfiller(opts.sync ?? {}, { network: run.network, store, config, log });
  return { ...(snapshots ? { snapshots } : {}), ...(joiner ? { joiner } : {}), backfiller };
}

/** libp2p for the chain `chainId`, with message limits that fit the chain's largest block. */
function libp2pNetwork(
  opts: LedgerNodeOptions,
  chainId: string,
  config: ChainConfig,
  deps: { log: P2pLog; now: () => number; allowPeer: ((peerId: string) => boolean) | undefined },
): LibP2pNetwork {
  const { log, now, allowPeer } = deps;
  const n = opts.network ?? { listen: ['/ip4/0.0.0.0/tcp/0'], staticPeers: [], mdns: true };
  return new LibP2pNetwork(
    {
      chainId,
      dataDir: opts.dataDir,
      listen: n.listen,
      staticPeers: n.staticPeers,
      mdns: n.mdns,
      statusIntervalMs: opts.statusIntervalMs ?? 3_000,
      maxBlockBytes: config.params.maxBlockBytes + 1024 * 1024,
      maxSyncResponseBytes: Math.max(32 * 1024 * 1024, config.params.maxBlockBytes + 2 * 1024 * 1024),
    },
    { log, now, ...(allowPeer ? { allowPeer } : {}) },
  );
}

/** The validator key: the injected one (copied: the node wipes its copy at stop), else the data dir's key file, else none. */
async function loadValidatorKey(dataDir: string, deps: LedgerNodeDeps): Promise<Uint8Array | null> {
  if (deps.privateKey !== undefined) return deps.privateKey ? deps.privateKey.slice() : null;
  if (!hasValidatorKey(dataDir)) return null;
  const password = await validatorPassword(dataDir, {
    env: deps.env ?? process.env,
    isTty: deps.isTty ?? Boolean(process.stdin.isTTY),
    prompt: deps.prompt ?? promptHidden,
  });
  return (await readValidatorKey(dataDir, password)).privateKey;
}
