/**
 * `ChainAnchoring`: how the node puts what its store must be able to prove later on the chain: a
 * camera's recorded segments (`anchor-media`), the audit log's head (`anchor-audit`) and the store's
 * sales (`record-sales`, for the sales batcher). All are transactions signed by the validator key,
 * which must own the store's franchise; on the embedded development chain the node registers its own
 * dev store first. One transaction at a time: each takes the key's next nonce.
 */
import type { AuditAnchor, AuditHead, AuditHeadAnchorer } from '../access/audit-anchoring';
import { getAccount, getAuditAnchor, getFranchise, getSalesMark } from '../chain/state/access';
import { decodeTx, encodeTx, txHashOfBytes } from '../chain/tx/codec';
import { TxBuilder } from '../chain/tx/builder';
import type { Franchise, Sale, Tx } from '../chain/tx/types';
import type { ChainConfig } from '../chain/params';
import type { Address, Hash, Hex } from '../chain/types';
import type { P2pLog } from '../p2p/types';
import type { AnchorReceipt, MediaAnchorItem } from '../video/record/anchor';
import type { CommittedOutcome, RoyaltyPayment, SalesLedger, SignedSalesTx } from '../sales/sales-ledger';
import { NodeError } from './errors';
import type { LedgerStore } from './ledger-store';
import type { Mempool } from './mempool';
import { OwnTxQueue } from './own-tx-queue';

/** The chain id of the embedded development chain (`makeDevGenesis`'s default). */
export const DEV_CHAIN_ID = 'hotpot-dev';
/** The franchise a development node anchors under. */
export const DEV_FRANCHISE_ID = 'dev-store';

/** What became of a committed transaction. */
export interface TxOutcome {
  height: number;
  timeMs: number;
  ok: boolean;
  error: string | null;
}

/** Options of chain anchoring. */
export interface ChainAnchoringOptions {
  /** The franchise this store anchors under (the dev store on the development chain). */
  franchiseId?: string;
}

/** What chain anchoring uses: the chain, the signing key, and the node's submit and commit wait. */
export interface ChainAnchoringDeps {
  store: LedgerStore;
  config: ChainConfig;
  mempool: Pick<Mempool, 'nextNonce'>;
  /** The validator key (null for an observer, which cannot anchor). */
  privateKey: Uint8Array | null;
  address: Address | null;
  submit: (txBytes: Uint8Array) => Promise<{ txHash: Hex }>;
  waitForTx: (hash: Hash) => Promise<TxOutcome>;
  log: P2pLog;
  /** The queue of this key's transactions, shared with whatever else signs with it (default: its own). */
  queue?: OwnTxQueue;
}

/** A key that may anchor for a franchise: what every anchor transaction is made with. */
interface Anchorer {
  franchiseId: string;
  franchise: Franchise;
  address: Address;
  builder: TxBuilder;
}

/**
 * @example
 * const anchoring = new ChainAnchoring({ franchiseId }, { store, config, mempool, privateKey, address, submit, waitForTx, log });
 * const receipt = await anchoring.anchorMedia('cam-1', items); // { height, tx, timeMs }
 * const anchor = await anchoring.anchorAuditHead(auditLog.head()); // { seq, hash, height, timeMs }
 */
export class ChainAnchoring implements AuditHeadAnchorer, SalesLedger {
  private readonly queue: OwnTxQueue;

  constructor(
    private readonly opts: ChainAnchoringOptions,
    private readonly deps: ChainAnchoringDeps,
  ) {
    this.queue = deps.queue ?? new OwnTxQueue();
  }

  /** Anchors a batch of one camera's segment hashes (`anchor-media`); resolves when committed. */
  anchorMedia(cameraId: string, items: MediaAnchorItem[]): Promise<AnchorReceipt> {
    return this.oneAtATime(async () => {
      const a = await this.anchorer('recordings');
      const tx = a.builder.anchorMedia(this.deps.mempool.nextNonce(a.address), {
        franchiseId: a.franchiseId,
        cameraId,
        segments: items.map((i) => ({ sha256: i.sha256.toLowerCase() as Hash, cid: i.cid })),
      });
      const { txHash, outcome } = await this.commit(tx);
      return { height: outcome.height, tx: txHash, timeMs: outcome.timeMs };
    });
  }

  /** Anchors the audit log's head (`anchor-audit`); resolves with the anchor once committed. */
  anchorAuditHead(head: AuditHead): Promise<AuditAnchor> {
    return this.oneAtATime(async () => {
      const a = await this.anchorer('the audit log');
      const hash = `0x${head.hash.toLowerCase()}` as Hash;
      const tx = a.builder.anchorAudit(this.deps.mempool.nextNonce(a.address), {
        franchiseId: a.franchiseId,
        seq: head.seq,
        hash,
      });
      const { outcome } = await this.commit(tx);
      return { seq: head.seq, hash: head.hash, height: outcome.height, timeMs: outcome.timeMs };
    });
  }

  /** The newest audit head anchored for this store's franchise (null when none yet, or no franchise is known). */
  async latestAuditAnchor(): Promise<AuditAnchor | null> {
    const franchiseId = this.franchiseId();
    const a = franchiseId ? getAuditAnchor(this.deps.store, franchiseId) : null;
    return a ? { ...a, hash: a.hash.slice(2) } : null;
  }

  /** The store's franchise as the chain has it (`ANCHOR_UNAVAILABLE` when this node cannot record for it). */
  async storeFranchise(): Promise<Franchise> {
    // Read straight from the state when it is there (every sale asks); only a first registration waits its turn.
    const id = this.franchiseId();
    const known = id ? getFranchise(this.deps.store, id) : null;
    if (known && known.owner === this.deps.address && this.deps.privateKey) return known;
    return this.oneAtATime(async () => (await this.anchorer('sales')).franchise);
  }

  /** Signs `sales` as a `record-sales` transaction, has `persist` keep it, then sends it (see `SalesLedger`). */
  submitSales(
    batch: { firstSeq: number; sales: Sale[] },
    persist: (tx: SignedSalesTx) => Promise<void>,
  ): Promise<SignedSalesTx> {
    return this.oneAtATime(async () => {
      const a = await this.anchorer('sales');
      const nonce = this.deps.mempool.nextNonce(a.address);
      const bytes = encodeTx(
        a.builder.recordSales(nonce, { franchiseId: a.franchiseId, ...batch }),
        this.deps.config.params,
      );
      const signed = { nonce, txHash: txHashOfBytes(bytes), bytes };
      await persist(signed);
      await this.deps.submit(bytes);
      return signed;
    });
  }

  /** Sends a signed transaction again; a refusal (already known, nonce used) is only logged. */
  async resubmit(bytes: Uint8Array): Promise<void> {
    try {
      await this.deps.submit(bytes);
    } catch (err) {
      this.deps.log.debug({ err: (err as Error).message }, 'a resent transaction was not taken');
    }
  }

  /** The number of the store franchise's last sale on the committed chain (0 when none). */
  recordedThrough(): number {
    const franchiseId = this.franchiseId();
    return franchiseId ? (getSalesMark(this.deps.store, franchiseId)?.through ?? 0) : 0;
  }

  /** The outcome of a transaction in a final block, or null. */
  outcome(txHash: string): CommittedOutcome | null {
    const s = this.deps.store.txByHash(txHash);
    return s ? { ok: s.ok, height: s.height, error: s.errorCode } : null;
  }

  /** The nonce the committed chain expects next from this node's key. */
  committedNonce(): number {
    return this.deps.address ? getAccount(this.deps.store, this.deps.address).nonce : 0;
  }

  /** The store key's final transfers to the HQ authority (its royalty payments), oldest first. */
  paymentsToHq(): RoyaltyPayment[] {
    const { store, address, config } = this.deps;
    if (!address) return [];
    return store.transfers(address, config.hqAuthority).flatMap((s) => {
      const tx = decodeTx(s.tx, config.params);
      if (tx.payload.type !== 'transfer') return [];
      return [{ txHash: s.hash, timeMs: store.blockAt(s.height)?.timeMs ?? 0, amount: tx.payload.amount }];
    });
  }

  /** Runs `fn` after every transaction of this key before it: each takes the key's next nonce. */
  private oneAtATime<T>(fn: () => Promise<T>): Promise<T> {
    return this.queue.run(fn);
  }

  /** The configured franchise, or the dev store on the development chain when this node is its HQ. */
  private franchiseId(): string | undefined {
    return this.opts.franchiseId ?? (this.isDevStore() ? DEV_FRANCHISE_ID : undefined);
  }

  private isDevStore(): boolean {
    const { config, address } = this.deps;
    return config.chainId === DEV_CHAIN_ID && address !== null && config.hqAuthority === address;
  }

  /**
   * The key and franchise to anchor `what` with, checked against the chain (`ANCHOR_UNAVAILABLE`
   * with the reason: an observer, no franchise id, a franchise not registered or owned by another key).
   */
  private async anchorer(what: string): Promise<Anchorer> {
    const { store, address, privateKey } = this.deps;
    const franchiseId = this.franchiseId();
    if (!privateKey || !address)
      throw new NodeError(
        'ANCHOR_UNAVAILABLE',
        `anchoring ${what} needs a signing key: this node runs as an observer`,
      );
    if (!franchiseId)
      throw new NodeError(
        'ANCHOR_UNAVAILABLE',
        `anchoring ${what} needs the franchise id of this store: set franchiseId in config.json or HOTPOT_FRANCHISE_ID`,
      );
    const builder = this.builder(privateKey);
    // On the embedded development chain this node is HQ too: it anchors under its own dev store, registering it once.
    if (this.isDevStore() && !getFranchise(store, franchiseId))
      await this.registerDevStore(franchiseId, builder, address);
    const f = getFranchise(store, franchiseId);
    if (!f)
      throw new NodeError(
        'ANCHOR_UNAVAILABLE',
        `franchise ${franchiseId} is not registered on the chain; ask HQ to register it first`,
        { franchiseId },
      );
    if (f.owner !== address)
      throw new NodeError(
        'ANCHOR_UNAVAILABLE',
        `franchise ${franchiseId} is owned by ${f.owner}, not by this node's key ${address}`,
        { franchiseId },
      );
    return { franchiseId, franchise: f, address, builder };
  }

  /** Submits `tx` and waits for its block; a committed tx that failed is `ANCHOR_UNAVAILABLE` with the chain's reason. */
  private async commit(tx: Tx): Promise<{ txHash: Hex; outcome: TxOutcome }> {
    const { txHash } = await this.deps.submit(encodeTx(tx, this.deps.config.params));
    const outcome = await this.deps.waitForTx(txHash);
    if (!outcome.ok)
      throw new NodeError(
        'ANCHOR_UNAVAILABLE',
        `the anchor transaction ${txHash} was committed but failed: ${outcome.error ?? 'unknown'}`,
        { txHash },
      );
    return { txHash, outcome };
  }

  /** Registers this development node's own store (dev chain only, where this node is the HQ authority). */
  private async registerDevStore(id: string, builder: TxBuilder, owner: Address): Promise<void> {
    const tx = builder.registerFranchise(this.deps.mempool.nextNonce(owner), {
      id,
      owner,
      status: 'active',
      city: 'Development',
      region: 'dev',
      tokenomics: { currency: 'USD', tokensPerMinorUnit: 1n, royaltyBps: 500, validatorRewardBps: 100 },
    });
    const { txHash } = await this.deps.submit(encodeTx(tx, this.deps.config.params));
    await this.deps.waitForTx(txHash);
    this.deps.log.info({ franchiseId: id }, 'registered the development store for anchoring');
  }

  /** Transactions signed by the validator key. */
  private builder(privateKey: Uint8Array): TxBuilder {
    const { config } = this.deps;
    return new TxBuilder({
      chainId: config.chainId,
      privateKey,
      fee: config.params.minTxFee,
      limits: config.params,
    });
  }
}
