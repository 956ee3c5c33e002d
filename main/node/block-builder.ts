/**
 * Which block this node proposes at a height and round: transactions from the mempool and pending
 * evidence within the block limits (`buildBlock`), dropping what the chain refuses at build time.
 */
import { type Commit, encodeBlockWithTxBytes } from '../chain/block';
import { ChainError } from '../chain/errors';
import type { ChainConfig, ChainParams } from '../chain/params';
import type { ApplyContext } from '../chain/state/apply-context';
import { buildBlock } from '../chain/state/apply-block';
import type { Address } from '../chain/types';
import type { P2pLog } from '../p2p/types';
import type { BlockEntry } from './block-entry';
import type { EvidencePool } from './evidence-pool';
import type { LedgerStore } from './ledger-store';
import type { Mempool } from './mempool';

/** The block limits a node may set below the genesis ones (the driver's options). */
export interface ProposalLimitOptions {
  maxBlockTxs?: number;
  maxBlockBytes?: number;
}

/** What building a block uses. */
export interface BlockBuilderDeps {
  store: LedgerStore;
  mempool: Mempool;
  config: ChainConfig;
  ctx: ApplyContext;
  evidence: EvidencePool;
  limits: ProposalLimitOptions;
  now: () => number;
  log: P2pLog;
  /** The driver's counters (`txsDroppedAtBuild` counts refused transactions). */
  stats: { txsDroppedAtBuild: number };
}

/** The block to build: its position, proposer and the commit of the previous block it carries. */
export interface ProposalRequest {
  height: number;
  round: number;
  proposer: Address;
  lastCommit: Commit | null;
}

/**
 * Most transactions and bytes of transactions per proposed block: the options, at most the genesis
 * limits; bytes default to min(genesis maxBlockBytes, 3.5 MiB) so a proposal fits its gossip topic,
 * less 64 KiB for the header, the commit and the evidence.
 */
function proposalLimits(
  opts: ProposalLimitOptions,
  params: ChainParams,
): { maxTxs: number; maxBytes: number } {
  const maxTxs = Math.min(opts.maxBlockTxs ?? params.maxBlockTxs, params.maxBlockTxs);
  const maxBytes =
    Math.min(opts.maxBlockBytes ?? Math.min(params.maxBlockBytes, 3.5 * 1024 * 1024), params.maxBlockBytes) -
    64 * 1024;
  return { maxTxs, maxBytes };
}

/**
 * Builds a new block from the mempool and pending evidence. A transaction or piece of evidence the
 * chain refuses is dropped (from the mempool / the pool) and the block is built again, up to 50
 * times; any other failure is logged and gives null.
 */
export function buildProposalBlock(req: ProposalRequest, deps: BlockBuilderDeps): BlockEntry | null {
  const { store, mempool, config } = deps;
  const params = config.params;
  const { maxTxs, maxBytes } = proposalLimits(deps.limits, params);
  let txs = mempool.reap(maxTxs, maxBytes);
  let evidence = deps.evidence.toPropose(params.maxItems);
  let proposalEvidence = deps.evidence.proposalsToPropose(params.maxItems);
  const timeMs = Math.max(deps.now(), store.chainMeta().lastTimeMs);
  for (let attempt = 0; attempt < 50; attempt++) {
    const txBytes = txs.map((e) => e.bytes);
    const txHashes = txs.map((e) => e.hash);
    try {
      const { block, result } = buildBlock(
        store,
        {
          header: { height: req.height, round: req.round, timeMs, proposer: req.proposer },
          txs: txs.map((e) => e.tx),
          lastCommit: req.lastCommit,
          evidence,
          ...(proposalEvidence.length > 0 ? { proposalEvidence } : {}),
        },
        deps.ctx,
        { txBytes, txHashes },
      );
      return {
        block,
        bytes: encodeBlockWithTxBytes(block, txBytes, params),
        hash: result.blockHash,
        txBytes,
        txHashes,
        valid: true,
        result,
      };
    } catch (err) {
      const data = err instanceof ChainError ? err.data : {};
      if (typeof data['txIndex'] === 'number') {
        const bad = txs[data['txIndex']];
        if (bad) {
          mempool.remove(bad.hash);
          deps.stats.txsDroppedAtBuild++;
          deps.log.warn(
            { tx: bad.hash, err: (err as Error).message },
            'dropped a transaction the chain refused at block building',
          );
        }
        txs = mempool.reap(maxTxs, maxBytes);
        continue;
      }
      if (typeof data['evidenceIndex'] === 'number') {
        const bad = evidence[data['evidenceIndex']];
        if (bad) deps.evidence.drop(bad);
        evidence = evidence.filter((e) => e !== bad);
        continue;
      }
      if (typeof data['proposalEvidenceIndex'] === 'number') {
        const bad = proposalEvidence[data['proposalEvidenceIndex']];
        if (bad) deps.evidence.dropProposal(bad);
        proposalEvidence = proposalEvidence.filter((e) => e !== bad);
        continue;
      }
      deps.log.error(
        { height: req.height, round: req.round, err: (err as Error).message },
        'could not build a block',
      );
      return null;
    }
  }
  return null;
}
