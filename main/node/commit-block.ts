/**
 * Storing a decided block: one our machine decided, or one sync proves with its commit. The block, its
 * commit and its write-set go to the store in one transaction; then the mempool is re-checked,
 * evidence now on chain is forgotten and the commit listener hears of it.
 */
import { type Commit, encodeCommit, encodeHeader, verifyCommit } from '../chain/block';
import { ChainError } from '../chain/errors';
import { type ChainConfig, epochOf } from '../chain/params';
import { StateOverlay } from '../chain/state/store';
import type { ApplyContext } from '../chain/state/apply-context';
import { type ApplyResult, applyBlock } from '../chain/state/apply-block';
import type { VerifyOptions } from '../chain/tx/signing';
import type { Address, Hash, ValidatorPower } from '../chain/types';
import type { P2pLog } from '../p2p/types';
import type { BlockEntry } from './block-entry';
import { NodeError } from './errors';
import type { EvidencePool } from './evidence-pool';
import { proveSets } from './header-items';
import type { LedgerStore } from './ledger-store';
import type { Mempool } from './mempool';
import { type SyncItem, decodeSyncItem } from './messages';

/** A block the node committed (for events, the mempool, the benchmark). */
export interface CommittedBlock {
  height: number;
  hash: Hash;
  round: number;
  timeMs: number;
  proposer: Address;
  txHashes: Hash[];
  stateRoot: Hash;
  /** Set when the block came through sync rather than consensus. */
  synced: boolean;
  /** Local time the commit was stored. */
  committedAtMs: number;
}

/** What storing a block uses. */
export interface CommitDeps {
  store: LedgerStore;
  mempool: Mempool;
  config: ChainConfig;
  ctx: ApplyContext;
  evidence: EvidencePool;
  now: () => number;
  log: P2pLog;
  onCommit: ((block: CommittedBlock) => void) | undefined;
}

/** Applies the block (unless its result is kept) and stores it with its commit in one transaction. */
export function storeBlock(entry: BlockEntry, commit: Commit, deps: CommitDeps): ApplyResult {
  const { store, config } = deps;
  const h = entry.block.header;
  const result = entry.result ?? applyBlock(store, entry.block, deps.ctx, entry);
  // At an epoch's last block its state root is the one a joining node's light client proves the
  // next sets against; the live tree moves on, so the proofs are kept now.
  const epochEnd = h.height % config.params.epochLengthBlocks === 0;
  const e = epochOf(h.height, config.params);
  const epochSets = epochEnd
    ? proveSets(new StateOverlay(store, result.writes), [e, e + 1, e + 2])
    : undefined;
  store.commitBlock({
    height: h.height,
    hash: entry.hash,
    timeMs: h.timeMs,
    proposer: h.proposer,
    stateRoot: result.stateRoot,
    blockBytes: entry.bytes,
    commitBytes: encodeCommit(commit, config.params),
    txs: entry.block.txs,
    txBytes: entry.txBytes,
    result,
    headerBytes: encodeHeader(h),
    ...(epochSets ? { epochSets } : {}),
  });
  return result;
}

/** After a block is stored: the mempool drops and re-checks, old evidence goes, the listener is told. */
export function announceBlock(
  entry: BlockEntry,
  result: ApplyResult,
  synced: boolean,
  deps: CommitDeps,
): void {
  const h = entry.block.header;
  deps.mempool.update(
    entry.block.txs.map((tx, i) => ({
      hash: entry.txHashes[i] as Hash,
      sender: tx.sender,
      type: tx.payload.type,
    })),
    { proposer: h.proposer, allOk: result.receipts.every((r) => r.ok) },
  );
  deps.evidence.prune(h.height);
  const info: CommittedBlock = {
    height: h.height,
    hash: entry.hash,
    round: h.round,
    timeMs: h.timeMs,
    proposer: h.proposer,
    txHashes: entry.txHashes,
    stateRoot: result.stateRoot,
    synced,
    committedAtMs: deps.now(),
  };
  try {
    deps.onCommit?.(info);
  } catch (err) {
    deps.log.error({ err: (err as Error).message }, 'commit listener failed');
  }
}

/** Decodes a synced item (`encodeSyncItem` bytes, or the item already decoded); throws `SYNC_FAILED`. */
export function decodeSynced(item: Uint8Array | SyncItem, config: ChainConfig): SyncItem {
  try {
    return item instanceof Uint8Array ? decodeSyncItem(item, config.params) : item;
  } catch (err) {
    throw new NodeError(
      'SYNC_FAILED',
      `a synced block cannot be decoded: ${(err as Error).message}`,
      {},
      { cause: err },
    );
  }
}

/**
 * Checks a synced block: the commit must be for this block and hold +2/3 valid precommits of
 * `validators()`, and the block must apply with the state root its header claims (a block already
 * held and applied keeps its result). Throws a `ChainError` when it does not verify.
 */
export function verifySynced(
  d: SyncItem,
  validators: () => ValidatorPower[],
  held: BlockEntry | undefined,
  deps: { store: LedgerStore; ctx: ApplyContext; verify: VerifyOptions },
): BlockEntry {
  const h = d.block.block.header.height;
  if (d.commit.height !== h || d.commit.blockHash !== d.block.hash)
    throw new ChainError(
      'BAD_COMMIT',
      `the commit is for block ${d.commit.height} ${d.commit.blockHash}, not for ${h} ${d.block.hash}`,
    );
  verifyCommit(deps.ctx.config.chainId, d.commit, validators(), deps.verify);
  const result = held?.result ?? applyBlock(deps.store, d.block.block, deps.ctx, d.block);
  return {
    block: d.block.block,
    bytes: d.blockBytes,
    hash: d.block.hash,
    txBytes: d.block.txBytes,
    txHashes: d.block.txHashes,
    valid: true,
    result,
  };
}
