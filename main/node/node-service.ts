/**
 * `NodeService`: the ledger node as one lifecycle component. It opens `ledger.db`, writes genesis on
 * first start, unlocks the validator key, and runs the mempool, the consensus driver, sync and the
 * network. It is what the rest of the app sees of the ledger:
 * - `ChainStatusSource` for `StatusService` (`GET /api/v1/status`);
 * - `WalletLedger` for the wallet (balances, nonces, history, submit);
 * - `MediaAnchorer` for video (anchor-media batches, resolved when committed);
 * - the queries behind `chain.*` and `network.*` of the API contract.
 */
import { join } from 'node:path';
import {
  type AccountView,
  type BlockDetail,
  type BlockSummary,
  type ChainHead,
  type TxView,
  type ValidatorView,
} from '../api/contract/chain';
import type { PeerInfo } from '../api/contract/network';
import type { ChainStatusSource } from '../app/status';
import type { EventBus } from '../app/events';
import { decodeBlock, decodeCommit } from '../chain/block';
import { BoundedVerifiedCache, type VerifiedCache } from '../chain/cache';
import { type Genesis, applyGenesis, genesisConfig, genesisHash } from '../chain/genesis';
import { type SignatureVerifier, parseAddress, privateKeyToAddress, toChecksumAddress } from '../chain/keys';
import { type ChainConfig, epochOf } from '../chain/params';
import {
  getAccount,
  getFranchise,
  getKyc,
  getValidator,
  getValidatorSet,
  listValidators,
} from '../chain/state/access';
import type { ConsensusHooks } from '../chain/state/consensus-hooks';
import type { Tx } from '../chain/tx/types';
import { decodeTx, encodeTx, txHashOfBytes } from '../chain/tx/codec';
import { TxBuilder } from '../chain/tx/builder';
import type { Address, Hash, Hex } from '../chain/types';
import { scoreCandidates } from '../consensus/selection';
import { LibP2pNetwork } from '../p2p/libp2p-network';
import type { NodeNetwork, P2pLog, PeerView } from '../p2p/types';
import type { AnchorReceipt, MediaAnchorItem, MediaAnchorer } from '../video/record/anchor';
import type { LedgerHistoryPage, LedgerParams, LedgerTx, WalletLedger } from '../wallet/ledger';
import { AppError } from '../common/errors';
import { type CommittedBlock, ConsensusDriver } from './driver';
import { NodeError } from './errors';
import { ensureInitialized, readGenesis } from './init';
import { LedgerStore } from './ledger-store';
import { Mempool, type MempoolOptions } from './mempool';
import { consensusHooks } from './rules';
import { type SyncOptions, Syncer } from './sync';
import { hasValidatorKey, promptHidden, readValidatorKey, validatorPassword } from './validator-key';
import { fastVerifier } from './verifier';
import { installNativeKeccak } from './native-keccak';
import { PreverifiedVerifier, VerifyPool } from './verify-pool';
import { committedTxView, pendingTxView } from './views';

/** Options of the node service. */
export interface NodeServiceOptions {
  dataDir: string;
  /** libp2p settings (from the config's `network`); unused when `deps.network` is given. */
  network?: { listen: readonly string[]; staticPeers: readonly string[]; mdns: boolean };
  mempool?: MempoolOptions;
  sync?: SyncOptions;
  /** The franchise whose recordings this store anchors (media anchoring needs it). */
  franchiseId?: string;
  /** How long `anchor`/`submitAndWait` wait for a commit, ms (default 120,000). */
  commitWaitMs?: number;
  /** How often peer statuses are re-exchanged, ms (libp2p only; default 3,000). */
  statusIntervalMs?: number;
  /** Signature worker threads (default 1; 0 checks signatures on the main thread). */
  verifyWorkers?: number;
  /** Make a single-validator development chain when the data dir has no genesis.json (what `start` does on first run). */
  autoInitDevChain?: boolean;
}

/** What the node service uses. */
export interface NodeServiceDeps {
  log: P2pLog;
  now?: () => number;
  bus?: Pick<EventBus, 'emit'>;
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
  env?: NodeJS.ProcessEnv;
  /** Is stdin a terminal (the key password may then be prompted for)? Default process.stdin.isTTY. */
  isTty?: boolean;
  prompt?: (question: string) => Promise<string>;
  /** Called after each committed block (benchmarks, tests). */
  onCommit?: (block: CommittedBlock) => void;
}

/** Gossiped transactions waiting for a signature check beyond which new ones are dropped. */
const GOSSIP_MAX_BACKLOG = 4_000;
/** Backlog beyond which a proposal's transactions are checked on the main thread instead. */
const URGENT_MAX_BACKLOG = 500;

interface Waiter {
  resolve: (r: { height: number; timeMs: number; ok: boolean; error: string | null }) => void;
  timer: NodeJS.Timeout;
}

/**
 * @example
 * const node = new NodeService({ dataDir, network: config.network }, { log, bus });
 * await node.start(); node.head(); await node.stop();
 */
/** The chain id of the embedded development chain (`makeDevGenesis`'s default). */
const DEV_CHAIN_ID = 'hotpot-dev';
/** The franchise a development node anchors its recordings under. */
export const DEV_FRANCHISE_ID = 'dev-store';

export class NodeService implements ChainStatusSource, WalletLedger, MediaAnchorer {
  private anchorQueue: Promise<unknown> = Promise.resolve();
  private storeValue: LedgerStore | undefined;
  private driverValue: ConsensusDriver | undefined;
  private syncer: Syncer | undefined;
  private mempoolValue: Mempool | undefined;
  private networkValue: NodeNetwork | undefined;
  private genesisValue: Genesis | undefined;
  private configValue: ChainConfig | undefined;
  private privateKey: Uint8Array | null = null;
  private readonly waiters = new Map<Hash, Waiter[]>();
  private preverified: PreverifiedVerifier | undefined;
  private pool: VerifyPool | undefined;
  private ownPool = false;
  private verifyCache: VerifiedCache | undefined;
  private batch: Uint8Array[] = [];
  private batchDone: Promise<void> | undefined;
  private peersTimer: NodeJS.Timeout | undefined;
  private offPeers: (() => void) | undefined;
  private running = false;
  readonly now: () => number;
  /** The validator address (null for an observer), known after start. */
  address: Address | null = null;

  constructor(
    private readonly opts: NodeServiceOptions,
    private readonly deps: NodeServiceDeps,
  ) {
    this.now = deps.now ?? Date.now;
    installNativeKeccak();
  }

  /** The ledger store (after start). */
  get store(): LedgerStore {
    if (!this.storeValue)
      throw new NodeError('NOT_RUNNING', 'the ledger is not open yet (the node is starting)');
    return this.storeValue;
  }
  /** The consensus driver (after start). */
  get driver(): ConsensusDriver {
    if (!this.driverValue)
      throw new NodeError('NOT_RUNNING', 'consensus is not running yet (the node is starting)');
    return this.driverValue;
  }
  /** The mempool (after start). */
  get mempool(): Mempool {
    if (!this.mempoolValue)
      throw new NodeError('NOT_RUNNING', 'the mempool is not running yet (the node is starting)');
    return this.mempoolValue;
  }
  /** The network (after start). */
  get network(): NodeNetwork {
    if (!this.networkValue)
      throw new NodeError('NOT_RUNNING', 'the network is not running yet (the node is starting)');
    return this.networkValue;
  }
  /** The chain's ledger configuration (after start). */
  get config(): ChainConfig {
    if (!this.configValue) throw new NodeError('NOT_RUNNING', 'the node is not started');
    return this.configValue;
  }

  async start(): Promise<void> {
    const { dataDir } = this.opts;
    const log = this.deps.log;
    if (this.opts.autoInitDevChain) {
      const r = await ensureInitialized(dataDir);
      if (r.created)
        log.info(
          { dataDir, chainId: r.chainId, validator: r.validator },
          'made a single-validator development chain (the data dir was empty)',
        );
    }
    const genesis = readGenesis(dataDir);
    const gHash = genesisHash(genesis);
    this.genesisValue = genesis;
    this.configValue = genesisConfig(genesis);
    const store = LedgerStore.open(join(dataDir, 'ledger.db'));
    this.storeValue = store;
    try {
      if (!store.initialized()) {
        const g = applyGenesis(store, genesis);
        store.initGenesis(genesis, g.genesisHash, g.writes);
        log.info(
          { chainId: genesis.chainId, genesisHash: g.genesisHash },
          'ledger initialized from genesis.json',
        );
      } else if (store.chainInfo().genesisHash !== gHash) {
        throw new NodeError(
          'BAD_DATA_DIR',
          `ledger.db in ${dataDir} holds chain ${store.chainInfo().chainId} with genesis ${store.chainInfo().genesisHash}, but genesis.json has ${gHash}: use another data dir or restore the matching genesis.json`,
          { dataDir },
        );
      }
      this.privateKey = await this.loadKey();
      this.address = this.privateKey ? privateKeyToAddress(this.privateKey) : null;
      this.preverified = new PreverifiedVerifier(this.deps.verifier ?? fastVerifier());
      this.pool = this.deps.verifyPool ?? VerifyPool.create(this.opts.verifyWorkers ?? 1);
      this.ownPool = this.deps.verifyPool === undefined;
      const verify = {
        verifier: this.preverified,
        cache: this.deps.cache ?? new BoundedVerifiedCache(200_000),
      };
      this.verifyCache = verify.cache;
      const hooks = this.deps.hooks ?? consensusHooks();
      const config = this.config;
      const mempool = new Mempool(this.opts.mempool ?? {}, {
        view: () => store,
        ctx: () => ({ config, verify, hooks }),
        now: this.now,
      });
      this.mempoolValue = mempool;
      const network = this.deps.network ?? this.buildNetwork(genesis.chainId);
      this.networkValue = network;
      const driver = new ConsensusDriver(
        { privateKey: this.privateKey },
        {
          store,
          mempool,
          network,
          config,
          verify,
          hooks,
          now: this.now,
          log,
          onCommit: (b) => this.onCommit(b),
          onBehind: (h) => this.syncer?.hintHeight(h),
          preverify: (txs, hashes) => this.preverify(txs, hashes, true),
        },
      );
      this.driverValue = driver;
      this.syncer = new Syncer(this.opts.sync ?? {}, {
        network,
        store,
        driver,
        log,
        limits: config.params,
        preverify: (txs, hashes) => this.preverifyNow(txs, hashes),
      });
      network.setStatusProvider(() => {
        const m = store.chainMeta();
        return { height: m.height, headHash: m.lastBlockHash };
      });
      network.onMessage('tx', async (bytes) => this.onGossipTx(bytes));
      await network.start();
      await driver.start();
      await this.syncer.start();
      this.offPeers = network.onPeerStatus(() => this.schedulePeersEvent());
      this.running = true;
      log.info(
        {
          chainId: genesis.chainId,
          height: store.chainMeta().height,
          validator: this.address,
          peerId: network.peerId,
        },
        'ledger node started',
      );
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    this.offPeers?.();
    clearTimeout(this.peersTimer);
    await this.syncer?.stop();
    await this.driverValue?.stop();
    try {
      await this.networkValue?.stop();
    } catch (err) {
      this.deps.log.warn({ err: (err as Error).message }, 'network stop failed');
    }
    for (const list of this.waiters.values()) for (const w of list) clearTimeout(w.timer);
    this.waiters.clear();
    this.storeValue?.close();
    if (this.ownPool) await this.pool?.close();
    this.privateKey?.fill(0);
  }

  private async loadKey(): Promise<Uint8Array | null> {
    if (this.deps.privateKey !== undefined) return this.deps.privateKey ? this.deps.privateKey.slice() : null; // ours to wipe at stop
    const { dataDir } = this.opts;
    if (!hasValidatorKey(dataDir)) return null;
    const password = await validatorPassword(dataDir, {
      env: this.deps.env ?? process.env,
      isTty: this.deps.isTty ?? Boolean(process.stdin.isTTY),
      prompt: this.deps.prompt ?? promptHidden,
    });
    return (await readValidatorKey(dataDir, password)).privateKey;
  }

  private buildNetwork(chainId: string): NodeNetwork {
    const n = this.opts.network ?? { listen: ['/ip4/0.0.0.0/tcp/0'], staticPeers: [], mdns: true };
    const log = this.deps.log;
    return new LibP2pNetwork(
      {
        chainId,
        dataDir: this.opts.dataDir,
        listen: n.listen,
        staticPeers: n.staticPeers,
        mdns: n.mdns,
        statusIntervalMs: this.opts.statusIntervalMs ?? 3_000,
        maxBlockBytes: this.config.params.maxBlockBytes + 1024 * 1024,
        maxSyncResponseBytes: Math.max(32 * 1024 * 1024, this.config.params.maxBlockBytes + 2 * 1024 * 1024),
      },
      { log, now: this.now },
    );
  }

  /**
   * Checks the signatures of encoded transactions on the worker threads (batched per event-loop turn)
   * so the chain's check on the main thread finds them verified.
   */
  preverify(txs: readonly Uint8Array[], hashes?: readonly Hash[], urgent = false): Promise<void> {
    if (!this.pool?.active || txs.length === 0) return Promise.resolve();
    // Consensus must not wait behind a queue of gossiped transactions: then the main thread checks them.
    if (urgent && this.pool.backlog > URGENT_MAX_BACKLOG) return Promise.resolve();
    const todo = this.notYetVerified(txs, hashes);
    if (todo.length === 0) return Promise.resolve();
    this.batch.push(...todo);
    this.batchDone ??= new Promise<void>((resolve) => {
      setImmediate(() => {
        const items = this.batch;
        this.batch = [];
        this.batchDone = undefined;
        void this.checkOnWorker(items).finally(resolve);
      });
    });
    return this.batchDone;
  }

  /**
   * Sends a fetched range's transactions to the signature worker at once (not batched to the next
   * event-loop turn, which would come only after the main thread has applied the range before it).
   */
  private preverifyNow(txs: readonly Uint8Array[], hashes?: readonly Hash[]): Promise<void> {
    if (!this.pool?.active || txs.length === 0) return Promise.resolve();
    const todo = this.notYetVerified(txs, hashes);
    return todo.length === 0 ? Promise.resolve() : this.checkOnWorker(todo);
  }

  /**
   * What the verified-signature cache does not hold yet (`t:<tx hash>` is the chain's cache key; if it
   * ever changes, this only costs a second check, never a wrong answer).
   */
  private notYetVerified(txs: readonly Uint8Array[], hashes?: readonly Hash[]): Uint8Array[] {
    const cache = this.verifyCache;
    return cache ? txs.filter((b, i) => !cache.has(`t:${hashes?.[i] ?? txHashOfBytes(b)}`)) : [...txs];
  }

  /** Checks signatures on the worker and hands the approvals to the verifier; never rejects. */
  private checkOnWorker(txs: Uint8Array[]): Promise<void> {
    if (!this.pool) return Promise.resolve();
    return this.pool
      .check(txs, this.config.params)
      .then((keys) => this.preverified?.approve(keys.filter((k): k is string => k !== null)))
      .catch((err: unknown) =>
        this.deps.log.warn(
          { err: (err as Error).message },
          'signature worker failed; verifying on the main thread',
        ),
      );
  }

  private async onGossipTx(bytes: Uint8Array): Promise<'accept' | 'reject' | 'ignore'> {
    if (!this.running) return 'ignore';
    const hash = txHashOfBytes(bytes);
    if (this.mempool.has(hash)) return 'ignore';
    // Overloaded: shed gossiped transactions (the node that received one from its client keeps it and
    // proposes it) rather than let signature checks pile up and starve consensus.
    if (this.pool?.active && this.pool.backlog > GOSSIP_MAX_BACKLOG) return 'ignore';
    await this.preverify([bytes], [hash]);
    if (!this.running) return 'ignore';
    try {
      this.mempool.add(bytes, hash);
      return 'accept';
    } catch (err) {
      const code = err instanceof AppError ? err.code : '';
      if (code === 'NONCE_GAP') {
        // Gossip may deliver one sender's transactions out of order: keep it until the gap fills.
        const d = (err as AppError).data as { got?: number };
        const tx = decodeTx(bytes, this.config.params);
        if (d.got === tx.nonce && this.mempool.park(bytes, tx)) return 'accept';
        return 'ignore';
      }
      // Undecodable, badly signed or foreign transactions are the sender's fault; the rest depend on our state.
      return [
        'MALFORMED',
        'NON_CANONICAL',
        'TX_TOO_LARGE',
        'TOO_MANY_ITEMS',
        'UNSUPPORTED_VERSION',
        'BAD_SIGNATURE',
        'WRONG_CHAIN',
      ].includes(code)
        ? 'reject'
        : 'ignore';
    }
  }

  private onCommit(b: CommittedBlock): void {
    this.deps.onCommit?.(b);
    for (const h of b.txHashes) {
      const list = this.waiters.get(h);
      if (!list) continue;
      this.waiters.delete(h);
      const s = this.storeValue?.txByHash(h);
      for (const w of list) {
        clearTimeout(w.timer);
        w.resolve({ height: b.height, timeMs: b.timeMs, ok: s?.ok ?? true, error: s?.errorCode ?? null });
      }
    }
    this.deps.bus?.emit('chain.block', {
      height: b.height,
      hash: b.hash,
      timeMs: b.timeMs,
      proposer: toChecksumAddress(b.proposer),
      txCount: b.txHashes.length,
      stateRoot: b.stateRoot,
    });
  }

  private schedulePeersEvent(): void {
    if (this.peersTimer || !this.deps.bus) return;
    this.peersTimer = setTimeout(() => {
      this.peersTimer = undefined;
      if (this.running) this.deps.bus?.emit('network.peers', this.peers());
    }, 500);
    this.peersTimer.unref();
  }

  // ---------------------------------------------------------------- ChainStatusSource

  chainId(): string {
    return this.genesisValue?.chainId ?? 'starting';
  }

  head(): { height: number; hash: string; timeMs: number } | null {
    if (!this.storeValue?.db.open) return null;
    const m = this.storeValue.chainMeta();
    return m.height === 0 ? null : { height: m.height, hash: m.lastBlockHash, timeMs: m.lastTimeMs };
  }

  syncing(): boolean {
    return this.syncer?.syncing() ?? false;
  }

  isValidator(): boolean {
    if (!this.address || !this.driverValue || !this.running) return false;
    return this.driver.validatorsAt(this.driver.height).some((v) => v.address === this.address);
  }

  /** Connected peers (for the status). */
  peerCount(): number {
    return this.networkValue && this.running ? this.networkValue.peerCount() : 0;
  }

  // ---------------------------------------------------------------- submitting

  /** Admits an encoded transaction to the mempool and gossips it. Throws the typed refusal. */
  async submit(txBytes: Uint8Array): Promise<{ txHash: Hex }> {
    if (!this.running)
      throw new NodeError('NOT_RUNNING', 'the node is not running; transactions cannot be submitted now');
    const hash = txHashOfBytes(txBytes);
    await this.preverify([txBytes], [hash]);
    const e = this.mempool.add(txBytes, hash);
    this.network
      .publish('tx', e.bytes)
      .catch((err: unknown) => this.deps.log.warn({ err: (err as Error).message }, 'tx gossip failed'));
    return { txHash: e.hash };
  }

  /** Resolves when the transaction is in a committed block (or rejects after `commitWaitMs`). */
  waitForTx(
    hash: Hash,
    timeoutMs = this.opts.commitWaitMs ?? 120_000,
  ): Promise<{ height: number; timeMs: number; ok: boolean; error: string | null }> {
    const s = this.store.txByHash(hash);
    if (s)
      return Promise.resolve({
        height: s.height,
        timeMs: this.store.blockAt(s.height)?.timeMs ?? 0,
        ok: s.ok,
        error: s.errorCode,
      });
    return new Promise((resolve, reject) => {
      const w: Waiter = {
        resolve,
        timer: setTimeout(() => {
          const list = this.waiters.get(hash)?.filter((x) => x !== w) ?? [];
          if (list.length) this.waiters.set(hash, list);
          else this.waiters.delete(hash);
          reject(
            new NodeError(
              'TIMEOUT',
              `transaction ${hash} was not committed within ${timeoutMs} ms (it may still be; check chain.tx later)`,
              { txHash: hash },
            ),
          );
        }, timeoutMs),
      };
      const list = this.waiters.get(hash) ?? [];
      list.push(w);
      this.waiters.set(hash, list);
    });
  }

  // ---------------------------------------------------------------- WalletLedger

  async params(): Promise<LedgerParams> {
    return { chainId: this.config.chainId, minTxFee: this.config.params.minTxFee };
  }

  async balance(address: Address): Promise<bigint> {
    return getAccount(this.store, parseAddress(address)).balance;
  }

  async nonce(address: Address): Promise<number> {
    return this.mempool.nextNonce(parseAddress(address));
  }

  async history(address: Address, opts: { limit: number; before?: string }): Promise<LedgerHistoryPage> {
    const addr = parseAddress(address);
    const items: LedgerTx[] = [];
    if (!opts.before) {
      for (const e of [...this.mempool.pendingOf(addr)].reverse())
        items.push(ledgerTx(e.tx, e.hash, null, null, 'pending', null, addr));
    }
    const before = parseCursor(opts.before);
    const rows = this.store.txsOfAddress(addr, opts.limit, before);
    for (const s of rows) {
      const tx = decodeTx(s.tx, this.config.params);
      items.push(
        ledgerTx(
          tx,
          s.hash,
          s.height,
          this.store.blockAt(s.height)?.timeMs ?? null,
          s.ok ? 'confirmed' : 'failed',
          s.errorCode,
          addr,
        ),
      );
    }
    const last = rows[rows.length - 1];
    return {
      items: items.slice(0, Math.max(opts.limit, items.length)),
      nextCursor: rows.length === opts.limit && last ? `${last.height}:${last.index}` : null,
    };
  }

  // ---------------------------------------------------------------- MediaAnchorer

  /**
   * Anchors a batch of one camera's segment hashes with an `anchor-media` transaction signed by the
   * validator key (which must own the configured franchise), and resolves when it is committed.
   */
  anchor(cameraId: string, items: MediaAnchorItem[]): Promise<AnchorReceipt> {
    // One at a time: each takes the validator key's next nonce, so concurrent batches would collide.
    const run = this.anchorQueue.then(() => this.anchorNow(cameraId, items));
    this.anchorQueue = run.catch(() => undefined);
    return run;
  }

  private async anchorNow(cameraId: string, items: MediaAnchorItem[]): Promise<AnchorReceipt> {
    // On the embedded development chain this node is HQ too: it anchors under its own dev store, registering it once.
    const devStore =
      this.config.chainId === DEV_CHAIN_ID &&
      this.address !== undefined &&
      this.config.hqAuthority === this.address;
    const franchiseId = this.opts.franchiseId ?? (devStore ? DEV_FRANCHISE_ID : undefined);
    if (!franchiseId)
      throw new NodeError(
        'ANCHOR_UNAVAILABLE',
        'media anchoring needs the franchise id of this store: set franchiseId in config.json or HOTPOT_FRANCHISE_ID',
      );
    if (!this.privateKey || !this.address)
      throw new NodeError(
        'ANCHOR_UNAVAILABLE',
        'media anchoring needs a signing key: this node runs as an observer',
      );
    if (devStore && !getFranchise(this.store, franchiseId)) await this.registerDevStore(franchiseId);
    const f = getFranchise(this.store, franchiseId);
    if (!f)
      throw new NodeError(
        'ANCHOR_UNAVAILABLE',
        `franchise ${franchiseId} is not registered on the chain; ask HQ to register it first`,
        { franchiseId },
      );
    if (f.owner !== this.address)
      throw new NodeError(
        'ANCHOR_UNAVAILABLE',
        `franchise ${franchiseId} is owned by ${f.owner}, not by this node's key ${this.address}`,
        { franchiseId },
      );
    const builder = new TxBuilder({
      chainId: this.config.chainId,
      privateKey: this.privateKey,
      fee: this.config.params.minTxFee,
      limits: this.config.params,
    });
    const tx = builder.anchorMedia(this.mempool.nextNonce(this.address), {
      franchiseId,
      cameraId,
      segments: items.map((i) => ({ sha256: i.sha256.toLowerCase() as Hash, cid: i.cid })),
    });
    const { txHash } = await this.submit(encodeTx(tx, this.config.params));
    const r = await this.waitForTx(txHash);
    if (!r.ok)
      throw new NodeError(
        'ANCHOR_UNAVAILABLE',
        `the anchor transaction ${txHash} was committed but failed: ${r.error ?? 'unknown'}`,
        { txHash },
      );
    return { height: r.height, tx: txHash, timeMs: r.timeMs };
  }

  /** Registers this development node's own store (dev chain only, where this node is the HQ authority). */
  private async registerDevStore(id: string): Promise<void> {
    const builder = new TxBuilder({
      chainId: this.config.chainId,
      privateKey: this.privateKey!,
      fee: this.config.params.minTxFee,
      limits: this.config.params,
    });
    const tx = builder.registerFranchise(this.mempool.nextNonce(this.address!), {
      id,
      owner: this.address!,
      status: 'active',
      city: 'Development',
      region: 'dev',
      tokenomics: { currency: 'USD', tokensPerMinorUnit: 1n, royaltyBps: 500, validatorRewardBps: 100 },
    });
    const { txHash } = await this.submit(encodeTx(tx, this.config.params));
    await this.waitForTx(txHash);
    this.deps.log.info({ franchiseId: id }, 'registered the development store for media anchoring');
  }

  // ---------------------------------------------------------------- queries (chain.*, network.*)

  /** `chain.head`. */
  chainHead(): ChainHead {
    const m = this.store.chainMeta();
    return {
      chainId: this.config.chainId,
      genesisHash: m.genesisHash,
      height: m.height,
      hash: m.height > 0 ? m.lastBlockHash : null,
      timeMs: m.height > 0 ? m.lastTimeMs : null,
      stateRoot: m.stateRoot,
      syncing: this.syncing(),
      validator: this.address ? toChecksumAddress(this.address) : null,
      round: this.driverValue?.position().round ?? 0,
      mempoolTxs: this.mempoolValue?.size ?? 0,
    };
  }

  /** `chain.blocks`: newest first, below `before`. */
  recentBlocks(limit: number, before?: number): { items: BlockSummary[]; nextBefore: number | null } {
    const top = before ?? this.store.chainMeta().height + 1;
    const items = this.store
      .recentBlocks(top, limit)
      .map((b) => ({ ...b, proposer: toChecksumAddress(b.proposer) }));
    const last = items[items.length - 1];
    return { items, nextBefore: last && last.height > 1 && items.length === limit ? last.height : null };
  }

  /** `chain.block` by height or hash. Throws `BLOCK_NOT_FOUND`. */
  block(ref: { height: number } | { hash: string }): BlockDetail {
    const b = 'height' in ref ? this.store.blockAt(ref.height) : this.store.blockByHash(ref.hash);
    if (!b)
      throw new NodeError(
        'BLOCK_NOT_FOUND',
        'height' in ref
          ? `there is no block at height ${ref.height} yet (the head is ${this.store.chainMeta().height})`
          : `no block has hash ${ref.hash}`,
        { ...ref },
      );
    const d = decodeBlock(b.block, this.config.params);
    const commit = decodeCommit(b.commit, this.config.params);
    const stored = new Map(this.store.txsOfBlock(b.height).map((s) => [s.hash, s]));
    const h = d.block.header;
    return {
      height: h.height,
      hash: b.hash,
      timeMs: h.timeMs,
      proposer: toChecksumAddress(h.proposer),
      txCount: d.block.txs.length,
      stateRoot: h.stateRoot,
      round: h.round,
      previousHash: h.previousHash,
      txRoot: h.txRoot,
      validatorSetHash: h.validatorSetHash,
      lastCommitSigners: (d.block.lastCommit?.signatures ?? []).map((s) => toChecksumAddress(s.validator)),
      commitSigners: commit.signatures.map((s) => toChecksumAddress(s.validator)),
      evidence: d.block.evidence.map((e) => ({
        validator: toChecksumAddress(e.a.validator),
        height: e.a.height,
        round: e.a.round,
        type: e.a.type,
      })),
      txs: d.block.txs.map((tx, i) => {
        const hash = d.txHashes[i] as Hash;
        const s = stored.get(hash);
        return s ? committedTxView(tx, s, h.timeMs) : pendingTxView(tx, hash);
      }),
    };
  }

  /** `chain.tx`: committed or pending. Throws `TX_NOT_FOUND`. */
  tx(hash: string): TxView {
    const h = hash.toLowerCase() as Hash;
    const s = this.store.txByHash(h);
    if (s)
      return committedTxView(
        decodeTx(s.tx, this.config.params),
        s,
        this.store.blockAt(s.height)?.timeMs ?? null,
      );
    const p = this.mempool.get(h);
    if (p) return pendingTxView(p.tx, p.hash);
    throw new NodeError('TX_NOT_FOUND', `no transaction ${hash} is committed or pending`, { hash });
  }

  /** `chain.account`. Throws `ACCOUNT_NOT_FOUND` for an address the chain never saw. */
  account(address: string, limit: number, before?: string): AccountView {
    const addr = parseAddress(address);
    const store = this.store;
    const acct = getAccount(store, addr);
    const val = getValidator(store, addr);
    const pending = this.mempool.pendingOf(addr);
    if (acct.balance === 0n && acct.nonce === 0 && !val && pending.length === 0 && !store.addressSeen(addr)) {
      throw new NodeError(
        'ACCOUNT_NOT_FOUND',
        `address ${toChecksumAddress(addr)} has never appeared on this chain`,
        { address: addr },
      );
    }
    const kyc = getKyc(store, addr);
    const rows = store.txsOfAddress(addr, limit, parseCursor(before));
    const txs: TxView[] = [];
    if (!before) for (const e of [...pending].reverse()) txs.push(pendingTxView(e.tx, e.hash));
    for (const s of rows)
      txs.push(
        committedTxView(decodeTx(s.tx, this.config.params), s, store.blockAt(s.height)?.timeMs ?? null),
      );
    const last = rows[rows.length - 1];
    return {
      address: toChecksumAddress(addr),
      balance: acct.balance.toString(),
      nonce: acct.nonce,
      pendingNonce: this.mempool.nextNonce(addr),
      stake: (val?.stake ?? 0n).toString(),
      isValidatorCandidate: val !== null,
      kyc: kyc ? { level: kyc.level, status: kyc.status, expiresAtMs: kyc.expiresAtMs } : null,
      txs,
      nextCursor: rows.length === limit && last ? `${last.height}:${last.index}` : null,
    };
  }

  /** `chain.validators`: every candidate with its score, and the set deciding the next block. */
  validators(): ValidatorView[] {
    const store = this.store;
    const next = store.chainMeta().height + 1;
    const epoch = epochOf(next, this.config.params);
    const set = new Map((getValidatorSet(store, epoch) ?? []).map((v) => [v.address, v.votingPower]));
    const candidates = listValidators(store);
    const scores = new Map(scoreCandidates(candidates, epoch).map((s) => [s.address, s.scorePpm]));
    return candidates
      .map((c) => ({
        address: toChecksumAddress(c.address),
        stake: c.stake.toString(),
        reputationPpm: c.reputationPpm,
        region: c.region,
        scorePpm: scores.get(c.address) ?? 0,
        votingPower: set.get(c.address) ?? 0,
        active: set.has(c.address),
        jailed: c.jailedUntilEpoch > epoch,
        jailedUntilEpoch: c.jailedUntilEpoch,
      }))
      .sort(
        (a, b) =>
          Number(b.active) - Number(a.active) || b.votingPower - a.votingPower || b.scorePpm - a.scorePpm,
      );
  }

  /** `network.peers`. */
  peers(): PeerInfo[] {
    if (!this.networkValue || !this.running) return [];
    return this.networkValue.peers().map(peerInfo);
  }

  /** `network.addPeer`: dials and remembers a peer. */
  async addPeer(multiaddr: string): Promise<PeerInfo> {
    return peerInfo(await this.network.addPeer(multiaddr));
  }

  /** `network.addresses`: our peer id and listen addresses. */
  addresses(): { peerId: string; addresses: string[] } {
    return { peerId: this.network.peerId, addresses: this.network.listenAddresses() };
  }
}

function peerInfo(p: PeerView): PeerInfo {
  return {
    id: p.id,
    address: p.address,
    source: p.source,
    connected: p.connected,
    latencyMs: p.latencyMs,
    score: Number.isFinite(p.score) ? p.score : 0,
    height: p.status?.height ?? null,
    bannedUntilMs: p.bannedUntilMs,
  };
}

function parseCursor(c: string | undefined): { height: number; index: number } | undefined {
  if (!c) return undefined;
  const m = /^(\d{1,15}):(\d{1,9})$/.exec(c);
  if (!m)
    throw new NodeError(
      'BAD_ARGUMENT',
      `cursor ${JSON.stringify(c)} is not "height:index" (pass back the nextCursor you got)`,
    );
  return { height: Number(m[1]), index: Number(m[2]) };
}

function ledgerTx(
  tx: Tx,
  hash: Hash,
  height: number | null,
  timeMs: number | null,
  status: LedgerTx['status'],
  error: string | null,
  _self: Address,
): LedgerTx {
  const p = tx.payload;
  const to = p.type === 'transfer' ? p.to : null;
  const amount = p.type === 'transfer' || p.type === 'stake' || p.type === 'unstake' ? p.amount : 0n;
  return {
    txHash: hash,
    height,
    timeMs,
    type: p.type,
    from: tx.sender,
    to,
    amount,
    fee: tx.fee,
    status,
    ...(error ? { error } : {}),
  };
}
