/** Many seeded runs summed up (`bin/hotpot sim`): run i uses seed `seed + i`, so any run replays alone. */
import type { SimOptions } from './options';
import type { RunResult } from './report';
import { SimLedgerShared } from './ledger-app';
import { runSimulation } from './simulation';

/** Totals over many runs (run i uses seed `seed + i`, so any run replays alone). */
export interface SimSummary {
  runs: number;
  safety_violations: number;
  state_root_mismatches: number;
  runs_reaching_target: number;
  evidence_committed: number;
  /** Double votes whose two votes both reached honest nodes. */
  double_votes: number;
  /** Double votes sent (some only into a partition or lost to drops). */
  double_votes_sent: number;
  conflicting_proposals: number;
  /** Times honest nodes' machines reported a double proposal. */
  proposal_evidence_seen: number;
  forged_votes_sent: number;
  forged_votes_rejected: number;
  forged_votes_accepted: number;
  signer_refusals: number;
  crashes: number;
  restarts: number;
  restarts_resumed_mid_height: number;
  partitioned_runs: number;
  max_round: number;
  failed_runs: number;
  failed_seeds: number[];
  seed: number;
  validators: number;
  faults: string;
  heights: number;
  virtual_time_ms_mean: number;
  messages_sent: number;
  messages_dropped: number;
  signatures: number;
  signature_recoveries: number;
  ok: boolean;
}

/**
 * Runs `runs` seeded simulations and sums them up. `onFailure` sees each failing run (to print its seed).
 *
 * @example runMany({ validators: 4, faults: { kind: 'byzantine', count: 1 }, heights: 20, seed: 1 }, 100)
 */
export function runMany(
  base: SimOptions,
  runs: number,
  onFailure?: (r: RunResult) => void,
  onRun?: (r: RunResult) => void,
): SimSummary {
  const s: SimSummary = {
    runs,
    safety_violations: 0,
    state_root_mismatches: 0,
    runs_reaching_target: 0,
    evidence_committed: 0,
    double_votes: 0,
    double_votes_sent: 0,
    conflicting_proposals: 0,
    proposal_evidence_seen: 0,
    forged_votes_sent: 0,
    forged_votes_rejected: 0,
    forged_votes_accepted: 0,
    signer_refusals: 0,
    crashes: 0,
    restarts: 0,
    restarts_resumed_mid_height: 0,
    partitioned_runs: 0,
    max_round: 0,
    failed_runs: 0,
    failed_seeds: [],
    seed: base.seed,
    validators: base.validators,
    faults: base.faults.kind === 'none' ? 'none' : `${base.faults.kind}:${base.faults.count}`,
    heights: base.heights,
    virtual_time_ms_mean: 0,
    messages_sent: 0,
    messages_dropped: 0,
    signatures: 0,
    signature_recoveries: 0,
    ok: true,
  };
  let vt = 0;
  const shared = new SimLedgerShared(base.signatureVerifier);
  for (let i = 0; i < runs; i++) {
    const r = runSimulation({ ...base, seed: (base.seed + i) >>> 0 }, shared);
    onRun?.(r);
    s.safety_violations += r.safetyViolations;
    s.state_root_mismatches += r.stateRootMismatches;
    if (r.reachedTarget) s.runs_reaching_target++;
    s.evidence_committed += r.evidenceCommitted;
    s.double_votes += r.doubleVotes;
    s.double_votes_sent += r.doubleVotesSent;
    s.conflicting_proposals += r.conflictingProposals;
    s.proposal_evidence_seen += r.proposalEvidenceSeen;
    s.forged_votes_sent += r.forgedVotesSent;
    s.forged_votes_rejected += r.forgedVotesRejected;
    s.forged_votes_accepted += r.forgedVotesAccepted;
    s.signer_refusals += r.signerRefusals;
    s.crashes += r.crashes;
    s.restarts += r.restarts;
    s.restarts_resumed_mid_height += r.resumedMidHeight;
    if (r.partitioned) s.partitioned_runs++;
    s.max_round = Math.max(s.max_round, r.maxRound);
    s.messages_sent += r.messagesSent;
    s.messages_dropped += r.messagesDropped;
    s.signatures += r.signatures;
    s.signature_recoveries += r.recoveries;
    vt += r.virtualTimeMs;
    if (!r.ok) {
      s.failed_runs++;
      s.failed_seeds.push(r.seed);
      onFailure?.(r);
    }
  }
  s.virtual_time_ms_mean = runs > 0 ? Math.round(vt / runs) : 0;
  s.ok = s.failed_runs === 0;
  return s;
}
