/**
 * `MediaAnchoring`: how the node anchors a camera's recorded segments on the chain. Each batch becomes
 * one `anchor-media` transaction signed by the validator key, which must own the store's franchise;
 * on the embedded development chain the node registers its own dev store first.
 */
import { getFranchise } from '../chain/state/access';
import { encodeTx } from '../chain/tx/codec';
import { TxBuilder } from '../chain/tx/builder';
import type { ChainConfig } from '../chain/params';
import type { Address, Hash, Hex } from '../chain/types';
import type { P2pLog } from '../p2p/types';
import type { AnchorReceipt, MediaAnchorItem, MediaAnchorer } from '../video/record/anchor';
import { NodeError } from './errors';
import type { LedgerStore } from './ledger-store';
import type { Mempool } from './mempool';

/** The chain id of the embedded development chain (`makeDevGenesis`'s default). */
const DEV_CHAIN_ID = 'hotpot-dev';
/** The franchise a development node anchors its recordings under. */
export const DEV_FRANCHISE_ID = 'dev-store';

/** What became of a committed transaction. */
export interface TxOutcome {
  height: number;
  timeMs: number;
  ok: boolean;
  error: string | null;
}

/** Options of media anchoring. */
export interface MediaAnchoringOptions {
  /** The franchise whose recordings this store anchors (the dev store on the development chain). */
  franchiseId?: string;
}

/** What media anchoring uses: the chain, the signing key, and the node's submit and commit wait. */
export interface MediaAnchoringDeps {
  store: LedgerStore;
  config: ChainConfig;
  mempool: Pick<Mempool, 'nextNonce'>;
  /** The validator key (null for an observer, which cannot anchor). */
  privateKey: Uint8Array | null;
  address: Address | null;
  submit: (txBytes: Uint8Array) => Promise<{ txHash: Hex }>;
  waitForTx: (hash: Hash) => Promise<TxOutcome>;
  log: P2pLog;
}

/**
 * @example
 * const anchoring = new MediaAnchoring({ franchiseId }, { store, config, mempool, privateKey, address, submit, waitForTx, log });
 * const receipt = await anchoring.anchor('cam-1', items); // { height, tx, timeMs }
 */
export class MediaAnchoring implements MediaAnchorer {
  private anchorQueue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly opts: MediaAnchoringOptions,
    private readonly deps: MediaAnchoringDeps,
  ) {}

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
    const { store, config, address, privateKey } = this.deps;
    // On the embedded development chain this node is HQ too: it anchors under its own dev store, registering it once.
    const devStore =
      config.chainId === DEV_CHAIN_ID && address !== undefined && config.hqAuthority === address;
    const franchiseId = this.opts.franchiseId ?? (devStore ? DEV_FRANCHISE_ID : undefined);
    if (!franchiseId)
      throw new NodeError(
        'ANCHOR_UNAVAILABLE',
        'media anchoring needs the franchise id of this store: set franchiseId in config.json or HOTPOT_FRANCHISE_ID',
      );
    if (!privateKey || !address)
      throw new NodeError(
        'ANCHOR_UNAVAILABLE',
        'media anchoring needs a signing key: this node runs as an observer',
      );
    if (devStore && !getFranchise(store, franchiseId)) await this.registerDevStore(franchiseId);
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
    const tx = this.builder().anchorMedia(this.deps.mempool.nextNonce(address), {
      franchiseId,
      cameraId,
      segments: items.map((i) => ({ sha256: i.sha256.toLowerCase() as Hash, cid: i.cid })),
    });
    const { txHash } = await this.deps.submit(encodeTx(tx, config.params));
    const r = await this.deps.waitForTx(txHash);
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
    const tx = this.builder().registerFranchise(this.deps.mempool.nextNonce(this.deps.address!), {
      id,
      owner: this.deps.address!,
      status: 'active',
      city: 'Development',
      region: 'dev',
      tokenomics: { currency: 'USD', tokensPerMinorUnit: 1n, royaltyBps: 500, validatorRewardBps: 100 },
    });
    const { txHash } = await this.deps.submit(encodeTx(tx, this.deps.config.params));
    await this.deps.waitForTx(txHash);
    this.deps.log.info({ franchiseId: id }, 'registered the development store for media anchoring');
  }

  /** Transactions signed by the validator key (called only once the key is known to be there). */
  private builder(): TxBuilder {
    const { config } = this.deps;
    return new TxBuilder({
      chainId: config.chainId,
      privateKey: this.deps.privateKey!,
      fee: config.params.minTxFee,
      limits: config.params,
    });
  }
}
