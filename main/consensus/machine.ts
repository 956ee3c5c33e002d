/**
 * The Tendermint round state machine as a pure reducer: `step(state, input) → { state, actions }`.
 *
 * It follows Algorithm 1 of Buchman, Kwon, Milosevic, "The latest gossip on BFT consensus" (2018);
 * comments cite its line numbers (L22 …). Time, messages and block validity come in as inputs;
 * everything the node must do goes out as actions. No I/O, no clocks, no randomness.
 *
 * Contract with the driver (`main/node`, or the simulation in `./sim`):
 * - Inputs are authenticated before they arrive: the driver verifies vote and proposal signatures
 *   (and that the block matches `proposal.blockHash`); the machine checks height, round, the
 *   proposer of the round and validator membership, and ignores what does not fit.
 * - `vote` action: the driver checks and durably persists its signer state `(height, round, step)`,
 *   then signs, broadcasts, and feeds the signed vote back as a `vote` input (own votes count like
 *   anybody's). The machine never asks for two different values at one (height, round, step): each
 *   step is left before its vote is asked for, and rounds only grow.
 * - `propose` action: the driver signs the proposal (signer step `propose`) and broadcasts it with
 *   the block it holds for `blockHash` (its own block, or the valid value it saw earlier).
 * - `request-block`: the driver builds a block (txs, pending evidence, `lastCommit`) and answers
 *   with `own-block`.
 * - `commit`: the driver applies the block, persists it with the precommits, and starts the next
 *   height with `start-height` (the next validator set and this commit as `lastCommit`).
 * - `schedule-timeout`: the driver feeds `timeout` back after `durationMs`.
 *
 * Immutability: a new state object is returned; the input state is never modified.
 */
import type { TimeoutParams as ChainTimeoutParams } from '../chain/params';
import type { Address, Hash, Proposal, ValidatorPower, Vote } from '../chain/types';
import { ConsensusError } from './errors';
import {
  addVote,
  emptyVoteSet,
  isOneThirdPlus,
  isTwoThirdsPlus,
  roundParticipationPower,
  roundVotes,
  hasTwoThirdsFor,
  type DoubleVoteEvidence,
  type VoteSet,
} from './evidence';
import { checkValidatorSet } from './proposer';
import { type DoubleProposalEvidence, makeDoubleProposalEvidence } from '../chain/proposal-evidence';

/** Steps of a round; `commit` means decided and waiting for the next `start-height`. */
export type RoundStep = 'propose' | 'prevote' | 'precommit' | 'commit';
/** The three timeouts. */
export type TimeoutStep = 'propose' | 'prevote' | 'precommit';

/** Timeout of each step in round r is `baseMs + r × deltaMs` (CometBFT's defaults below); the chain's parameters less the commit pause. */
export type TimeoutParams = Omit<ChainTimeoutParams, 'commitMs'>;

/** CometBFT's default timeouts: propose 3 s + 0.5 s/round, prevote and precommit 1 s + 0.5 s/round. */
export const DEFAULT_TIMEOUTS: TimeoutParams = {
  proposeBaseMs: 3_000,
  proposeDeltaMs: 500,
  prevoteBaseMs: 1_000,
  prevoteDeltaMs: 500,
  precommitBaseMs: 1_000,
  precommitDeltaMs: 500,
};

/** Duration of the `step` timeout in `round`: base + round × delta, so it grows every round. */
export function timeoutMs(params: TimeoutParams, step: TimeoutStep, round: number): number {
  switch (step) {
    case 'propose':
      return params.proposeBaseMs + round * params.proposeDeltaMs;
    case 'prevote':
      return params.prevoteBaseMs + round * params.prevoteDeltaMs;
    case 'precommit':
      return params.precommitBaseMs + round * params.precommitDeltaMs;
  }
}

/** What never changes during a node's life. */
export interface MachineConfig {
  /** This node's validator address, or null for an observer that never votes. */
  self: Address | null;
  timeouts: TimeoutParams;
  /** Proposer of (height, round), e.g. `ProposerRotation.proposer` for the set in force. */
  proposer: (height: number, round: number) => Address;
  /** Votes and proposals for rounds beyond `round + maxRoundsAhead` are ignored (memory bound). */
  maxRoundsAhead: number;
}

/** A decided block and the +2/3 precommits for it (the `lastCommit` carried by the next block). */
export interface CommitInfo {
  height: number;
  round: number;
  blockHash: Hash;
  precommits: Vote[];
}

/**
 * Where a restarted node resumes inside a height, read from its persisted signer state: the last
 * (round, step) it signed, and the lock implied by a non-nil precommit it signed.
 */
export interface ResumeInfo {
  round: number;
  step: TimeoutStep;
  lockedRound: number;
  lockedHash: Hash | null;
}

/** A proposal as it is signed. */
export type UnsignedProposal = Omit<Proposal, 'signature'>;
/** A vote as it is signed. */
export type UnsignedVote = Omit<Vote, 'signature'>;

/** Inputs of the machine. */
export type MachineInput =
  | {
      kind: 'start-height';
      height: number;
      validators: readonly ValidatorPower[];
      lastCommit: CommitInfo | null;
      resume?: ResumeInfo;
    }
  /** `valid` is the driver's verdict on the block (omit it and send `block-validated` later). */
  | { kind: 'proposal'; proposal: Proposal | UnsignedProposal; valid?: boolean }
  | { kind: 'block-validated'; height: number; blockHash: Hash; valid: boolean }
  | { kind: 'vote'; vote: Vote }
  | { kind: 'timeout'; step: TimeoutStep; height: number; round: number }
  | { kind: 'own-block'; height: number; round: number; blockHash: Hash };

/** Actions the driver executes, in order. */
export type MachineAction =
  | { kind: 'request-block'; height: number; round: number; lastCommit: CommitInfo | null }
  | { kind: 'propose'; proposal: UnsignedProposal }
  | { kind: 'vote'; vote: UnsignedVote }
  | { kind: 'schedule-timeout'; step: TimeoutStep; height: number; round: number; durationMs: number }
  | { kind: 'commit'; commit: CommitInfo }
  | { kind: 'evidence'; evidence: DoubleVoteEvidence }
  /** The round's proposer signed two proposals for different blocks (the first one still counts). */
  | { kind: 'proposal-evidence'; evidence: DoubleProposalEvidence };

interface StoredProposal {
  blockHash: Hash;
  polRound: number;
  /** The signed proposal as it arrived (absent for this node's own). */
  signed?: Proposal;
}

/** The machine's state. Treat as opaque and immutable; read it with the helpers below. */
export interface MachineState {
  readonly config: MachineConfig;
  /** 0 until the first `start-height`. */
  readonly height: number;
  readonly round: number;
  readonly step: RoundStep;
  readonly validators: readonly ValidatorPower[];
  readonly votes: VoteSet;
  readonly proposals: ReadonlyMap<number, StoredProposal>;
  readonly validity: ReadonlyMap<Hash, boolean>;
  readonly lockedRound: number;
  readonly lockedHash: Hash | null;
  readonly validRound: number;
  readonly validHash: Hash | null;
  readonly lastCommit: CommitInfo | null;
  readonly decision: CommitInfo | null;
  /** Round in which L34 (schedule prevote timeout) fired, -1 if none. */
  readonly prevoteTimeoutRound: number;
  /** Round in which L47 (schedule precommit timeout) fired, -1 if none. */
  readonly precommitTimeoutRound: number;
  /** Round in which L36 (polka for the proposal) fired, -1 if none. */
  readonly polkaRound: number;
  /** Round whose own block is being built (`request-block` sent), -1 if none. */
  readonly awaitingBlockRound: number;
}

/** A state that waits for the first `start-height`. */
export function initialState(config: MachineConfig): MachineState {
  if (!Number.isInteger(config.maxRoundsAhead) || config.maxRoundsAhead < 1) {
    throw new ConsensusError(
      'INVALID_PARAMS',
      `maxRoundsAhead must be an integer ≥ 1, got ${config.maxRoundsAhead}`,
    );
  }
  for (const s of ['propose', 'prevote', 'precommit'] as const) {
    if (
      !(timeoutMs(config.timeouts, s, 0) > 0) ||
      timeoutMs(config.timeouts, s, 1) < timeoutMs(config.timeouts, s, 0)
    ) {
      throw new ConsensusError(
        'INVALID_PARAMS',
        `the ${s} timeout must be positive and must not shrink with the round`,
        { ...config.timeouts },
      );
    }
  }
  return {
    config,
    height: 0,
    round: 0,
    step: 'commit',
    validators: [],
    votes: emptyVoteSet(0, []),
    proposals: new Map(),
    validity: new Map(),
    lockedRound: -1,
    lockedHash: null,
    validRound: -1,
    validHash: null,
    lastCommit: null,
    decision: null,
    prevoteTimeoutRound: -1,
    precommitTimeoutRound: -1,
    polkaRound: -1,
    awaitingBlockRound: -1,
  };
}

type Draft = { -readonly [K in keyof MachineState]: MachineState[K] };

/**
 * Applies one input. Pure: returns a new state and the actions to execute in order.
 *
 * @example
 * let s = initialState({ self, timeouts: DEFAULT_TIMEOUTS, proposer: rot.proposer.bind(rot), maxRoundsAhead: 100 });
 * ({ state: s, actions } = step(s, { kind: 'start-height', height: 1, validators, lastCommit: null }));
 */
export function step(
  state: MachineState,
  input: MachineInput,
): { state: MachineState; actions: MachineAction[] } {
  const d: Draft = { ...state };
  const out: MachineAction[] = [];
  switch (input.kind) {
    case 'start-height':
      startHeight(d, out, input);
      break;
    case 'proposal':
      onProposal(d, out, input.proposal, input.valid);
      break;
    case 'block-validated':
      if (input.height === d.height && !d.validity.has(input.blockHash))
        d.validity = withEntry(d.validity, input.blockHash, input.valid);
      break;
    case 'vote':
      onVote(d, out, input.vote);
      break;
    case 'timeout':
      onTimeout(d, out, input);
      break;
    case 'own-block':
      onOwnBlock(d, out, input);
      break;
  }
  if (d.height > 0) evaluate(d, out);
  return { state: d, actions: out };
}

function withEntry<K, V>(m: ReadonlyMap<K, V>, k: K, v: V): Map<K, V> {
  const n = new Map(m);
  n.set(k, v);
  return n;
}

function startHeight(
  d: Draft,
  out: MachineAction[],
  input: Extract<MachineInput, { kind: 'start-height' }>,
): void {
  if (!Number.isInteger(input.height) || input.height <= d.height) {
    throw new ConsensusError(
      'INVALID_INPUT',
      `start-height ${input.height} must be above the current height ${d.height}`,
      { height: input.height, current: d.height },
    );
  }
  checkValidatorSet(input.validators);
  d.height = input.height;
  d.validators = input.validators;
  d.votes = emptyVoteSet(input.height, input.validators);
  d.proposals = new Map();
  d.validity = new Map();
  d.lockedRound = -1;
  d.lockedHash = null;
  d.validRound = -1;
  d.validHash = null;
  d.lastCommit = input.lastCommit;
  d.decision = null;
  d.prevoteTimeoutRound = -1;
  d.precommitTimeoutRound = -1;
  d.polkaRound = -1;
  d.awaitingBlockRound = -1;
  const r = input.resume;
  if (r === undefined) {
    startRound(d, out, 0);
    return;
  }
  // Resuming after a restart inside this height: stay past what was signed, so the signer is
  // never asked to sign that step again, and keep the lock the signed precommit implies.
  d.round = r.round;
  d.step = r.step;
  d.lockedRound = r.lockedRound;
  d.lockedHash = r.lockedHash;
  schedule(d, out, r.step, r.round);
}

function schedule(d: Draft, out: MachineAction[], s: TimeoutStep, round: number): void {
  out.push({
    kind: 'schedule-timeout',
    step: s,
    height: d.height,
    round,
    durationMs: timeoutMs(d.config.timeouts, s, round),
  });
}

/** StartRound(round), lines 11–21. */
function startRound(d: Draft, out: MachineAction[], round: number): void {
  d.round = round;
  d.step = 'propose';
  d.awaitingBlockRound = -1;
  // CometBFT schedules the propose timeout on the proposer too, so a proposer that cannot build a
  // block does not stall the round.
  schedule(d, out, 'propose', round);
  if (d.config.self === null || d.config.proposer(d.height, round) !== d.config.self) return;
  if (d.validHash !== null) {
    const proposal: UnsignedProposal = {
      height: d.height,
      round,
      blockHash: d.validHash,
      polRound: d.validRound,
      proposer: d.config.self,
    };
    d.proposals = withEntry(d.proposals, round, { blockHash: d.validHash, polRound: d.validRound });
    out.push({ kind: 'propose', proposal });
  } else {
    d.awaitingBlockRound = round;
    out.push({ kind: 'request-block', height: d.height, round, lastCommit: d.lastCommit });
  }
}

function onOwnBlock(
  d: Draft,
  out: MachineAction[],
  input: Extract<MachineInput, { kind: 'own-block' }>,
): void {
  if (
    input.height !== d.height ||
    input.round !== d.round ||
    d.awaitingBlockRound !== input.round ||
    d.step !== 'propose' ||
    d.config.self === null
  )
    return;
  d.awaitingBlockRound = -1;
  d.validity = withEntry(d.validity, input.blockHash, true);
  d.proposals = withEntry(d.proposals, input.round, { blockHash: input.blockHash, polRound: -1 });
  out.push({
    kind: 'propose',
    proposal: {
      height: d.height,
      round: input.round,
      blockHash: input.blockHash,
      polRound: -1,
      proposer: d.config.self,
    },
  });
}

function onProposal(
  d: Draft,
  out: MachineAction[],
  p: Proposal | UnsignedProposal,
  valid: boolean | undefined,
): void {
  if (d.height === 0 || p.height !== d.height) return;
  if (!Number.isInteger(p.round) || p.round < 0 || p.round > d.round + d.config.maxRoundsAhead) return;
  if (!Number.isInteger(p.polRound) || p.polRound < -1 || p.polRound >= p.round) return;
  if (p.proposer !== d.config.proposer(d.height, p.round)) return;
  const signed = 'signature' in p ? p : undefined;
  const first = d.proposals.get(p.round);
  // The first proposal of a round wins; a conflicting second one from the same proposer is evidence.
  if (first === undefined)
    d.proposals = withEntry(d.proposals, p.round, {
      blockHash: p.blockHash,
      polRound: p.polRound,
      ...(signed ? { signed } : {}),
    });
  else if (first.blockHash !== p.blockHash && first.signed !== undefined && signed !== undefined)
    out.push({ kind: 'proposal-evidence', evidence: makeDoubleProposalEvidence(first.signed, signed) });
  if (valid !== undefined && !d.validity.has(p.blockHash))
    d.validity = withEntry(d.validity, p.blockHash, valid);
}

function onVote(d: Draft, out: MachineAction[], v: Vote): void {
  if (d.height === 0 || v.height !== d.height) return;
  if (!Number.isInteger(v.round) || v.round < 0 || v.round > d.round + d.config.maxRoundsAhead) return;
  const r = addVote(d.votes, v);
  d.votes = r.set;
  if (r.evidence !== undefined) out.push({ kind: 'evidence', evidence: r.evidence });
}

function onTimeout(d: Draft, out: MachineAction[], t: Extract<MachineInput, { kind: 'timeout' }>): void {
  if (t.height !== d.height || t.round !== d.round || d.step === 'commit') return;
  if (t.step === 'propose' && d.step === 'propose') {
    // OnTimeoutPropose, lines 57–60.
    vote(d, out, 'prevote', null);
    d.step = 'prevote';
  } else if (t.step === 'prevote' && d.step === 'prevote') {
    // OnTimeoutPrevote, lines 61–64.
    vote(d, out, 'precommit', null);
    d.step = 'precommit';
  } else if (t.step === 'precommit') {
    // OnTimeoutPrecommit, lines 65–67.
    startRound(d, out, d.round + 1);
  }
}

function vote(d: Draft, out: MachineAction[], type: 'prevote' | 'precommit', blockHash: Hash | null): void {
  if (d.config.self === null || !d.votes.powers.has(d.config.self)) return;
  out.push({
    kind: 'vote',
    vote: { type, height: d.height, round: d.round, blockHash, validator: d.config.self },
  });
}

/** Fires every "upon" rule that holds until none does. */
function evaluate(d: Draft, out: MachineAction[]): void {
  for (let guard = 0; guard < 10_000; guard++) {
    if (d.step === 'commit') return;
    if (tryCommit(d, out)) return;
    if (tryRoundSkip(d, out)) continue;
    if (tryProposeStep(d, out)) continue;
    const total = d.votes.totalPower;
    // L34: +2/3 prevotes of any kind in this round, for the first time → schedule the prevote timeout.
    if (
      d.step === 'prevote' &&
      d.prevoteTimeoutRound !== d.round &&
      isTwoThirdsPlus(roundVotes(d.votes, d.round, 'prevote').totalPower, total)
    ) {
      d.prevoteTimeoutRound = d.round;
      schedule(d, out, 'prevote', d.round);
      continue;
    }
    // L36: the proposal of this round, valid, with +2/3 prevotes for it, while step ≥ prevote, first time.
    if ((d.step === 'prevote' || d.step === 'precommit') && d.polkaRound !== d.round) {
      const p = d.proposals.get(d.round);
      if (
        p !== undefined &&
        d.validity.get(p.blockHash) === true &&
        hasTwoThirdsFor(d.votes, d.round, 'prevote', p.blockHash)
      ) {
        d.polkaRound = d.round;
        if (d.step === 'prevote') {
          d.lockedHash = p.blockHash;
          d.lockedRound = d.round;
          vote(d, out, 'precommit', p.blockHash);
          d.step = 'precommit';
        }
        d.validHash = p.blockHash;
        d.validRound = d.round;
        continue;
      }
    }
    // L44: +2/3 prevotes for nil → precommit nil.
    if (d.step === 'prevote' && hasTwoThirdsFor(d.votes, d.round, 'prevote', null)) {
      vote(d, out, 'precommit', null);
      d.step = 'precommit';
      continue;
    }
    // L47: +2/3 precommits of any kind in this round, for the first time → schedule the precommit timeout.
    if (
      d.precommitTimeoutRound !== d.round &&
      isTwoThirdsPlus(roundVotes(d.votes, d.round, 'precommit').totalPower, total)
    ) {
      d.precommitTimeoutRound = d.round;
      schedule(d, out, 'precommit', d.round);
      continue;
    }
    return;
  }
  throw new ConsensusError(
    'INVALID_INPUT',
    'the round state machine did not settle (a bug: please report the input sequence)',
  );
}

/** L49: +2/3 precommits for a valid block in any round of this height → decide. */
function tryCommit(d: Draft, out: MachineAction[]): boolean {
  for (const [key, rv] of d.votes.rounds) {
    if (!key.endsWith(':precommit')) continue;
    for (const [hk, power] of rv.powerByHash) {
      if (hk === 'nil' || !isTwoThirdsPlus(power, d.votes.totalPower)) continue;
      if (d.validity.get(hk) !== true) continue;
      const round = Number(key.slice(0, key.indexOf(':')));
      const precommits = [...(rv.votesByHash.get(hk)?.values() ?? [])];
      const commit: CommitInfo = { height: d.height, round, blockHash: hk, precommits };
      d.decision = commit;
      d.step = 'commit';
      out.push({ kind: 'commit', commit });
      return true;
    }
  }
  return false;
}

/** L55: votes from more than 1/3 of the power in a higher round → jump to the highest such round. */
function tryRoundSkip(d: Draft, out: MachineAction[]): boolean {
  let target = -1;
  for (const key of d.votes.rounds.keys()) {
    const r = Number(key.slice(0, key.indexOf(':')));
    if (r > d.round && r > target && isOneThirdPlus(roundParticipationPower(d.votes, r), d.votes.totalPower))
      target = r;
  }
  if (target < 0) return false;
  startRound(d, out, target);
  return true;
}

/** L22 and L28: prevote on the proposal of this round while in step propose. */
function tryProposeStep(d: Draft, out: MachineAction[]): boolean {
  if (d.step !== 'propose') return false;
  const p = d.proposals.get(d.round);
  if (p === undefined) return false;
  const valid = d.validity.get(p.blockHash);
  if (valid === undefined) return false;
  if (p.polRound === -1) {
    vote(
      d,
      out,
      'prevote',
      valid && (d.lockedRound === -1 || d.lockedHash === p.blockHash) ? p.blockHash : null,
    );
  } else {
    if (!hasTwoThirdsFor(d.votes, p.polRound, 'prevote', p.blockHash)) return false;
    vote(
      d,
      out,
      'prevote',
      valid && (d.lockedRound <= p.polRound || d.lockedHash === p.blockHash) ? p.blockHash : null,
    );
  }
  d.step = 'prevote';
  return true;
}

/** The current (height, round, step), e.g. for status gossip. */
export function position(state: MachineState): { height: number; round: number; step: RoundStep } {
  return { height: state.height, round: state.round, step: state.step };
}
