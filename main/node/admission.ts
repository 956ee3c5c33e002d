/**
 * Admitting votes and proposals from gossip: each is decoded with limits and its signature verified,
 * then sorted into invalid (rejected and counted), stale or already fed (ignored), late (a precommit
 * for the block just committed), ahead (kept for the next height; the syncer hears a peer is ahead)
 * or current (fed to the machine; a proposal's unseen transactions are checked on the workers first).
 */
import { type Commit, type DecodedBlock, commitVotes, makeCommit } from '../chain/block';
import type { ChainConfig, ChainParams } from '../chain/params';
import type { VerifyOptions } from '../chain/tx/signing';
import type { Hash, Proposal, ValidatorPower, Vote } from '../chain/types';
import { decodeVote, verifyProposal, verifyVote } from '../chain/vote';
import type { Validation } from '../p2p/types';
import type { Mempool } from './mempool';
import { decodeProposalMessage, unwrapGossip } from './messages';

/** A decoded proposal message: the proposal and the block it carries. */
export type ProposalMessage = ReturnType<typeof decodeProposalMessage>;

/** What admission uses; `host` is the driver's side (its height, machine and blocks). */
export interface AdmissionDeps {
  config: ChainConfig;
  verify: VerifyOptions;
  /** Transactions admitted to the mempool need no check on the workers. */
  mempool: Pick<Mempool, 'has'>;
  /** Checks transaction signatures off the main thread (a proposal's txs we have not seen). */
  preverify: ((txs: readonly Uint8Array[], hashes?: readonly Hash[]) => Promise<void>) | undefined;
  /** Called when a message shows a peer is ahead of us (the syncer listens). */
  onBehind: ((peerHeight: number) => void) | undefined;
  /** The driver's counters (`invalidMessages` counts rejected messages). */
  stats: { invalidMessages: number };
  host: AdmissionHost;
}

/** What admission reads of the driver and hands to it. */
export interface AdmissionHost {
  /** False once the driver stopped: messages are ignored. */
  running(): boolean;
  /** The height being decided. */
  height(): number;
  /** The height the machine is at (undefined before the driver started). */
  machineHeight(): number | undefined;
  /** True when the driver holds the block (its transactions are known). */
  holds(blockHash: Hash): boolean;
  /** A precommit for the block just committed ('accept' when the carried commit takes it). */
  latePrecommit(vote: Vote): Validation;
  /** An admitted vote of the height being decided. */
  feedVote(vote: Vote): void;
  /** An admitted proposal of the height being decided, its block validated once. */
  acceptProposal(p: Proposal, msg: ProposalMessage): Validation;
}

interface Buffered {
  topic: 'vote' | 'proposal';
  bytes: Uint8Array;
  from: string;
}

/** Checks gossip messages and routes them; holds what was fed at this height and what waits for the next. */
export class MessageAdmission {
  /** Votes and proposals already fed at this height (a re-sent copy is not forwarded again). */
  private seen = new Set<string>();
  private future: Buffered[] = [];

  constructor(
    private readonly opts: { maxBuffered?: number },
    private readonly deps: AdmissionDeps,
  ) {}

  /** A new height starts: nothing of it was fed yet. */
  newHeight(): void {
    this.seen = new Set();
  }

  /** Feeds the messages kept for the height just started (after its `start-height`). */
  replayBuffered(): void {
    const buffered = this.future;
    this.future = [];
    for (const b of buffered) {
      if (b.topic === 'vote') this.vote(b.bytes, b.from);
      else void this.proposal(b.bytes, b.from);
    }
  }

  /** Our own vote, fed directly: a copy from the network is not fed again. */
  markOwnVote(v: Vote): void {
    this.seen.add(voteKey(v));
  }

  /** Our own proposal, fed directly: a copy from the network is not fed again. */
  markOwnProposal(p: Pick<Proposal, 'round' | 'blockHash'>): void {
    this.seen.add(proposalKey(p));
  }

  /** A vote from the network. */
  vote(bytes: Uint8Array, from: string): Validation {
    const { host } = this.deps;
    if (!host.running()) return 'ignore';
    const a = sortVote(bytes, this.view());
    switch (a.kind) {
      case 'invalid':
        this.deps.stats.invalidMessages++;
        return 'reject';
      case 'stale':
        return 'ignore';
      case 'late':
        return host.latePrecommit(a.vote);
      case 'ahead':
        this.later({ topic: 'vote', bytes, from }, a.height);
        return 'accept';
      case 'current':
        this.seen.add(voteKey(a.vote));
        host.feedVote(a.vote);
        return 'accept';
    }
  }

  /** A proposal (with its block) from the network. */
  proposal(bytes: Uint8Array, from: string): Validation | Promise<Validation> {
    const { host, preverify } = this.deps;
    if (!host.running()) return 'ignore';
    const a = sortProposal(bytes, this.view());
    if (a.kind === 'invalid') {
      this.deps.stats.invalidMessages++;
      return 'reject';
    }
    if (a.kind === 'stale') return 'ignore';
    if (a.kind === 'ahead') {
      this.later({ topic: 'proposal', bytes, from }, a.height);
      return 'accept';
    }
    const { proposal: p, msg } = a;
    this.seen.add(proposalKey(p));
    if (!host.holds(p.blockHash) && preverify) {
      // Transactions we have not admitted ourselves: check their signatures on the workers first.
      const unadmitted = unadmittedTxs(msg.block, (h) => this.deps.mempool.has(h));
      if (unadmitted.txs.length > 0) {
        return preverify(unadmitted.txs, unadmitted.hashes).then(() => {
          if (!host.running() || p.height !== host.height() || host.machineHeight() !== p.height)
            return 'ignore';
          return host.acceptProposal(p, msg);
        });
      }
    }
    return host.acceptProposal(p, msg);
  }

  /** Keeps a message for a height not started yet (the next one at most); a later height means we are behind. */
  private later(b: Buffered, height: number): void {
    const h = this.deps.host.height();
    if (height <= h + 1) {
      if (this.future.length >= (this.opts.maxBuffered ?? 2_000)) this.future.shift();
      this.future.push(b);
    }
    if (height > h) this.deps.onBehind?.(height - 1);
  }

  private view(): SortView {
    const { config, verify, host } = this.deps;
    const height = host.height();
    const machineHeight = host.machineHeight();
    const started = machineHeight !== undefined && machineHeight >= height;
    return { chainId: config.chainId, params: config.params, verify, height, started, seen: this.seen };
  }
}

/** What sorting reads. */
interface SortView {
  chainId: string;
  params: ChainParams;
  verify: VerifyOptions;
  /** The height being decided. */
  height: number;
  /** True once the machine decides `height` (false between a commit and the next height's start). */
  started: boolean;
  /** Votes and proposals already fed at this height (`voteKey`, `proposalKey`). */
  seen: ReadonlySet<string>;
}

/** Where a vote goes. */
type VoteAdmission =
  | { kind: 'invalid' }
  | { kind: 'stale' }
  | { kind: 'late'; vote: Vote }
  | { kind: 'ahead'; height: number }
  | { kind: 'current'; vote: Vote };

/** Where a proposal goes. */
type ProposalAdmission =
  | { kind: 'invalid' }
  | { kind: 'stale' }
  | { kind: 'ahead'; height: number }
  | { kind: 'current'; proposal: Proposal; msg: ProposalMessage };

/** Sorts a vote from the network (gossip bytes). */
function sortVote(bytes: Uint8Array, view: SortView): VoteAdmission {
  let vote: Vote;
  try {
    vote = decodeVote(unwrapGossip(bytes));
  } catch {
    return { kind: 'invalid' };
  }
  if (vote.height < view.height - 1) return { kind: 'stale' };
  if (!verifyVote(view.chainId, vote, view.verify)) return { kind: 'invalid' };
  if (vote.height === view.height - 1) return { kind: 'late', vote };
  if (vote.height === view.height && view.seen.has(voteKey(vote))) return { kind: 'stale' };
  if (vote.height > view.height || !view.started) return { kind: 'ahead', height: vote.height };
  return { kind: 'current', vote };
}

/** Sorts a proposal (with its block) from the network (gossip bytes). */
function sortProposal(bytes: Uint8Array, view: SortView): ProposalAdmission {
  let msg: ProposalMessage;
  try {
    msg = decodeProposalMessage(unwrapGossip(bytes), view.params);
  } catch {
    return { kind: 'invalid' };
  }
  const p = msg.proposal;
  if (p.height < view.height) return { kind: 'stale' };
  if (
    !verifyProposal(view.chainId, p, view.verify) ||
    msg.block.hash !== p.blockHash ||
    msg.block.block.header.height !== p.height
  )
    return { kind: 'invalid' };
  if (p.height > view.height || !view.started) return { kind: 'ahead', height: p.height };
  if (view.seen.has(proposalKey(p))) return { kind: 'stale' };
  return { kind: 'current', proposal: p, msg };
}

/**
 * A precommit for the block just committed that arrived after the decision: the commit with it added
 * (our next proposal carries it, so a validator that signed in time is not counted as missing), or
 * null when it is not such a precommit or the commit already holds its validator.
 */
export function withLatePrecommit(
  c: Commit | null,
  vote: Vote,
  validators: () => ValidatorPower[],
): Commit | null {
  if (
    !c ||
    vote.type !== 'precommit' ||
    vote.height !== c.height ||
    vote.round !== c.round ||
    vote.blockHash !== c.blockHash
  )
    return null;
  if (c.signatures.some((s) => s.validator === vote.validator)) return null;
  if (!validators().some((v) => v.address === vote.validator)) return null;
  return makeCommit([...commitVotes(c), vote]);
}

/** A proposed block's transactions this node has not admitted itself (to check on the workers first). */
function unadmittedTxs(
  block: DecodedBlock,
  admitted: (hash: Hash) => boolean,
): { txs: Uint8Array[]; hashes: Hash[] } {
  const idx = block.txBytes.map((_, i) => i).filter((i) => !admitted(block.txHashes[i] as Hash));
  return {
    txs: idx.map((i) => block.txBytes[i] as Uint8Array),
    hashes: idx.map((i) => block.txHashes[i] as Hash),
  };
}

/** The key of a vote in the `seen` set. */
function voteKey(v: Vote): string {
  return `${v.validator}:${v.height}:${v.round}:${v.type}:${v.blockHash ?? 'nil'}`;
}

/** The key of a proposal in the `seen` set. */
function proposalKey(p: Pick<Proposal, 'round' | 'blockHash'>): string {
  return `p:${p.round}:${p.blockHash}`;
}
