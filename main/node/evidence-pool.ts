/**
 * Double-vote and double-proposal evidence this node has seen and not yet seen committed: which
 * evidence its next proposals carry.
 */
import {
  type DoubleProposalEvidence,
  makeDoubleProposalEvidence,
  proposalEvidenceId,
} from '../chain/proposal-evidence';
import type { StateKey } from '../chain/state/store';
import { type DoubleVoteEvidence, evidenceId, makeDoubleVoteEvidence } from '../chain/vote';
import { evidenceKey } from '../consensus/evidence';
import type { P2pLog } from '../p2p/types';
import type { LedgerStore } from './ledger-store';

/** What the pool uses. */
export interface EvidencePoolDeps {
  store: LedgerStore;
  log: P2pLog;
  /** The driver's counters (`evidenceSeen` counts new evidence). */
  stats: { evidenceSeen: number };
}

/** Evidence waiting for a block, keyed by the offence (validator, height, round, vote type). */
export class EvidencePool {
  private readonly pending = new Map<string, DoubleVoteEvidence>();
  /** Double proposals, keyed by the offence (proposer, height, round). */
  private readonly proposals = new Map<string, DoubleProposalEvidence>();

  constructor(private readonly deps: EvidencePoolDeps) {}

  /** Every piece of evidence waiting to be committed. */
  list(): DoubleVoteEvidence[] {
    return [...this.pending.values()];
  }

  /** Up to `maxItems` pieces the chain has not committed yet (for a block being built). */
  toPropose(maxItems: number): DoubleVoteEvidence[] {
    return this.list()
      .filter((e) => !this.committed(e))
      .slice(0, maxItems);
  }

  /** A double vote the machine saw: kept unless known or already committed. */
  add(e: DoubleVoteEvidence): void {
    const ev = makeDoubleVoteEvidence(e.a, e.b);
    const key = evidenceKey(ev);
    if (this.pending.has(key)) return;
    if (this.committed(ev)) return;
    this.deps.stats.evidenceSeen++;
    this.deps.log.warn(
      { validator: ev.a.validator, height: ev.a.height, round: ev.a.round, type: ev.a.type },
      'double vote seen; evidence goes into the next block this node proposes',
    );
    this.pending.set(key, ev);
  }

  /** Forgets evidence the chain refused at block building. */
  drop(e: DoubleVoteEvidence): void {
    this.pending.delete(evidenceKey(e));
  }

  /** Double proposals waiting to be committed. */
  listProposals(): DoubleProposalEvidence[] {
    return [...this.proposals.values()];
  }

  /** Up to `maxItems` double proposals the chain has not committed yet (for a block being built). */
  proposalsToPropose(maxItems: number): DoubleProposalEvidence[] {
    return this.listProposals()
      .filter((e) => !this.proposalCommitted(e))
      .slice(0, maxItems);
  }

  /** A double proposal the machine saw: kept unless known or already committed. */
  addProposal(e: DoubleProposalEvidence): void {
    const ev = makeDoubleProposalEvidence(e.a, e.b);
    const key = proposalKeyOf(ev);
    if (this.proposals.has(key) || this.proposalCommitted(ev)) return;
    this.deps.stats.evidenceSeen++;
    this.deps.log.warn(
      { validator: ev.a.proposer, height: ev.a.height, round: ev.a.round },
      'double proposal seen; evidence goes into the next block this node proposes',
    );
    this.proposals.set(key, ev);
  }

  /** Forgets a double proposal the chain refused at block building. */
  dropProposal(e: DoubleProposalEvidence): void {
    this.proposals.delete(proposalKeyOf(e));
  }

  /** After committing `height`: forgets evidence now on chain or older than 1,000 blocks. */
  prune(height: number): void {
    for (const [k, e] of this.pending) {
      if (this.committed(e) || e.a.height < height - 1000) this.pending.delete(k);
    }
    for (const [k, e] of this.proposals) {
      if (this.proposalCommitted(e) || e.a.height < height - 1000) this.proposals.delete(k);
    }
  }

  private proposalCommitted(e: DoubleProposalEvidence): boolean {
    return this.deps.store.get(`ev:${proposalEvidenceId(e.a)}` as StateKey) !== undefined;
  }

  private committed(e: DoubleVoteEvidence): boolean {
    return this.deps.store.get(`ev:${evidenceId(e.a)}` as StateKey) !== undefined;
  }
}

function proposalKeyOf(e: DoubleProposalEvidence): string {
  return `${e.a.proposer}:${e.a.height}:${e.a.round}`;
}
