/**
 * `FranchiseRegistry`: HQ's registry of franchise stores (the design's FranchiseService). Reads come
 * from the read model kept with each block (`franchise-index.ts`); registering and updating are
 * `franchise-register` / `franchise-update` transactions signed with this node's validator key, which
 * must be the chain's HQ authority (on the development chain the node is its own HQ). A write resolves
 * once its transaction is committed; one the chain refuses, or commits as failed, is a typed error with
 * the chain's reason.
 */
import type {
  FranchiseChange,
  FranchisePage,
  FranchiseView,
  PeerRegistration,
  RegisterFranchiseInput,
  UpdateFranchiseInput,
} from '../contract/franchise';
import { parseAddress, toChecksumAddress } from '../chain/keys';
import type { ChainConfig } from '../chain/params';
import { getFranchise } from '../chain/state/access';
import { TxBuilder } from '../chain/tx/builder';
import { encodeTx } from '../chain/tx/codec';
import { checkFranchiseFields } from '../chain/tx/stateless-checks';
import type { Franchise, FranchiseStatus, Tx } from '../chain/tx/types';
import type { Address, Hash } from '../chain/types';
import { AppError } from '../common/errors';
import type { TxOutcome } from './chain-anchoring';
import { NodeError } from './errors';
import type { IndexedFranchise } from './franchise-index';
import type { LedgerStore } from './ledger-store';
import type { Mempool } from './mempool';
import type { OwnTxQueue } from './own-tx-queue';

/** What the registry uses: the chain, the signing key, its transaction queue, and the node's submit and commit wait. */
export interface FranchiseRegistryDeps {
  store: LedgerStore;
  config: ChainConfig;
  mempool: Pick<Mempool, 'nextNonce'>;
  /** The validator key (null for an observer, which cannot write). */
  privateKey: Uint8Array | null;
  address: Address | null;
  submit: (txBytes: Uint8Array) => Promise<{ txHash: string }>;
  waitForTx: (hash: Hash) => Promise<TxOutcome>;
  /** Shared with chain anchoring: the same key's transactions go one at a time. */
  queue: OwnTxQueue;
}

/**
 * @example
 * const registry = new FranchiseRegistry({ store, config, mempool, privateKey, address, submit, waitForTx, queue });
 * await registry.register({ id: 'moscow-1', owner, status: 'active', city: 'Moscow', region: 'RU-MOW', tokenomics });
 * registry.list({ limit: 100 }).items[0].sales.amountMinor; // "125000"
 */
export class FranchiseRegistry {
  constructor(private readonly deps: FranchiseRegistryDeps) {}

  /** `franchise.list`: stores by id, a page at a time. */
  list(opts: { status?: FranchiseStatus; limit: number; after?: string }): FranchisePage {
    const rows = this.index().list({ ...opts, limit: opts.limit + 1 });
    const items = rows.slice(0, opts.limit).map(franchiseView);
    return { items, nextAfter: rows.length > opts.limit ? (items[items.length - 1]?.id ?? null) : null };
  }

  /** `franchise.get`. Throws `FRANCHISE_NOT_FOUND`. */
  get(id: string): FranchiseView {
    const f = this.index().get(id);
    if (!f) throw notFound(id);
    return franchiseView(f);
  }

  /** `franchise.register`: a new store, committed. Throws `FRANCHISE_CONFLICT` for an id in use. */
  register(input: RegisterFranchiseInput): Promise<FranchiseChange> {
    const builder = this.hqBuilder();
    const franchise: Franchise = {
      id: input.id,
      owner: parseAddress(input.owner),
      status: input.status,
      city: input.city,
      region: input.region,
      tokenomics: { ...input.tokenomics, tokensPerMinorUnit: BigInt(input.tokenomics.tokensPerMinorUnit) },
    };
    checkFranchiseFields(franchise);
    return this.deps.queue.run(async () => {
      if (getFranchise(this.deps.store, franchise.id))
        throw new NodeError(
          'FRANCHISE_CONFLICT',
          `franchise ${franchise.id} is already registered; change it with PATCH /api/v1/franchises/${franchise.id} (franchise.update)`,
          { id: franchise.id },
        );
      const nonce = this.deps.mempool.nextNonce(builder.address);
      return this.commit(builder.builder.registerFranchise(nonce, franchise), franchise.id);
    });
  }

  /** `franchise.update`: the named fields changed, committed. Throws `FRANCHISE_NOT_FOUND`. */
  update(input: UpdateFranchiseInput): Promise<FranchiseChange> {
    const builder = this.hqBuilder();
    const owner = input.owner === undefined ? undefined : parseAddress(input.owner);
    return this.deps.queue.run(async () => {
      const current = getFranchise(this.deps.store, input.id) ?? fail(notFound(input.id));
      const t = input.tokenomics ?? {};
      const franchise: Franchise = {
        ...current,
        ...(owner ? { owner } : {}),
        ...(input.status ? { status: input.status } : {}),
        ...(input.city ? { city: input.city } : {}),
        ...(input.region ? { region: input.region } : {}),
        tokenomics: {
          ...current.tokenomics,
          ...(t.currency ? { currency: t.currency } : {}),
          ...(t.royaltyBps !== undefined ? { royaltyBps: t.royaltyBps } : {}),
          ...(t.validatorRewardBps !== undefined ? { validatorRewardBps: t.validatorRewardBps } : {}),
          ...(t.tokensPerMinorUnit !== undefined ? { tokensPerMinorUnit: BigInt(t.tokensPerMinorUnit) } : {}),
        },
      };
      checkFranchiseFields(franchise);
      const nonce = this.deps.mempool.nextNonce(builder.address);
      return this.commit(builder.builder.updateFranchise(nonce, franchise), franchise.id);
    });
  }

  /**
   * `franchise.registerPeer`: HQ lets a franchise node's libp2p peer id connect (`active`) or retires
   * it, with a `peer-register` transaction; answered once committed.
   */
  registerPeer(input: { peerId: string; active: boolean }): Promise<PeerRegistration> {
    const builder = this.hqBuilder();
    return this.deps.queue.run(async () => {
      const nonce = this.deps.mempool.nextNonce(builder.address);
      const tx = builder.builder.registerPeer(nonce, { peerId: input.peerId, active: input.active });
      const { config } = this.deps;
      let txHash: Hash;
      try {
        txHash = (await this.deps.submit(encodeTx(tx, config.params))).txHash as Hash;
      } catch (err) {
        throw peerRefusal(err, input.peerId);
      }
      const outcome = await this.deps.waitForTx(txHash);
      if (!outcome.ok)
        throw peerRefusal(
          { code: outcome.error ?? 'UNKNOWN', message: outcome.error ?? 'unknown', data: { txHash } },
          input.peerId,
        );
      return { peerId: input.peerId, active: input.active, tx: { hash: txHash, height: outcome.height } };
    });
  }

  /** The read model, brought up to the chain's head first (a no-op unless the ledger predates it). */
  private index() {
    const { store, config } = this.deps;
    store.franchises.catchUp(store.chainMeta().height, config.params);
    return store.franchises;
  }

  /** Transactions signed by this node's key, which must be the HQ authority (`NOT_HQ_AUTHORITY`). */
  private hqBuilder(): { builder: TxBuilder; address: Address } {
    const { privateKey, address, config } = this.deps;
    if (!privateKey || !address)
      throw new NodeError(
        'NOT_HQ_AUTHORITY',
        `franchises are registered and updated by HQ's node (the HQ authority ${toChecksumAddress(config.hqAuthority)}); this node runs as an observer without a key`,
        { hqAuthority: toChecksumAddress(config.hqAuthority) },
      );
    if (address !== config.hqAuthority)
      throw new NodeError(
        'NOT_HQ_AUTHORITY',
        `this node's key ${toChecksumAddress(address)} is not the chain's HQ authority ${toChecksumAddress(config.hqAuthority)}: register and update franchises on HQ's node`,
        { hqAuthority: toChecksumAddress(config.hqAuthority), address: toChecksumAddress(address) },
      );
    const builder = new TxBuilder({
      chainId: config.chainId,
      privateKey,
      fee: config.params.minTxFee,
      limits: config.params,
    });
    return { builder, address };
  }

  /** Submits `tx`, waits for its block, and answers the store as committed (or the chain's refusal, typed). */
  private async commit(tx: Tx, id: string): Promise<FranchiseChange> {
    const { store, config } = this.deps;
    let txHash: Hash;
    try {
      txHash = (await this.deps.submit(encodeTx(tx, config.params))).txHash as Hash;
    } catch (err) {
      throw chainRefusal(err, id, 'refused');
    }
    const outcome = await this.deps.waitForTx(txHash);
    if (!outcome.ok) {
      const message = store.txByHash(txHash)?.errorMessage ?? outcome.error ?? 'unknown';
      throw chainRefusal(
        { code: outcome.error ?? 'UNKNOWN', message, data: { txHash } },
        id,
        `committed as failed (tx ${txHash})`,
      );
    }
    return { franchise: this.get(id), tx: { hash: txHash, height: outcome.height } };
  }
}

/** A store as the API shows it. */
export function franchiseView(f: IndexedFranchise): FranchiseView {
  const { franchise: r, sales } = f;
  return {
    id: r.id,
    owner: toChecksumAddress(r.owner),
    status: r.status,
    city: r.city,
    region: r.region,
    tokenomics: { ...r.tokenomics, tokensPerMinorUnit: r.tokenomics.tokensPerMinorUnit.toString() },
    registeredHeight: f.registeredHeight,
    updatedHeight: f.updatedHeight,
    sales: {
      orders: sales.orders,
      amountMinor: sales.amountMinor.toString(),
      royaltyMinted: sales.royaltyMinted.toString(),
      lastSaleHeight: sales.lastSaleHeight,
    },
  };
}

function notFound(id: string): NodeError {
  return new NodeError(
    'FRANCHISE_NOT_FOUND',
    `no franchise ${JSON.stringify(id)} is registered on the chain; register it first (POST /api/v1/franchises)`,
    { id },
  );
}

function fail(err: Error): never {
  throw err;
}

/**
 * The chain's refusal of a franchise transaction as the registry's error: an id taken meanwhile is
 * `FRANCHISE_CONFLICT`, an unknown one `FRANCHISE_NOT_FOUND`, anything else `FRANCHISE_TX_FAILED`
 * with the chain's code and message. The node's own failures (a full mempool, a timeout) pass as they are.
 */
/** A refused or failed `peer-register` as the API's error. */
function peerRefusal(err: unknown, peerId: string): Error {
  if (err instanceof NodeError) return err;
  const e = err as { code?: string; message?: string };
  if (!(err instanceof AppError) && e.code === undefined) return err as Error;
  return new NodeError('FRANCHISE_TX_FAILED', `peer ${peerId} was not registered: ${e.message ?? e.code}`, {
    peerId,
    chainCode: e.code ?? 'UNKNOWN',
  });
}

function chainRefusal(err: unknown, id: string, how: string): Error {
  if (err instanceof NodeError) return err;
  const e = err as { code?: string; message?: string; data?: Record<string, unknown> };
  if (!(err instanceof AppError) && e.code === undefined) return err as Error;
  const chainCode = e.code ?? 'UNKNOWN';
  const data = { id, chainCode, ...(e.data?.['txHash'] ? { txHash: e.data['txHash'] } : {}) };
  const why = `the chain ${how}: ${e.message ?? chainCode}`;
  if (chainCode === 'FRANCHISE_EXISTS')
    return new NodeError('FRANCHISE_CONFLICT', `franchise ${id} is already registered (${why})`, data);
  if (chainCode === 'UNKNOWN_FRANCHISE')
    return new NodeError('FRANCHISE_NOT_FOUND', `franchise ${id} is not registered (${why})`, data);
  return new NodeError('FRANCHISE_TX_FAILED', `franchise ${id} was not changed: ${why}`, data);
}
