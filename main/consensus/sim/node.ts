/**
 * One simulated validator: a small driver around the pure round state machine (`../machine.ts`),
 * doing what `main/node` does for real. It holds what survives a crash (signer state, committed
 * blocks) apart from what does not (the machine, blocks seen, buffered messages, the double-vote
 * detector, pending evidence), feeds the machine its inputs, and hands each action the machine
 * returns to its handler (`node-actions.ts`) and each network message to its own (`receive.ts`).
 */
import type { DoubleProposalEvidence } from '../../chain/proposal-evidence';
import type { Address, Hash, Vote } from '../../chain/types';
import { addVote, emptyVoteSet, evidenceKey, type DoubleVoteEvidence, type VoteSet } from '../evidence';
import {
  initialState,
  step,
  type CommitInfo,
  type MachineAction,
  type MachineInput,
  type MachineState,
} from '../machine';
import { resumeFrom, type SignerRecord } from '../signer';
import { gossipTick } from './gossip';
import type { ProposalMessage, SimMessage } from './network';
import type { SimNodeDeps, SimNodeState } from './node-state';
import { applyCommit, castVote, propose, requestBlock, scheduleTimeout } from './node-actions';
import { receiveCommit, receiveEvidence, receiveProposal, receiveVote, serveCatchUp } from './receive';

/** Heights behind the current one for which votes are still checked for double votes. */
export const EVIDENCE_WINDOW_HEIGHTS = 1_000;
/** Messages for the next height kept per node. */
const MAX_BUFFERED = 2_000;

/**
 * One simulated validator: the driver around the round state machine. Its handlers reach its fields
 * and the steps below through `SimNodeState` (`node-state.ts`).
 */
export class SimNode<S, B> implements SimNodeState<S, B> {
  // Persisted: survives a crash.
  signer: SignerRecord | null = null;
  lastVote: Vote | null = null;
  chain: { block: B; commit: CommitInfo }[] = [];
  // Memory: lost on a crash.
  up = true;
  incarnation = 0;
  machine!: MachineState;
  states: S[] = [];
  blocks = new Map<Hash, { block: B; valid: boolean }>();
  proposalMsgs = new Map<number, ProposalMessage<B>>();
  future: { from: number; msg: SimMessage<B> }[] = [];
  detector = new Map<number, VoteSet>();
  pending = new Map<string, DoubleVoteEvidence>();
  pendingProposals = new Map<string, DoubleProposalEvidence>();
  lastCatchup = new Map<number, { height: number; atMs: number }>();
  crashAtNextVote = false;
  heightStartedMs = 0;
  sweep = 0;
  /** Byzantine only: both versions of its votes per height, with the group each went to. */
  byzVotes: { vote: Vote; group: 0 | 1 }[] = [];

  constructor(
    readonly sim: SimNodeDeps<S, B>,
    readonly index: number,
    readonly address: Address,
    readonly secretKey: Uint8Array,
    readonly byzantine: boolean,
  ) {}

  get height(): number {
    return this.chain.length + 1;
  }

  /** Starts (or restarts) from persisted data: replays committed blocks, resumes from the signer record. */
  boot(): void {
    const app = this.sim.app;
    this.states = [app.genesis()];
    for (const c of this.chain)
      this.states.push(app.applyBlock(this.states[this.states.length - 1] as S, c.block));
    this.machine = initialState({
      self: this.address,
      timeouts: this.sim.timeouts,
      proposer: this.sim.proposer,
      maxRoundsAhead: 1_000,
    });
    this.startHeight();
    const inc = this.incarnation;
    this.sim.queue.after(this.sim.rng.int(0, this.sim.gossipMs), () => gossipTick(this, inc));
  }

  crash(): void {
    this.up = false;
    this.incarnation++;
    this.crashAtNextVote = false;
    this.states = [];
    this.blocks = new Map();
    this.proposalMsgs = new Map();
    this.future = [];
    this.detector = new Map();
    this.pending = new Map();
    this.pendingProposals = new Map();
    this.lastCatchup = new Map();
    this.byzVotes = [];
    this.sim.stats.crashes++;
  }

  restart(): void {
    this.up = true;
    this.sim.stats.restarts++;
    if (resumeFrom(this.signer, this.height) !== undefined) this.sim.stats.resumedMidHeight++;
    this.boot();
    // A vote signed just before the crash may never have left: send it again (same signature).
    const v = this.lastVote;
    if (v !== null && v.height === this.height) {
      this.sim.network.broadcast(this.index, { kind: 'vote', vote: v });
      this.feed({ kind: 'vote', vote: v });
    }
  }

  /** Enters the height after the last committed one, then handles what was buffered for it. */
  startHeight(): void {
    const h = this.height;
    const state = this.states[h - 1] as S;
    this.heightStartedMs = this.sim.queue.nowMs;
    this.blocks = new Map();
    this.proposalMsgs = new Map();
    this.byzVotes = this.byzVotes.filter((x) => x.vote.height >= h - 1);
    for (const k of this.detector.keys()) if (k < h - EVIDENCE_WINDOW_HEIGHTS) this.detector.delete(k);
    const lastCommit =
      this.chain.length > 0 ? (this.chain[this.chain.length - 1] as { commit: CommitInfo }).commit : null;
    const resume = resumeFrom(this.signer, h);
    this.feed({
      kind: 'start-height',
      height: h,
      validators: this.sim.app.validatorSet(state, h),
      lastCommit,
      ...(resume ? { resume } : {}),
    });
    const buffered = this.future;
    this.future = [];
    for (const f of buffered) this.receive(f.from, f.msg);
  }

  /** Feeds one input and executes the resulting actions (and those they cause) in order. */
  feed(input: MachineInput): void {
    const queue: MachineAction[] = [];
    this.stepInto(input, queue);
    while (queue.length > 0 && this.up) this.exec(queue.shift() as MachineAction, queue);
  }

  /** Steps the machine and appends its actions to `queue` (run by the `feed` in progress). */
  stepInto(input: MachineInput, queue: MachineAction[]): void {
    const r = step(this.machine, input);
    this.machine = r.state;
    if (r.state.round > this.sim.stats.maxRound) this.sim.stats.maxRound = r.state.round;
    queue.push(...r.actions);
  }

  /** Whether this node deviates from the protocol at `height`: Byzantine nodes do, below the target height. */
  misbehaving(height: number): boolean {
    return this.byzantine && height < this.sim.targetHeight;
  }

  private exec(a: MachineAction, queue: MachineAction[]): void {
    switch (a.kind) {
      case 'schedule-timeout':
        scheduleTimeout(this, a);
        return;
      case 'request-block':
        requestBlock(this, a, queue);
        return;
      case 'propose':
        propose(this, a.proposal);
        return;
      case 'vote':
        castVote(this, a.vote, queue);
        return;
      case 'commit':
        applyCommit(this, a.commit);
        return;
      case 'evidence':
        this.addEvidence(a.evidence);
        return;
      case 'proposal-evidence':
        this.sim.stats.proposalEvidenceSeen++;
        if (!this.byzantine)
          this.pendingProposals.set(
            `${a.evidence.a.proposer}:${a.evidence.a.height}:${a.evidence.a.round}`,
            a.evidence,
          );
        return;
    }
  }

  /** Handles a message from the network. */
  receive(from: number, msg: SimMessage<B>): void {
    if (!this.up) return;
    switch (msg.kind) {
      case 'vote':
        receiveVote(this, from, msg.vote);
        return;
      case 'votes':
        for (const v of msg.votes) if (this.up) receiveVote(this, from, v);
        return;
      case 'proposal':
        receiveProposal(this, from, msg);
        return;
      case 'status':
        serveCatchUp(this, from, msg.height);
        return;
      case 'commit':
        receiveCommit(this, from, msg);
        return;
      case 'evidence':
        receiveEvidence(this, msg.evidence);
        return;
    }
  }

  /**
   * Records a verified vote: double-vote detection over recent heights, relay, and the machine
   * (through `queue` while a `feed` runs, else through a new `feed`).
   */
  acceptVote(v: Vote, from: number, queue: MachineAction[] | null): void {
    const h = this.height;
    if (v.height >= h - EVIDENCE_WINDOW_HEIGHTS && v.height <= h + EVIDENCE_WINDOW_HEIGHTS) {
      let set = this.detector.get(v.height);
      if (set === undefined) {
        set = emptyVoteSet(v.height, this.sim.validators);
        this.detector.set(v.height, set);
      }
      const r = addVote(set, v);
      this.detector.set(v.height, r.set);
      if (r.evidence !== undefined) this.addEvidence(r.evidence);
      // Relay a vote on first sight (and whenever its own signer re-sends an old one), so conflicting
      // halves sent to different peers meet somewhere honest.
      const fresh = r.set !== set;
      const relay =
        from !== this.index &&
        (fresh || (r.outcome === 'duplicate' && from === this.sim.indexOf(v.validator) && v.height !== h));
      if (relay) this.sim.network.relay(this.index, { kind: 'vote', vote: v }, from);
    }
    if (v.height === h) {
      if (queue !== null) this.stepInto({ kind: 'vote', vote: v }, queue);
      else this.feed({ kind: 'vote', vote: v });
    } else if (v.height === h + 1) {
      this.buffer(from, { kind: 'vote', vote: v });
    }
  }

  /** Keeps a message for the next height (bounded; gossip re-sends what falls out). */
  buffer(from: number, msg: SimMessage<B>): void {
    if (this.future.length >= MAX_BUFFERED) this.future.shift();
    this.future.push({ from, msg });
  }

  /** Adds evidence to the pool for the next block this node proposes, unless pending or committed already. */
  addEvidence(e: DoubleVoteEvidence): void {
    const k = evidenceKey(e);
    if (this.pending.has(k)) return;
    const state = this.states[this.states.length - 1] as S;
    if (this.sim.app.evidenceCommitted(state, k)) return;
    this.pending.set(k, e);
  }
}
