/**
 * `LedgerQueries`: what the running ledger says when asked, read-only. The views behind `chain.*` of
 * the API contract and the public REST routes (head, blocks, a block, a transaction, an account, the
 * validators) and the wallet's history, from the committed store and the mempool's pending transactions.
 */
import { unbondingTotal } from '../chain/state/rules/unbonding';
import type {
  AccountView,
  BlockDetail,
  BlockSummary,
  ChainHead,
  TxView,
  ValidatorView,
} from '../contract/chain';
import { decodeBlock, decodeCommit } from '../chain/block';
import { parseAddress, toChecksumAddress } from '../chain/keys';
import { type ChainConfig, epochOf } from '../chain/params';
import { getAccount, getKyc, getValidator, getValidatorSet, listValidators } from '../chain/state/access';
import type { Tx } from '../chain/tx/types';
import { decodeTx } from '../chain/tx/codec';
import type { Address, Hash } from '../chain/types';
import { scoreCandidates } from '../consensus/selection';
import type { LedgerHistoryPage, LedgerTx } from '../wallet/ledger';
import { NodeError } from './errors';
import type { LedgerStore } from './ledger-store';
import type { Mempool } from './mempool';
import { committedTxView, pendingTxView } from './views';

/** What the queries read. */
export interface LedgerQueriesDeps {
  store: LedgerStore;
  config: ChainConfig;
  mempool: Pick<Mempool, 'size' | 'get' | 'pendingOf' | 'nextNonce'>;
  /** Is the node catching up with its peers? */
  syncing: () => boolean;
  /** The consensus round of the height being decided. */
  round: () => number;
  /** The validator address (null for an observer). */
  address: Address | null;
}

/**
 * @example
 * const q = new LedgerQueries({ store, config, mempool, syncing: () => syncer.syncing(), round: () => driver.position().round, address });
 * q.chainHead().height; q.block({ height: 1 }).txs;
 */
export class LedgerQueries {
  constructor(private readonly deps: LedgerQueriesDeps) {}

  /** `chain.head`. */
  chainHead(): ChainHead {
    const { store, config, address } = this.deps;
    const m = store.chainMeta();
    return {
      chainId: config.chainId,
      genesisHash: m.genesisHash,
      height: m.height,
      hash: m.height > 0 ? m.lastBlockHash : null,
      timeMs: m.height > 0 ? m.lastTimeMs : null,
      stateRoot: m.stateRoot,
      syncing: this.deps.syncing(),
      validator: address ? toChecksumAddress(address) : null,
      round: this.deps.round(),
      mempoolTxs: this.deps.mempool.size,
    };
  }

  /** `chain.blocks`: newest first, below `before`. */
  recentBlocks(limit: number, before?: number): { items: BlockSummary[]; nextBefore: number | null } {
    const store = this.deps.store;
    const top = before ?? store.chainMeta().height + 1;
    const items = store
      .recentBlocks(top, limit)
      .map((b) => ({ ...b, proposer: toChecksumAddress(b.proposer) }));
    const last = items[items.length - 1];
    // A node that joined from a snapshot holds blocks from `historyFrom` up (back-fill adds older ones).
    const lowest = store.history.historyFrom();
    return {
      items,
      nextBefore: last && last.height > lowest && items.length === limit ? last.height : null,
    };
  }

  /** `chain.block` by height or hash. Throws `BLOCK_NOT_FOUND`. */
  block(ref: { height: number } | { hash: string }): BlockDetail {
    const { store, config } = this.deps;
    const b = 'height' in ref ? store.blockAt(ref.height) : store.blockByHash(ref.hash);
    if (!b) {
      const lowest = store.history.historyFrom();
      const head = store.chainMeta().height;
      throw new NodeError(
        'BLOCK_NOT_FOUND',
        'height' in ref && ref.height >= 1 && ref.height < lowest
          ? `block ${ref.height} is not on this node yet: it joined from a state snapshot and holds blocks ${lowest}–${head}; older ones are being back-filled from peers (ask again later, or ask a node that holds the whole chain)`
          : 'height' in ref
            ? `there is no block at height ${ref.height} yet (the head is ${head})`
            : `no block has hash ${ref.hash}${lowest > 1 ? ` among blocks ${lowest}–${head} (this node joined from a snapshot; older blocks are being back-filled)` : ''}`,
        { ...ref, ...(lowest > 1 ? { historyFrom: lowest } : {}) },
      );
    }
    const d = decodeBlock(b.block, config.params);
    const commit = decodeCommit(b.commit, config.params);
    const stored = new Map(store.txsOfBlock(b.height).map((s) => [s.hash, s]));
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
    const { store, config } = this.deps;
    const h = hash.toLowerCase() as Hash;
    const s = store.txByHash(h);
    if (s) return committedTxView(decodeTx(s.tx, config.params), s, store.blockAt(s.height)?.timeMs ?? null);
    const p = this.deps.mempool.get(h);
    if (p) return pendingTxView(p.tx, p.hash);
    throw new NodeError('TX_NOT_FOUND', `no transaction ${hash} is committed or pending`, { hash });
  }

  /** `chain.account`. Throws `ACCOUNT_NOT_FOUND` for an address the chain never saw. */
  account(address: string, limit: number, before?: string): AccountView {
    const { store, config, mempool } = this.deps;
    const addr = parseAddress(address);
    const acct = getAccount(store, addr);
    const val = getValidator(store, addr);
    const pending = mempool.pendingOf(addr);
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
      txs.push(committedTxView(decodeTx(s.tx, config.params), s, store.blockAt(s.height)?.timeMs ?? null));
    const last = rows[rows.length - 1];
    return {
      address: toChecksumAddress(addr),
      balance: acct.balance.toString(),
      nonce: acct.nonce,
      pendingNonce: mempool.nextNonce(addr),
      stake: (val?.stake ?? 0n).toString(),
      unbonding: unbondingTotal(store, addr).toString(),
      isValidatorCandidate: val !== null,
      kyc: kyc ? { level: kyc.level, status: kyc.status, expiresAtMs: kyc.expiresAtMs } : null,
      txs,
      nextCursor: rows.length === limit && last ? `${last.height}:${last.index}` : null,
    };
  }

  /** `chain.validators`: every candidate with its score, and the set deciding the next block. */
  validators(): ValidatorView[] {
    const store = this.deps.store;
    const next = store.chainMeta().height + 1;
    const epoch = epochOf(next, this.deps.config.params);
    const set = new Map((getValidatorSet(store, epoch) ?? []).map((v) => [v.address, v.votingPower]));
    const candidates = listValidators(store);
    const scores = new Map(scoreCandidates(candidates, epoch).map((s) => [s.address, s.scorePpm]));
    return candidates
      .map((c) => ({
        address: toChecksumAddress(c.address),
        stake: c.stake.toString(),
        unbonding: unbondingTotal(store, c.address).toString(),
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

  /** The wallet's history of `address`: its pending transactions first (on the first page), then committed ones, newest first. */
  history(address: Address, opts: { limit: number; before?: string }): LedgerHistoryPage {
    const { store, config } = this.deps;
    const addr = parseAddress(address);
    const items: LedgerTx[] = [];
    if (!opts.before) {
      for (const e of [...this.deps.mempool.pendingOf(addr)].reverse())
        items.push(ledgerTx(e.tx, e.hash, null, null, 'pending', null, addr));
    }
    const before = parseCursor(opts.before);
    const rows = store.txsOfAddress(addr, opts.limit, before);
    for (const s of rows) {
      const tx = decodeTx(s.tx, config.params);
      items.push(
        ledgerTx(
          tx,
          s.hash,
          s.height,
          store.blockAt(s.height)?.timeMs ?? null,
          s.ok || !s.receiptKnown ? 'confirmed' : 'failed',
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
