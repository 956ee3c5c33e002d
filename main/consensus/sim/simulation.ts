/**
 * Deterministic simulation of N validators in one process (issue 3 §10): a simulated network with
 * delays, drops, reordering and partitions that heal; crashes and restarts (signer state and
 * committed blocks survive, memory does not); Byzantine validators that double-vote, propose
 * conflicting blocks and forge votes. Everything random comes from one seed, so a run replays
 * exactly. Pure: no timers, no I/O; virtual time lives in `EventQueue`.
 *
 * Each `SimNode` is a small driver around the pure round state machine (`../machine.ts`), doing
 * what `main/node` does for real: verifying signatures, validating and applying blocks through a
 * `SimApp`, the signer-state guard, gossip and catch-up, an evidence pool.
 */
import type { Address, Hash, Proposal, ValidatorPower, Vote } from '../../chain/types';
import {
  addVote,
  allVotes,
  emptyVoteSet,
  evidenceKey,
  validateEvidence,
  type DoubleVoteEvidence,
  type VoteSet,
} from '../evidence';
import {
  initialState,
  step,
  type UnsignedVote,
  type CommitInfo,
  type MachineAction,
  type MachineInput,
  type MachineState,
  type TimeoutParams,
} from '../machine';
import { ProposerRotation } from '../proposer';
import { selectValidators, toValidatorPowers, type Candidate } from '../selection';
import { checkSign, nextRecord, resumeFrom, type SignerRecord } from '../signer';
import { CounterApp, type SimApp } from './app';
import { SimCrypto, type ConsensusCrypto, type CryptoStats } from './signing';
import { ConsensusError } from '../errors';
import { Prng } from './prng';
import { EventQueue } from './queue';

/** Which validators misbehave, and how. */
export interface FaultSpec {
  kind: 'none' | 'byzantine' | 'crash';
  count: number;
}

/** The simulated network. */
export interface NetworkParams {
  minDelayMs: number;
  maxDelayMs: number;
  /** Chance that a message is delayed up to `spikeMaxDelayMs` instead (reordering). */
  spikeChance: number;
  spikeMaxDelayMs: number;
  dropChance: number;
  /** Chance that a run has a partition (random split) that heals later. */
  partitionChance: number;
}

/** Options of one run. */
export interface SimOptions {
  validators: number;
  faults: FaultSpec;
  /** Every honest node that is up at the end must have committed this height. */
  heights: number;
  seed: number;
  network?: Partial<NetworkParams>;
  timeouts?: Partial<TimeoutParams>;
  gossipIntervalMs?: number;
  /** The run fails if it has not finished by this virtual time. */
  maxVirtualTimeMs?: number;
  /**
   * Signing and verification; `SimCrypto` (noble secp256k1 + keccak) by default. The node driver
   * can pass one built on `main/chain/vote.ts` to run the simulation on the chain's sign bytes.
   */
  makeCrypto?: (chainId: string) => SimConsensusCrypto;
}

/** What the simulation needs from its crypto: `ConsensusCrypto` plus work counters. */
export type SimConsensusCrypto = ConsensusCrypto & { readonly stats: CryptoStats };

/** The outcome of one run. */
export interface RunResult {
  seed: number;
  ok: boolean;
  /** Human-readable reasons when `ok` is false. */
  failures: string[];
  safetyViolations: number;
  stateRootMismatches: number;
  reachedTarget: boolean;
  /** Double votes sent by Byzantine nodes. */
  doubleVotesSent: number;
  /** Double votes whose two votes both reached honest nodes: each needs committed evidence. */
  doubleVotes: number;
  evidenceCommitted: number;
  conflictingProposals: number;
  forgedVotesSent: number;
  forgedVotesRejected: number;
  forgedVotesAccepted: number;
  signerRefusals: number;
  crashes: number;
  restarts: number;
  /** Restarts that resumed inside a height from the persisted signer state (lock included). */
  resumedMidHeight: number;
  partitioned: boolean;
  maxRound: number;
  finalHeights: number[];
  virtualTimeMs: number;
  messagesSent: number;
  messagesDropped: number;
  events: number;
  signatures: number;
  recoveries: number;
}

/** The default network: 5–60 ms delays, 5 % of messages up to 500 ms late, 5 % dropped, a partition in 70 % of runs. */
export const DEFAULT_NETWORK: NetworkParams = {
  minDelayMs: 5,
  maxDelayMs: 60,
  spikeChance: 0.05,
  spikeMaxDelayMs: 500,
  dropChance: 0.05,
  partitionChance: 0.7,
};

/** Simulation timeouts: short virtual times, growing 100 ms per round. */
export const SIM_TIMEOUTS: TimeoutParams = {
  proposeBaseMs: 300,
  proposeDeltaMs: 100,
  prevoteBaseMs: 150,
  prevoteDeltaMs: 100,
  precommitBaseMs: 150,
  precommitDeltaMs: 100,
};

type Msg<B> =
  | { kind: 'vote'; vote: Vote }
  /** A gossip batch (one network message). */
  | { kind: 'votes'; votes: Vote[] }
  | { kind: 'proposal'; proposal: Proposal; block: B }
  | { kind: 'status'; height: number; round: number }
  /** Catch-up: a committed block, its precommits, and every vote the sender saw at that height. */
  | { kind: 'commit'; block: B; commit: CommitInfo; seen: Vote[] }
  | { kind: 'evidence'; evidence: DoubleVoteEvidence };

/** Heights behind the current one for which votes are still checked for double votes. */
const EVIDENCE_WINDOW_HEIGHTS = 1_000;
/** Messages for the next height kept per node. */
const MAX_BUFFERED = 2_000;
/** Heights behind the current one that the evidence anti-entropy cycles over. */
const SWEEP_HEIGHTS = 32;

interface Stats {
  safetyViolations: number;
  stateRootMismatches: number;
  conflictingProposals: number;
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

/** One simulated validator: the driver around the round state machine. */
class SimNode<S, B> {
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
  proposalMsgs = new Map<number, { kind: 'proposal'; proposal: Proposal; block: B }>();
  future: { from: number; msg: Msg<B> }[] = [];
  detector = new Map<number, VoteSet>();
  pending = new Map<string, DoubleVoteEvidence>();
  lastCatchup = new Map<number, { height: number; atMs: number }>();
  crashAtNextVote = false;
  sweep = 0;
  /** Byzantine only: both versions of its votes per height, with the group each went to. */
  byzVotes: { vote: Vote; group: 0 | 1 }[] = [];

  constructor(
    readonly sim: Simulation<S, B>,
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
    this.sim.queue.after(this.sim.rng.int(0, this.sim.gossipMs), () => this.gossipTick(inc));
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
      this.sim.broadcast(this.index, { kind: 'vote', vote: v });
      this.feed({ kind: 'vote', vote: v });
    }
  }

  private startHeight(): void {
    const h = this.height;
    const state = this.states[h - 1] as S;
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

  private stepInto(input: MachineInput, queue: MachineAction[]): void {
    const r = step(this.machine, input);
    this.machine = r.state;
    if (r.state.round > this.sim.stats.maxRound) this.sim.stats.maxRound = r.state.round;
    queue.push(...r.actions);
  }

  private misbehaving(height: number): boolean {
    return this.byzantine && height < this.sim.targetHeight;
  }

  private exec(a: MachineAction, queue: MachineAction[]): void {
    const sim = this.sim;
    switch (a.kind) {
      case 'schedule-timeout': {
        const inc = this.incarnation;
        sim.queue.after(a.durationMs, () => {
          if (this.up && this.incarnation === inc)
            this.feed({ kind: 'timeout', step: a.step, height: a.height, round: a.round });
        });
        return;
      }
      case 'request-block': {
        const state = this.states[a.height - 1] as S;
        const evidence = [...this.pending.values()].filter(
          (e) => !(this.byzantine && e.a.validator === this.address),
        );
        const txs = Array.from(
          { length: 1 + (a.height % 3) },
          (_, i) => `tx:${a.height}:${a.round}:${this.index}:${i}`,
        );
        const block = sim.app.makeBlock(state, {
          height: a.height,
          round: a.round,
          proposer: this.address,
          timeMs: Math.floor(sim.queue.nowMs),
          lastCommit: a.lastCommit,
          evidence,
          txs,
        });
        const hash = sim.app.blockHash(block);
        this.blocks.set(hash, { block, valid: true });
        this.stepInto({ kind: 'own-block', height: a.height, round: a.round, blockHash: hash }, queue);
        return;
      }
      case 'propose': {
        const p = a.proposal;
        const entry = this.blocks.get(p.blockHash);
        if (entry === undefined) return;
        if (this.misbehaving(p.height)) {
          // Equivocate: a second, different block for the same round to the other half.
          const state = this.states[p.height - 1] as S;
          const alt = sim.app.makeBlock(state, {
            height: p.height,
            round: p.round,
            proposer: this.address,
            timeMs: Math.floor(sim.queue.nowMs) + 1,
            lastCommit: this.machine.lastCommit,
            evidence: [],
            txs: [`evil:${p.height}:${p.round}`],
          });
          const altHash = sim.app.blockHash(alt);
          const p1 = sim.crypto.signProposal(p, this.secretKey);
          const p2 = sim.crypto.signProposal({ ...p, blockHash: altHash, polRound: -1 }, this.secretKey);
          sim.stats.conflictingProposals++;
          // The Byzantine coalition votes for each block in front of the half that got it.
          sim.coalition.set(`${p.height}:${p.round}`, [p.blockHash, altHash]);
          this.proposalMsgs.set(p.round, { kind: 'proposal', proposal: p1, block: entry.block });
          sim.sendToGroup(this.index, 0, { kind: 'proposal', proposal: p1, block: entry.block });
          sim.sendToGroup(this.index, 1, { kind: 'proposal', proposal: p2, block: alt });
          return;
        }
        const d = checkSign(this.signer, {
          height: p.height,
          round: p.round,
          step: 'propose',
          blockHash: p.blockHash,
        });
        if (d.kind === 'refuse') {
          sim.stats.signerRefusals++;
          return;
        }
        const signed =
          d.kind === 'reuse'
            ? { ...p, signature: d.signature as Proposal['signature'] }
            : sim.crypto.signProposal(p, this.secretKey);
        this.signer = nextRecord(
          this.signer,
          { height: p.height, round: p.round, step: 'propose', blockHash: p.blockHash },
          signed.signature,
        );
        const msg = { kind: 'proposal' as const, proposal: signed, block: entry.block };
        this.proposalMsgs.set(p.round, msg);
        sim.broadcast(this.index, msg);
        return;
      }
      case 'vote': {
        const v = a.vote;
        if (this.misbehaving(v.height)) {
          this.doubleVote(v, queue);
          return;
        }
        const req = { height: v.height, round: v.round, step: v.type, blockHash: v.blockHash };
        const d = checkSign(this.signer, req);
        if (d.kind === 'refuse') {
          sim.stats.signerRefusals++;
          return;
        }
        const signed: Vote =
          d.kind === 'reuse'
            ? { ...v, signature: d.signature as Vote['signature'] }
            : sim.crypto.signVote(v, this.secretKey);
        // Persist before the vote leaves: a crash from here on cannot make the node sign differently.
        this.signer = nextRecord(this.signer, req, signed.signature);
        this.lastVote = signed;
        if (this.crashAtNextVote) {
          this.crash();
          return;
        }
        sim.broadcast(this.index, { kind: 'vote', vote: signed });
        this.acceptVote(signed, this.index, queue);
        return;
      }
      case 'commit': {
        const c = a.commit;
        const entry = this.blocks.get(c.blockHash);
        if (entry === undefined)
          throw new ConsensusError(
            'INVALID_INPUT',
            `node ${this.index} decided block ${c.blockHash} it does not hold (a simulation bug: replay the seed)`,
          );
        const next = sim.app.applyBlock(this.states[c.height - 1] as S, entry.block);
        this.states.push(next);
        this.chain.push({ block: entry.block, commit: c });
        for (const e of sim.app.blockEvidence(entry.block)) this.pending.delete(evidenceKey(e));
        for (const [k] of this.pending) if (sim.app.evidenceCommitted(next, k)) this.pending.delete(k);
        sim.recordCommit(this, c.height, c.blockHash, sim.app.stateRoot(next));
        this.startHeight();
        return;
      }
      case 'evidence':
        this.addEvidence(a.evidence);
        return;
    }
  }

  private doubleVote(v: UnsignedVote, queue: MachineAction[]): void {
    const sim = this.sim;
    // Against conflicting proposals of the coalition: block A to group 0, block B to group 1.
    // Otherwise: its honest vote to group 0, and nil (or a made-up block) to group 1.
    const pair = sim.coalition.get(`${v.height}:${v.round}`);
    const honest = sim.crypto.signVote(pair ? { ...v, blockHash: pair[0] } : v, this.secretKey);
    const other: Hash | null = pair
      ? pair[1]
      : v.blockHash === null
        ? (`0x${Array.from(sim.rng.bytes32(), (b) => b.toString(16).padStart(2, '0')).join('')}` as Hash)
        : null;
    const evil = sim.crypto.signVote({ ...v, blockHash: other }, this.secretKey);
    sim.doubleVotesSent.add(evidenceKey(honest));
    this.byzVotes.push({ vote: honest, group: 0 }, { vote: evil, group: 1 });
    sim.sendToGroup(this.index, 0, { kind: 'vote', vote: honest });
    sim.sendToGroup(this.index, 1, { kind: 'vote', vote: evil });
    if (sim.rng.chance(0.3)) {
      // A forgery: signed with its own key but claiming to be an honest validator.
      const victim = sim.rng.pick(sim.nodes.filter((n) => !n.byzantine)).address;
      const forged = sim.crypto.signVote({ ...v, validator: victim, blockHash: other }, this.secretKey);
      sim.forged.add(forged);
      sim.stats.forgedVotesSent++;
      sim.broadcast(this.index, { kind: 'vote', vote: forged });
    }
    this.acceptVote(honest, this.index, queue);
  }

  /** Records a verified vote: double-vote detection over recent heights, relay, and the machine. */
  private acceptVote(v: Vote, from: number, queue: MachineAction[] | null): void {
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
      if (relay) this.sim.broadcast(this.index, { kind: 'vote', vote: v }, from);
    }
    if (v.height === h) {
      if (queue !== null) this.stepInto({ kind: 'vote', vote: v }, queue);
      else this.feed({ kind: 'vote', vote: v });
    } else if (v.height === h + 1) {
      this.buffer(from, { kind: 'vote', vote: v });
    }
  }

  /** Keeps a message for the next height (bounded; gossip re-sends what falls out). */
  private buffer(from: number, msg: Msg<B>): void {
    if (this.future.length >= MAX_BUFFERED) this.future.shift();
    this.future.push({ from, msg });
  }

  private addEvidence(e: DoubleVoteEvidence): void {
    const k = evidenceKey(e);
    if (this.pending.has(k)) return;
    const state = this.states[this.states.length - 1] as S;
    if (this.sim.app.evidenceCommitted(state, k)) return;
    this.pending.set(k, e);
  }

  private receiveVote(from: number, v: Vote): void {
    const sim = this.sim;
    if (sim.indexOf(v.validator) < 0) return;
    if (!sim.crypto.verifyVote(v)) {
      if (sim.forged.has(v)) sim.stats.forgedVotesRejected++;
      return;
    }
    if (sim.forged.has(v)) sim.stats.forgedVotesAccepted++;
    this.acceptVote(v, from, null);
  }

  /** Handles a message from the network. */
  receive(from: number, msg: Msg<B>): void {
    if (!this.up) return;
    const sim = this.sim;
    switch (msg.kind) {
      case 'vote':
        this.receiveVote(from, msg.vote);
        return;
      case 'votes':
        for (const v of msg.votes) if (this.up) this.receiveVote(from, v);
        return;
      case 'proposal': {
        const p = msg.proposal;
        if (p.height > this.height) {
          if (p.height === this.height + 1) this.buffer(from, msg);
          return;
        }
        if (p.height < this.height || !sim.crypto.verifyProposal(p)) return;
        if (sim.app.blockHash(msg.block) !== p.blockHash || sim.app.blockHeight(msg.block) !== p.height)
          return;
        let entry = this.blocks.get(p.blockHash);
        if (entry === undefined) {
          entry = {
            block: msg.block,
            valid: sim.app.validateBlock(this.states[this.height - 1] as S, msg.block) === null,
          };
          this.blocks.set(p.blockHash, entry);
        }
        if (!this.proposalMsgs.has(p.round) && p.proposer === sim.proposer(p.height, p.round))
          this.proposalMsgs.set(p.round, msg);
        this.feed({ kind: 'proposal', proposal: p, valid: entry.valid });
        return;
      }
      case 'status': {
        if (msg.height >= this.height) return;
        const last = this.lastCatchup.get(from);
        if (last !== undefined && last.height === msg.height && sim.queue.nowMs - last.atMs < sim.gossipMs)
          return;
        this.lastCatchup.set(from, { height: msg.height, atMs: sim.queue.nowMs });
        const c = this.chain[msg.height - 1];
        if (c !== undefined) {
          const seen = this.detector.get(msg.height);
          sim.send(this.index, from, {
            kind: 'commit',
            block: c.block,
            commit: c.commit,
            seen: seen === undefined ? [] : allVotes(seen),
          });
        }
        return;
      }
      case 'commit': {
        const c = msg.commit;
        if (c.height !== this.height || this.machine.step === 'commit') return;
        if (sim.app.blockHash(msg.block) !== c.blockHash) return;
        if (!this.blocks.has(c.blockHash)) {
          this.blocks.set(c.blockHash, {
            block: msg.block,
            valid: sim.app.validateBlock(this.states[this.height - 1] as S, msg.block) === null,
          });
        }
        const entry = this.blocks.get(c.blockHash) as { valid: boolean };
        this.feed({ kind: 'block-validated', height: c.height, blockHash: c.blockHash, valid: entry.valid });
        for (const v of c.precommits) {
          if (this.height !== c.height) break;
          if (v.type === 'precommit' && v.height === c.height && sim.crypto.verifyVote(v))
            this.acceptVote(v, from, null);
        }
        if (this.height > c.height) {
          // A node that fell behind (a partition, a crash) may hold votes the others never saw, and
          // vice versa: compare notes on this height, so split double votes still meet.
          for (const v of msg.seen) if (v.height === c.height) this.receiveVote(from, v);
          const mine = this.detector.get(c.height);
          if (mine !== undefined) sim.send(this.index, from, { kind: 'votes', votes: allVotes(mine) });
          // Caught up one height: ask the same peer for the next one at once instead of waiting for gossip.
          sim.send(this.index, from, { kind: 'status', height: this.height, round: 0 });
        }
        return;
      }
      case 'evidence': {
        const k = evidenceKey(msg.evidence);
        if (this.pending.has(k)) return;
        try {
          validateEvidence(msg.evidence, (v) => sim.crypto.verifyVote(v));
        } catch {
          return;
        }
        if (sim.indexOf(msg.evidence.a.validator) >= 0) this.addEvidence(msg.evidence);
        return;
      }
    }
  }

  /** Periodic gossip: status, own votes of this height, the current proposal, pending evidence. */
  private gossipTick(inc: number): void {
    if (!this.up || this.incarnation !== inc) return;
    const sim = this.sim;
    const h = this.height;
    sim.broadcast(this.index, { kind: 'status', height: h, round: this.machine.round });
    if (this.byzantine) {
      for (const x of this.byzVotes)
        if (x.vote.height >= h - 1) sim.sendToGroup(this.index, x.group, { kind: 'vote', vote: x.vote });
    }
    // Own votes of the last rounds and of the rounds that justify a lock or valid value, and every
    // prevote of the POL round the current proposal cites (others need that polka to accept it, L28).
    const m = this.machine;
    const polRound = m.proposals.get(m.round)?.polRound ?? -1;
    const batch: Vote[] = [];
    if (!this.byzantine) {
      for (const v of allVotes(m.votes)) {
        const pol = v.round === polRound && v.type === 'prevote';
        if (v.validator !== this.address && !pol) continue;
        if (pol || v.round >= m.round - 2 || v.round === m.validRound || v.round === m.lockedRound)
          batch.push(v);
      }
      // Anti-entropy for evidence: every vote held for one recent height, the cursor walking absolute
      // heights over [h − SWEEP_HEIGHTS, h], so conflicting halves that were relayed into a
      // partition or lost to drops still meet after the network heals.
      this.sweep =
        this.sweep + 1 > h || this.sweep < h - SWEEP_HEIGHTS
          ? Math.max(1, h - SWEEP_HEIGHTS)
          : this.sweep + 1;
      const old = this.detector.get(this.sweep);
      if (old !== undefined) batch.push(...allVotes(old));
    }
    if (batch.length > 0) sim.broadcast(this.index, { kind: 'votes', votes: batch });
    const p = this.proposalMsgs.get(this.machine.round);
    if (p !== undefined) sim.broadcast(this.index, p);
    let n = 0;
    for (const e of this.pending.values()) {
      if (n++ >= 8) break;
      sim.broadcast(this.index, { kind: 'evidence', evidence: e });
    }
    sim.queue.after(sim.gossipMs, () => this.gossipTick(inc));
  }
}

/** One simulation run. Build it, call `run()`. */
export class Simulation<S, B> {
  readonly queue = new EventQueue();
  readonly rng: Prng;
  readonly crypto: SimConsensusCrypto;
  readonly nodes: SimNode<S, B>[] = [];
  readonly validators: ValidatorPower[];
  readonly proposer: (height: number, round: number) => Address;
  readonly timeouts: TimeoutParams;
  readonly gossipMs: number;
  readonly targetHeight: number;
  readonly net: NetworkParams;
  readonly stats: Stats = {
    safetyViolations: 0,
    stateRootMismatches: 0,
    conflictingProposals: 0,
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
  /** Conflicting proposals of Byzantine proposers: `${height}:${round}` → [block of group 0, block of group 1]. */
  readonly coalition = new Map<string, [Hash, Hash]>();
  /** Ground truth: keys of every double vote a Byzantine node sent. */
  readonly doubleVotesSent = new Set<string>();
  /**
   * Ground truth: the double votes whose two conflicting votes both reached honest nodes (each at
   * least one). Only these can be evidenced by anybody; each must end up committed.
   */
  readonly doubleVotes = new Set<string>();
  /** Versions of each sent double vote delivered to honest nodes so far (block hash keys). */
  private readonly delivered = new Map<string, Set<string>>();
  /** Ground truth: the forged votes (by object identity; messages are passed by reference). */
  readonly forged = new WeakSet<Vote>();
  readonly app: SimApp<S, B>;
  private readonly committed = new Map<number, { hash: Hash; root: Hash }>();
  private readonly addressIndex = new Map<Address, number>();
  private groups: (0 | 1)[] = [];
  private partition: { fromMs: number; untilMs: number; side: boolean[] } | null = null;
  private faultsEndMs = 0;
  private readonly failures: string[] = [];

  constructor(
    readonly options: SimOptions,
    makeApp: (crypto: SimConsensusCrypto, validators: ValidatorPower[]) => SimApp<S, B>,
  ) {
    const o = options;
    if (!Number.isInteger(o.validators) || o.validators < 1 || o.validators > 100) {
      throw new ConsensusError(
        'INVALID_PARAMS',
        `the simulation needs 1..100 validators, got ${o.validators}`,
      );
    }
    if (
      o.faults.kind !== 'none' &&
      (!Number.isInteger(o.faults.count) || o.faults.count < 0 || o.faults.count > o.validators)
    ) {
      throw new ConsensusError(
        'INVALID_PARAMS',
        `the fault count must be 0..${o.validators} (the number of validators), got ${o.faults.count}`,
      );
    }
    if (!Number.isInteger(o.heights) || o.heights < 1)
      throw new ConsensusError(
        'INVALID_PARAMS',
        `the target height must be an integer ≥ 1, got ${o.heights}`,
      );
    this.rng = new Prng(o.seed);
    this.crypto = (o.makeCrypto ?? ((id: string) => new SimCrypto(id)))(`hotpot-sim-${o.seed}`);
    this.timeouts = { ...SIM_TIMEOUTS, ...o.timeouts };
    this.gossipMs = o.gossipIntervalMs ?? 120;
    this.targetHeight = o.heights;
    this.net = { ...DEFAULT_NETWORK, ...o.network };
    // Keys from the seed; the genesis set comes from the selection rules (equal stake and
    // reputation, one region each → equal scores → equal voting power).
    const keys = Array.from({ length: o.validators }, () => this.rng.bytes32());
    const addresses = keys.map((k) => this.crypto.addressOf(k));
    const candidates: Candidate[] = addresses.map((address, i) => ({
      address,
      stake: 1_000n,
      reputationPpm: 500_000,
      region: `region-${i}`,
    }));
    this.validators = toValidatorPowers(
      selectValidators(candidates, 0, { minScorePpm: 0, maxValidators: o.validators, powerUnitPpm: 1_000 }),
    );
    const rotation = new ProposerRotation(this.validators, 1);
    this.proposer = (h, r) => rotation.proposer(h, r);
    this.app = makeApp(this.crypto, this.validators);
    const faulty = new Set(
      this.rng.shuffle(addresses.map((_, i) => i)).slice(0, o.faults.kind === 'none' ? 0 : o.faults.count),
    );
    addresses.forEach((a, i) => {
      this.addressIndex.set(a, i);
      this.nodes.push(
        new SimNode(this, i, a, keys[i] as Uint8Array, o.faults.kind === 'byzantine' && faulty.has(i)),
      );
    });
    // Byzantine nodes split the others into two groups that get different versions.
    const order = this.rng.shuffle(this.nodes.map((n) => n.index));
    this.groups = this.nodes.map(() => 0);
    order.forEach((idx, pos) => (this.groups[idx] = (pos % 2) as 0 | 1));
    this.planNetworkFaults();
    if (o.faults.kind === 'crash') for (const i of faulty) this.planCrashes(this.nodes[i] as SimNode<S, B>);
  }

  indexOf(a: Address): number {
    return this.addressIndex.get(a) ?? -1;
  }

  private planNetworkFaults(): void {
    if (!this.rng.chance(this.net.partitionChance) || this.nodes.length < 2) return;
    const fromMs = this.rng.int(200, 2_000);
    const untilMs = fromMs + this.rng.int(300, 3_000);
    const side = this.nodes.map(() => this.rng.chance(0.5));
    this.partition = { fromMs, untilMs, side };
    this.faultsEndMs = Math.max(this.faultsEndMs, untilMs);
  }

  private planCrashes(node: SimNode<S, B>): void {
    let t = this.rng.int(200, 2_000);
    const cycles = this.rng.int(1, 3);
    for (let c = 0; c < cycles; c++) {
      const midVote = this.rng.chance(0.5);
      const crashAt = t;
      const permanent = c === cycles - 1 && this.rng.chance(0.2);
      const restartAt = crashAt + this.rng.int(100, 2_500);
      this.queue.at(crashAt, () => {
        if (!node.up) return;
        // Half the crashes strike between persisting the signer state and sending the vote.
        if (midVote) node.crashAtNextVote = true;
        else node.crash();
      });
      if (permanent) {
        this.faultsEndMs = Math.max(this.faultsEndMs, crashAt + 1);
        break;
      }
      this.queue.at(restartAt, () => {
        if (node.up) node.crash();
        node.restart();
      });
      this.faultsEndMs = Math.max(this.faultsEndMs, restartAt);
      t = restartAt + this.rng.int(200, 1_500);
    }
  }

  private partitioned(a: number, b: number): boolean {
    const p = this.partition;
    const now = this.queue.nowMs;
    return p !== null && now >= p.fromMs && now < p.untilMs && p.side[a] !== p.side[b];
  }

  /** Sends one message over the simulated network. */
  send(from: number, to: number, msg: Msg<B>): void {
    if (from === to) return;
    this.stats.messagesSent++;
    if (this.partitioned(from, to) || this.rng.chance(this.net.dropChance)) {
      this.stats.messagesDropped++;
      return;
    }
    const n = this.net;
    const delay = this.rng.chance(n.spikeChance)
      ? this.rng.int(n.maxDelayMs, n.spikeMaxDelayMs)
      : this.rng.int(n.minDelayMs, n.maxDelayMs);
    const target = this.nodes[to] as SimNode<S, B>;
    this.queue.after(delay, () => {
      if (target.up && !target.byzantine) {
        if (msg.kind === 'vote') this.noteDelivered(msg.vote);
        else if (msg.kind === 'votes') for (const v of msg.votes) this.noteDelivered(v);
      }
      target.receive(from, msg);
    });
  }

  /** Sends to every other node (except `except`). */
  broadcast(from: number, msg: Msg<B>, except = -1): void {
    for (const n of this.nodes) if (n.index !== from && n.index !== except) this.send(from, n.index, msg);
  }

  /** Byzantine split: sends only to the nodes of one group. */
  sendToGroup(from: number, group: 0 | 1, msg: Msg<B>): void {
    for (const n of this.nodes)
      if (n.index !== from && this.groups[n.index] === group) this.send(from, n.index, msg);
  }

  private noteDelivered(v: Vote): void {
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
  recordCommit(node: SimNode<S, B>, height: number, hash: Hash, root: Hash): void {
    if (node.byzantine) return;
    const prev = this.committed.get(height);
    if (prev === undefined) {
      this.committed.set(height, { hash, root });
      return;
    }
    if (prev.hash !== hash) {
      this.stats.safetyViolations++;
      this.failures.push(
        `safety: node ${node.index} committed ${hash} at height ${height}, another honest node ${prev.hash}`,
      );
    } else if (prev.root !== root) {
      this.stats.stateRootMismatches++;
      this.failures.push(
        `state root: node ${node.index} has ${root} after height ${height}, another honest node ${prev.root}`,
      );
    }
  }

  private honestUp(): SimNode<S, B>[] {
    return this.nodes.filter((n) => n.up && !n.byzantine);
  }

  private evidenceCommittedCount(): number {
    let best: SimNode<S, B> | undefined;
    for (const n of this.nodes)
      if (!n.byzantine && n.up && (best === undefined || n.chain.length > best.chain.length)) best = n;
    if (best === undefined) return 0;
    const state = best.states[best.states.length - 1] as S;
    let c = 0;
    for (const k of this.doubleVotes) if (this.app.evidenceCommitted(state, k)) c++;
    return c;
  }

  private finished(): boolean {
    if (this.queue.nowMs < this.faultsEndMs) return false;
    const honest = this.honestUp();
    if (honest.length === 0 || honest.some((n) => n.chain.length < this.targetHeight)) return false;
    return this.evidenceCommittedCount() === this.doubleVotes.size;
  }

  /** Runs until every check can be decided (or the virtual time limit), then checks. */
  run(): RunResult {
    for (const n of this.nodes) n.boot();
    const limitMs = this.options.maxVirtualTimeMs ?? 120_000 + this.faultsEndMs;
    let checkEvery = 0;
    while (this.queue.nowMs <= limitMs) {
      if (!this.queue.runNext()) break;
      if (++checkEvery >= 64) {
        checkEvery = 0;
        if (this.finished()) break;
      }
    }
    const honest = this.honestUp();
    const reachedTarget = honest.length > 0 && honest.every((n) => n.chain.length >= this.targetHeight);
    const evidenceCommitted = this.evidenceCommittedCount();
    const failures = [...this.failures];
    if (!reachedTarget) {
      failures.push(
        `target: honest nodes reached heights ${honest.map((n) => n.chain.length).join(',')} by ${Math.round(this.queue.nowMs)} ms, target ${this.targetHeight}`,
      );
    }
    if (evidenceCommitted !== this.doubleVotes.size)
      failures.push(
        `evidence: ${evidenceCommitted} of ${this.doubleVotes.size} double votes have committed evidence`,
      );
    if (this.stats.forgedVotesAccepted > 0)
      failures.push(`forgery: ${this.stats.forgedVotesAccepted} forged votes were accepted`);
    return {
      seed: this.options.seed,
      ok: failures.length === 0,
      failures,
      safetyViolations: this.stats.safetyViolations,
      stateRootMismatches: this.stats.stateRootMismatches,
      reachedTarget,
      doubleVotesSent: this.doubleVotesSent.size,
      doubleVotes: this.doubleVotes.size,
      evidenceCommitted,
      conflictingProposals: this.stats.conflictingProposals,
      forgedVotesSent: this.stats.forgedVotesSent,
      forgedVotesRejected: this.stats.forgedVotesRejected,
      forgedVotesAccepted: this.stats.forgedVotesAccepted,
      signerRefusals: this.stats.signerRefusals,
      crashes: this.stats.crashes,
      restarts: this.stats.restarts,
      resumedMidHeight: this.stats.resumedMidHeight,
      partitioned: this.partition !== null,
      maxRound: this.stats.maxRound,
      finalHeights: this.nodes.map((n) => n.chain.length),
      virtualTimeMs: Math.round(this.queue.nowMs),
      messagesSent: this.stats.messagesSent,
      messagesDropped: this.stats.messagesDropped,
      events: this.queue.processed,
      signatures: this.crypto.stats.signs,
      recoveries: this.crypto.stats.recoveries,
    };
  }
}

/** One run with the deterministic `CounterApp`. */
export function runSimulation(options: SimOptions): RunResult {
  const sim = new Simulation(
    options,
    (crypto, validators) =>
      new CounterApp(crypto, {
        validators,
        stake: 1_000_000n,
        evidenceMaxAgeHeights: EVIDENCE_WINDOW_HEIGHTS,
        maxTxsPerBlock: 1_000,
      }),
  );
  return sim.run();
}

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
  for (let i = 0; i < runs; i++) {
    const r = runSimulation({ ...base, seed: (base.seed + i) >>> 0 });
    onRun?.(r);
    s.safety_violations += r.safetyViolations;
    s.state_root_mismatches += r.stateRootMismatches;
    if (r.reachedTarget) s.runs_reaching_target++;
    s.evidence_committed += r.evidenceCommitted;
    s.double_votes += r.doubleVotes;
    s.double_votes_sent += r.doubleVotesSent;
    s.conflicting_proposals += r.conflictingProposals;
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
