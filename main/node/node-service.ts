/**
 * `NodeService`: the running ledger node as one lifecycle component. It does not build its parts: at
 * start it asks `deps.assemble` (the composition root's start-time factory, `main/app/assemble-ledger.ts`)
 * for them, because they depend on what only the data dir says at start (genesis, the chain id, the open
 * store, the validator key). It then starts the network, consensus and sync, and is what the rest of the
 * app sees of the ledger:
 * - the chain status for `StatusService` (`chainId`, `head`, `syncing`, `isValidator`, `peerCount`);
 * - `WalletLedger` for the wallet (balances, nonces, history, submit);
 * - `MediaAnchorer` for video and `AuditHeadAnchorer` for the audit log (anchor-media batches and
 *   anchor-audit heads, resolved when committed: `chain-anchoring.ts`);
 * - the queries behind `chain.*` (`ledger-queries.ts`) and `network.*` of the API contract;
 * - the franchise registry behind `franchise.*` (`franchise-registry.ts`).
 * Its own behaviour: admitting submitted and gossiped transactions, waiting for commits, and the
 * `chain.block` and `network.peers` events.
 */
import type { EmitEvent } from '../contract';
import type {
  AccountView,
  BlockDetail,
  BlockSummary,
  ChainHead,
  TxView,
  ValidatorView,
} from '../contract/chain';
import type { PeerInfo } from '../contract/network';
import type { Genesis } from '../chain/genesis';
import { parseAddress, toChecksumAddress } from '../chain/keys';
import type { ChainConfig } from '../chain/params';
import { getAccount } from '../chain/state/access';
import { decodeTx, txHashOfBytes } from '../chain/tx/codec';
import type { Address, Hash, Hex } from '../chain/types';
import type { NodeNetwork, P2pLog, PeerView } from '../p2p/types';
import type { AnchorReceipt, MediaAnchorItem, MediaAnchorer } from '../video/record/anchor';
import type { AuditAnchor, AuditHead, AuditHeadAnchorer } from '../access/audit-anchoring';
import type { CommittedOutcome, RoyaltyPayment, SalesLedger, SignedSalesTx } from '../sales/sales-ledger';
import type { Franchise, Sale } from '../chain/tx/types';
import type { LedgerHistoryPage, LedgerParams, WalletLedger } from '../wallet/ledger';
import { AppError } from '../common/errors';
import type { ChainAnchoring, TxOutcome } from './chain-anchoring';
import type { CommittedBlock } from './commit-block';
import type { ConsensusDriver } from './driver';
import { NodeError } from './errors';
import type { FranchiseRegistry } from './franchise-registry';
import type { LedgerQueries } from './ledger-queries';
import type { LedgerStore } from './ledger-store';
import type { Mempool } from './mempool';
import { installNativeKeccak } from './native-keccak';
import type { Backfiller } from './backfill';
import type { JoinResult, SnapshotJoiner } from './snapshot-join';
import type { SnapshotKeeper } from './snapshots';
import type { Syncer } from './sync';
import type { TxPreverifier } from './tx-preverifier';

export type { TxOutcome };

/** What a started ledger node is made of (built at start by the composition root's ledger factory). */
export interface LedgerParts {
  genesis: Genesis;
  config: ChainConfig;
  store: LedgerStore;
  /** The validator key (null for an observer): the node's own copy, wiped at stop. */
  privateKey: Uint8Array | null;
  address: Address | null;
  preverifier: TxPreverifier;
  mempool: Mempool;
  network: NodeNetwork;
  driver: ConsensusDriver;
  syncer: Syncer;
  queries: LedgerQueries;
  anchoring: ChainAnchoring;
  franchises: FranchiseRegistry;
  /** The snapshots this node keeps and serves (none: it serves none). */
  snapshots?: SnapshotKeeper;
  /** Joins an empty ledger from a peer's snapshot before consensus starts (none: never). */
  joiner?: SnapshotJoiner;
  /** Back-fills the blocks below a joined snapshot. */
  backfiller?: Backfiller;
}

/** What the parts call back into the node for: the driver's commits, anchoring's submit and commit wait. */
export interface LedgerCallbacks {
  onCommit(block: CommittedBlock): void;
  submit(txBytes: Uint8Array): Promise<{ txHash: Hex }>;
  waitForTx(hash: Hash): Promise<TxOutcome>;
}

/** Options of the node service. */
export interface NodeServiceOptions {
  /** How long `anchor`/`submitAndWait` wait for a commit, ms (default 120,000). */
  commitWaitMs?: number;
}

/** What the node service uses. */
export interface NodeServiceDeps {
  /** Builds the node's parts at start; on failure it leaves nothing open. */
  assemble: (node: LedgerCallbacks) => Promise<LedgerParts>;
  log: P2pLog;
  /** Pushes `chain.block` and `network.peers` to the app's event bus. */
  emit?: EmitEvent;
  /** Called after each committed block (benchmarks, tests). */
  onCommit?: (block: CommittedBlock) => void;
}

interface Waiter {
  resolve: (r: TxOutcome) => void;
  timer: NodeJS.Timeout;
}

/**
 * Built by `composeLedgerNode` (`main/app/compose-ledger.ts`), which hands it the start-time factory.
 *
 * @example
 * const node = composeLedgerNode({ dataDir, network: config.network }, { log, emit });
 * await node.start(); node.head(); await node.stop();
 */
export class NodeService implements WalletLedger, MediaAnchorer, AuditHeadAnchorer, SalesLedger {
  private parts: LedgerParts | undefined;
  private readonly waiters = new Map<Hash, Waiter[]>();
  private peersTimer: NodeJS.Timeout | undefined;
  private offPeers: (() => void) | undefined;
  private running = false;
  /** Joining from a snapshot, then starting consensus and sync (see `start`). */
  private bootstrap: Promise<void> | undefined;
  private stopping = new AbortController();
  private joinedWith: JoinResult | null = null;

  constructor(
    private readonly opts: NodeServiceOptions,
    private readonly deps: NodeServiceDeps,
  ) {
    installNativeKeccak();
  }

  /** The ledger store (after start). */
  get store(): LedgerStore {
    return this.part('store', 'the ledger is not open yet (the node is starting)');
  }
  /** The consensus driver (after start). */
  get driver(): ConsensusDriver {
    return this.part('driver', 'consensus is not running yet (the node is starting)');
  }
  /** The syncer (after start). */
  get syncer(): Syncer {
    return this.part('syncer', 'sync is not running yet (the node is starting)');
  }
  /** The snapshots this node keeps and serves (undefined when it keeps none, or before start). */
  get snapshots(): SnapshotKeeper | undefined {
    return this.parts?.snapshots;
  }
  /** Transactions waiting in the mempool (0 before start). */
  get mempoolSize(): number {
    return this.parts?.mempool.size ?? 0;
  }
  /** The mempool (after start). */
  get mempool(): Mempool {
    return this.part('mempool', 'the mempool is not running yet (the node is starting)');
  }
  /** The network (after start). */
  get network(): NodeNetwork {
    return this.part('network', 'the network is not running yet (the node is starting)');
  }
  /** The chain's ledger configuration (after start). */
  get config(): ChainConfig {
    return this.part('config', 'the node is not started');
  }
  /** HQ's franchise registry (after start). */
  get franchises(): FranchiseRegistry {
    return this.part('franchises', 'the ledger is not open yet (the node is starting)');
  }
  /** The validator address (null for an observer), known after start. */
  get address(): Address | null {
    return this.parts?.address ?? null;
  }

  async start(): Promise<void> {
    this.stopping = new AbortController();
    const parts = await this.deps.assemble({
      onCommit: (b) => this.onCommit(b),
      submit: (txBytes) => this.submit(txBytes),
      waitForTx: (hash) => this.waitForTx(hash),
    });
    this.parts = parts;
    const { network, store, snapshots, joiner } = parts;
    try {
      network.onMessage('tx', async (bytes) => this.onGossipTx(bytes));
      if (snapshots) {
        snapshots.load();
        network.setSnapshotProvider((q) => snapshots.answer(q));
      }
      await network.start();
      this.offPeers = network.onPeerStatus(() => this.schedulePeersEvent());
      if (joiner && store.chainMeta().height === 0) {
        // Joining takes as long as fetching the state: the node's API answers meanwhile (syncing).
        this.bootstrap = this.joinThenRun(parts, joiner).catch((err: unknown) => {
          if (!this.stopping.signal.aborted)
            this.deps.log.error({ err: (err as Error).message }, 'the ledger node could not start');
        });
        return;
      }
      await this.run(parts);
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** Resolves once consensus runs (after a snapshot join, if one was due). */
  async ready(): Promise<void> {
    await this.bootstrap;
  }

  /** What joining from a snapshot did at this start (null: the node did not join from one). */
  joined(): JoinResult | null {
    return this.joinedWith;
  }

  private async joinThenRun(parts: LedgerParts, joiner: SnapshotJoiner): Promise<void> {
    try {
      this.joinedWith = await joiner.join(this.stopping.signal);
    } catch (err) {
      if (this.stopping.signal.aborted) return;
      // A failed restore was rolled back to the genesis: the blocks still come by range sync.
      this.deps.log.error(
        { err: (err as Error).message },
        'joining from a state snapshot failed; syncing blocks from genesis instead',
      );
    }
    if (this.stopping.signal.aborted) return;
    await this.run(parts);
  }

  /** Starts consensus, sync, back-fill and snapshots on the store's head. */
  private async run(parts: LedgerParts): Promise<void> {
    const { network, driver, syncer, store } = parts;
    await driver.start();
    await syncer.start();
    parts.backfiller?.start();
    parts.snapshots?.afterCommit();
    this.running = true;
    this.deps.log.info(
      {
        chainId: parts.genesis.chainId,
        height: store.chainMeta().height,
        validator: parts.address,
        peerId: network.peerId,
      },
      'ledger node started',
    );
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopping.abort();
    await this.bootstrap;
    this.offPeers?.();
    clearTimeout(this.peersTimer);
    const parts = this.parts;
    await parts?.backfiller?.stop();
    await parts?.snapshots?.stop();
    await parts?.syncer.stop();
    await parts?.driver.stop();
    try {
      await parts?.network.stop();
    } catch (err) {
      this.deps.log.warn({ err: (err as Error).message }, 'network stop failed');
    }
    for (const list of this.waiters.values()) for (const w of list) clearTimeout(w.timer);
    this.waiters.clear();
    parts?.store.close();
    await parts?.preverifier.close();
    parts?.privateKey?.fill(0);
  }

  private part<K extends keyof LedgerParts>(name: K, notYet: string): LedgerParts[K] {
    if (!this.parts) throw new NodeError('NOT_RUNNING', notYet);
    return this.parts[name];
  }

  private async onGossipTx(bytes: Uint8Array): Promise<'accept' | 'reject' | 'ignore'> {
    if (!this.running) return 'ignore';
    const hash = txHashOfBytes(bytes);
    if (this.mempool.has(hash)) return 'ignore';
    const preverifier = this.part('preverifier', 'the node is not started');
    // Overloaded: shed gossiped transactions (the node that received one from its client keeps it and
    // proposes it) rather than let signature checks pile up and starve consensus.
    if (preverifier.overloaded) return 'ignore';
    await preverifier.preverify([bytes], [hash]);
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
    this.parts?.snapshots?.afterCommit();
    this.deps.onCommit?.(b);
    for (const h of b.txHashes) {
      const list = this.waiters.get(h);
      if (!list) continue;
      this.waiters.delete(h);
      const s = this.parts?.store.txByHash(h);
      for (const w of list) {
        clearTimeout(w.timer);
        w.resolve({ height: b.height, timeMs: b.timeMs, ok: s?.ok ?? true, error: s?.errorCode ?? null });
      }
    }
    this.deps.emit?.('chain.block', {
      height: b.height,
      hash: b.hash,
      timeMs: b.timeMs,
      proposer: toChecksumAddress(b.proposer),
      txCount: b.txHashes.length,
      stateRoot: b.stateRoot,
    });
  }

  private schedulePeersEvent(): void {
    if (this.peersTimer || !this.deps.emit) return;
    this.peersTimer = setTimeout(() => {
      this.peersTimer = undefined;
      if (this.running) this.deps.emit?.('network.peers', this.peers());
    }, 500);
    this.peersTimer.unref();
  }

  // ---------------------------------------------------------------- chain status (for StatusService)

  chainId(): string {
    return this.parts?.genesis.chainId ?? 'starting';
  }

  head(): { height: number; hash: string; timeMs: number } | null {
    if (!this.parts?.store.db.open) return null;
    const m = this.parts.store.chainMeta();
    return m.height === 0 ? null : { height: m.height, hash: m.lastBlockHash, timeMs: m.lastTimeMs };
  }

  syncing(): boolean {
    if (this.bootstrap && !this.running && this.parts) return true; // joining from a snapshot
    return this.parts?.syncer.syncing() ?? false;
  }

  isValidator(): boolean {
    if (!this.address || !this.parts || !this.running) return false;
    return this.driver.validatorsAt(this.driver.height).some((v) => v.address === this.address);
  }

  /** Connected peers (for the status). */
  peerCount(): number {
    return this.parts && this.running ? this.parts.network.peerCount() : 0;
  }

  // ---------------------------------------------------------------- submitting

  /** Admits an encoded transaction to the mempool and gossips it. Throws the typed refusal. */
  async submit(txBytes: Uint8Array): Promise<{ txHash: Hex }> {
    if (!this.running)
      throw new NodeError('NOT_RUNNING', 'the node is not running; transactions cannot be submitted now');
    const hash = txHashOfBytes(txBytes);
    await this.part('preverifier', 'the node is not started').preverify([txBytes], [hash]);
    const e = this.mempool.add(txBytes, hash);
    this.network
      .publish('tx', e.bytes)
      .catch((err: unknown) => this.deps.log.warn({ err: (err as Error).message }, 'tx gossip failed'));
    return { txHash: e.hash };
  }

  /** Resolves when the transaction is in a committed block (or rejects after `commitWaitMs`). */
  waitForTx(hash: Hash, timeoutMs = this.opts.commitWaitMs ?? 120_000): Promise<TxOutcome> {
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
    return this.queries.history(address, opts);
  }

  // ---------------------------------------------------------------- SalesLedger (ChainAnchoring)

  storeFranchise(): Promise<Franchise> {
    return this.part('anchoring', 'the node is not started').storeFranchise();
  }

  submitSales(
    batch: { firstSeq: number; sales: Sale[] },
    persist: (tx: SignedSalesTx) => Promise<void>,
  ): Promise<SignedSalesTx> {
    return this.part('anchoring', 'the node is not started').submitSales(batch, persist);
  }

  recordedThrough(): number {
    return this.part('anchoring', 'the node is not started').recordedThrough();
  }

  resubmit(bytes: Uint8Array): Promise<void> {
    return this.part('anchoring', 'the node is not started').resubmit(bytes);
  }

  outcome(txHash: string): CommittedOutcome | null {
    return this.part('anchoring', 'the node is not started').outcome(txHash);
  }

  committedNonce(): number {
    return this.part('anchoring', 'the node is not started').committedNonce();
  }

  paymentsToHq(): RoyaltyPayment[] {
    return this.part('anchoring', 'the node is not started').paymentsToHq();
  }

  // ---------------------------------------------------------------- MediaAnchorer

  /** Anchors a batch of one camera's segment hashes on the chain (`ChainAnchoring`); resolves when committed. */
  async anchor(cameraId: string, items: MediaAnchorItem[]): Promise<AnchorReceipt> {
    return this.part('anchoring', 'the node is not started').anchorMedia(cameraId, items);
  }

  // ---------------------------------------------------------------- AuditHeadAnchorer

  /** The newest audit-log head anchored for this store's franchise, or null. */
  async latestAuditAnchor(): Promise<AuditAnchor | null> {
    return this.part('anchoring', 'the node is not started').latestAuditAnchor();
  }

  /** Anchors the audit log's head on the chain (`ChainAnchoring`); resolves when committed. */
  async anchorAuditHead(head: AuditHead): Promise<AuditAnchor> {
    return this.part('anchoring', 'the node is not started').anchorAuditHead(head);
  }

  // ---------------------------------------------------------------- queries (chain.*: LedgerQueries; network.*)

  private get queries(): LedgerQueries {
    return this.part('queries', 'the ledger is not open yet (the node is starting)');
  }

  /** `chain.head`. */
  chainHead(): ChainHead {
    return this.queries.chainHead();
  }

  /** `chain.blocks`: newest first, below `before`. */
  recentBlocks(limit: number, before?: number): { items: BlockSummary[]; nextBefore: number | null } {
    return this.queries.recentBlocks(limit, before);
  }

  /** `chain.block` by height or hash. Throws `BLOCK_NOT_FOUND`. */
  block(ref: { height: number } | { hash: string }): BlockDetail {
    return this.queries.block(ref);
  }

  /** `chain.tx`: committed or pending. Throws `TX_NOT_FOUND`. */
  tx(hash: string): TxView {
    return this.queries.tx(hash);
  }

  /** `chain.account`. Throws `ACCOUNT_NOT_FOUND` for an address the chain never saw. */
  account(address: string, limit: number, before?: string): AccountView {
    return this.queries.account(address, limit, before);
  }

  /** `chain.validators`: every candidate with its score, and the set deciding the next block. */
  validators(): ValidatorView[] {
    return this.queries.validators();
  }

  /** `network.peers`. */
  peers(): PeerInfo[] {
    if (!this.parts || !this.running) return [];
    return this.parts.network.peers().map(peerInfo);
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
