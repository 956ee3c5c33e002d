/**
 * The invariants a run is checked against, using ground truth the nodes cannot see. Safety: no two
 * different blocks committed by honest nodes at one height, and identical state roots after each.
 * Liveness: every honest node that is up reaches the target height. Accountability: every double
 * vote whose two halves reached honest nodes ends up as committed evidence. Forgery: no forged
 * vote is accepted.
 */
import type { Hash, Vote } from '../../chain/types';
import { evidenceKey } from '../evidence';
import type { SimApp } from './app';
import type { SimStats } from './report';

/** What the checks read of a node. */
export interface CheckedNode<S> {
  readonly index: number;
  readonly up: boolean;
  readonly byzantine: boolean;
  /** Committed blocks. */
  readonly chain: readonly unknown[];
  /** The state after each committed block (genesis first). */
  readonly states: readonly S[];
}

/** What the checks use of the run. */
export interface InvariantChecksDeps<S, B> {
  readonly app: SimApp<S, B>;
  readonly stats: SimStats;
  /** Every node, by index. */
  readonly nodes: readonly CheckedNode<S>[];
  readonly targetHeight: number;
}

/** The verdict on a finished run. */
export interface Verdict {
  reachedTarget: boolean;
  evidenceCommitted: number;
  /** Human-readable reasons; empty when every check passed. */
  failures: string[];
}

/** Ground truth of one run and the checks against it. */
export class InvariantChecks<S, B> {
  /** Ground truth: keys of every double vote a Byzantine node sent. */
  readonly doubleVotesSent = new Set<string>();
  /**
   * Ground truth: the double votes whose two conflicting votes both reached honest nodes (each at
   * least one). Only these can be evidenced by anybody; each must end up committed.
   */
  readonly doubleVotes = new Set<string>();
  /** Ground truth: the forged votes (by object identity; messages are passed by reference). */
  readonly forged = new WeakSet<Vote>();
  /** Versions of each sent double vote delivered to honest nodes so far (block hash keys). */
  private readonly delivered = new Map<string, Set<string>>();
  private readonly committed = new Map<number, { hash: Hash; root: Hash }>();
  private readonly failures: string[] = [];

  constructor(private readonly deps: InvariantChecksDeps<S, B>) {}

  /** Notes a vote reaching an honest node: a double vote counts once both its versions have. */
  noteDelivered(v: Vote): void {
    const k = evidenceKey(v);
    if (!this.doubleVotesSent.has(k) || this.doubleVotes.has(k)) return;
    let seen = this.delivered.get(k);
    if (seen === undefined) {
      seen = new Set();
      this.delivered.set(k, seen);
    }
    seen.add(v.blockHash ?? 'nil');
    if (seen.size >= 2) this.doubleVotes.add(k);
  }

  /** Checks a commit against what other honest nodes committed at that height. */
  recordCommit(node: CheckedNode<S>, height: number, hash: Hash, root: Hash): void {
    if (node.byzantine) return;
    const stats = this.deps.stats;
    const prev = this.committed.get(height);
    if (prev === undefined) {
      this.committed.set(height, { hash, root });
      return;
    }
    if (prev.hash !== hash) {
      stats.safetyViolations++;
      this.failures.push(
        `safety: node ${node.index} committed ${hash} at height ${height}, another honest node ${prev.hash}`,
      );
    } else if (prev.root !== root) {
      stats.stateRootMismatches++;
      this.failures.push(
        `state root: node ${node.index} has ${root} after height ${height}, another honest node ${prev.root}`,
      );
    }
  }

  /** Whether liveness and accountability hold already: every honest node up is at the target, all evidence committed. */
  settled(): boolean {
    const honest = this.honestUp();
    if (honest.length === 0 || honest.some((n) => n.chain.length < this.deps.targetHeight)) return false;
    return this.evidenceCommittedCount() === this.doubleVotes.size;
  }

  /** The final checks, at virtual time `nowMs`: the failures seen during the run plus liveness, evidence and forgery. */
  verdict(nowMs: number): Verdict {
    const target = this.deps.targetHeight;
    const honest = this.honestUp();
    const reachedTarget = honest.length > 0 && honest.every((n) => n.chain.length >= target);
    const evidenceCommitted = this.evidenceCommittedCount();
    const failures = [...this.failures];
    if (!reachedTarget) {
      failures.push(
        `target: honest nodes reached heights ${honest.map((n) => n.chain.length).join(',')} by ${Math.round(nowMs)} ms, target ${target}`,
      );
    }
    if (evidenceCommitted !== this.doubleVotes.size)
      failures.push(
        `evidence: ${evidenceCommitted} of ${this.doubleVotes.size} double votes have committed evidence`,
      );
    if (this.deps.stats.forgedVotesAccepted > 0)
      failures.push(`forgery: ${this.deps.stats.forgedVotesAccepted} forged votes were accepted`);
    return { reachedTarget, evidenceCommitted, failures };
  }

  private honestUp(): CheckedNode<S>[] {
    return this.deps.nodes.filter((n) => n.up && !n.byzantine);
  }

  /** Double votes with committed evidence, as the longest honest chain up sees it. */
  private evidenceCommittedCount(): number {
    let best: CheckedNode<S> | undefined;
    for (const n of this.deps.nodes)
      if (!n.byzantine && n.up && (best === undefined || n.chain.length > best.chain.length)) best = n;
    if (best === undefined) return 0;
    const state = best.states[best.states.length - 1] as S;
    let c = 0;
    for (const k of this.doubleVotes) if (this.deps.app.evidenceCommitted(state, k)) c++;
    return c;
  }
}
