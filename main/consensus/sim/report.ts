/** What a simulation run counts while it runs (`SimStats`) and what it reports at the end (`RunResult`). */

/** Counters every part of a run adds to: the nodes, the network, the fault injectors and the checks. */
export interface SimStats {
  safetyViolations: number;
  stateRootMismatches: number;
  conflictingProposals: number;
  /** Times an honest node's machine reported a double proposal. */
  proposalEvidenceSeen: number;
  forgedVotesSent: number;
  forgedVotesRejected: number;
  forgedVotesAccepted: number;
  signerRefusals: number;
  crashes: number;
  restarts: number;
  resumedMidHeight: number;
  maxRound: number;
  messagesSent: number;
  messagesDropped: number;
}

/** All counters at zero, for the start of a run. */
export function emptyStats(): SimStats {
  return {
    safetyViolations: 0,
    stateRootMismatches: 0,
    conflictingProposals: 0,
    proposalEvidenceSeen: 0,
    forgedVotesSent: 0,
    forgedVotesRejected: 0,
    forgedVotesAccepted: 0,
    signerRefusals: 0,
    crashes: 0,
    restarts: 0,
    resumedMidHeight: 0,
    maxRound: 0,
    messagesSent: 0,
    messagesDropped: 0,
  };
}

/** The outcome of one run: its counters and what the checks concluded. */
export interface RunResult extends SimStats {
  seed: number;
  ok: boolean;
  /** Human-readable reasons when `ok` is false. */
  failures: string[];
  reachedTarget: boolean;
  /** Double votes sent by Byzantine nodes. */
  doubleVotesSent: number;
  /** Double votes whose two votes both reached honest nodes: each needs committed evidence. */
  doubleVotes: number;
  evidenceCommitted: number;
  partitioned: boolean;
  finalHeights: number[];
  virtualTimeMs: number;
  events: number;
  signatures: number;
  recoveries: number;
  /** Each honest node's time from entering a height to committing it, virtual ms (when measured). */
  heightMs: number[];
}
