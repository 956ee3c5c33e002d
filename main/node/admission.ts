/**
 * Admitting votes and proposals from gossip. Each message is decoded with limits and sorted, cheapest
 * check first, into:
 * - invalid (rejected, so the relaying peer is penalized, and counted): undecodable; signed by a key
 *   outside the validator set of its height (the current and the next epoch's sets are known); a bad
 *   signature; a proposal whose block does not decode or does not hash to the block hash its proposer
 *   signed;
 * - stale, already fed, or for a height whose set is not known yet signed by a key outside the latest
 *   known set (ignored: a node far behind cannot tell, and must not ban the honest peers relaying it);
 * - late: a precommit for the block just committed;
 * - beyond: a validator's message for a height whose set is not known yet, or a proposal past the next
 *   height: ignored (not relayed, not kept); the syncer hears a peer is ahead;
 * - ahead: kept for the next height (in a buffer capped in messages and bytes) and relayed; the
 *   syncer hears a peer is ahead;
 * - current: fed to the machine (a proposal's unseen transactions are checked on the workers first).
 *
 * Nothing is relayed, kept or decoded past its proposal before the signer is known to be a validator
 * and its signature verified: a host with a throwaway key gets every message rejected (and is banned
 * by the network's scores) and costs each node one signature check per message at most.
 */
import { type Commit, type DecodedBlock, commitVotes, makeCommit } from '../chain/block';
import type { ChainConfig, ChainParams } from '../chain/params';
import type { VerifyOptions } from '../chain/tx/signing';
import type { Address, Hash, Proposal, ValidatorPower, Vote } from '../chain/types';
import { decodeVote, verifyProposal, verifyVote } from '../chain/vote';
import type { Validation } from '../p2p/types';
import { FutureMessages } from './future-messages';
import type { Mempool } from './mempool';
import {
  decodeProposalBlock,
  type decodeProposalMessage,
  splitProposalMessage,
  unwrapGossip,
} from './messages';

/** A decoded proposal message: the proposal and the block it carries. */
export type ProposalMessage = ReturnType<typeof decodeProposalMessage>;

/** Limits of the buffer of messages kept for the next height. */
export interface AdmissionOptions {
  /** Most messages kept for the next height (default 2,000). */
  maxBuffered?: number;
  /** Most bytes of messages kept for the next height (default 48 MiB). */
  maxBufferedBytes?: number;
}

/** Default `maxBufferedBytes`: a few full proposals and every vote of a round. */
export const DEFAULT_MAX_BUFFERED_BYTES = 48 * 1024 * 1024;

/** What admission uses; `host` is the driver's side (its height, machine and blocks). */
export interface AdmissionDeps {
  config: ChainConfig;
  verify: VerifyOptions;
  /** The validator sets already stored (the current epoch's and the next one's). */
  sets: { known(height: number): ValidatorPower[] | null };
  /** Transactions admitted to the mempool need no check on the workers. */
  mempool: Pick<Mempool, 'has'>;
  /** Checks transaction signatures off the main thread (a proposal's txs we have not seen). */
  preverify: ((txs: readonly Uint8Array[], hashes?: readonly Hash[]) => Promise<void>) | undefined;
  /** Called when a validator's message shows a peer is ahead of us (the syncer listens). */
  onBehind: ((peerHeight: number) => void) | undefined;
  /**
   * The driver's counters: `invalidMessages` counts rejected messages, `proposalBlocksDecoded` the
   * proposed blocks decoded from gossip.
   */
  stats: { invalidMessages: number; proposalBlocksDecoded: number };
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

/** Checks gossip messages and routes them; holds what was fed at this height and what waits for the next. */
export class MessageAdmission {
  /** Votes and proposals already fed at this height (a re-sent copy is not forwarded again). */
  private seen = new Set<string>();
  private readonly future: FutureMessages;

  constructor(
    opts: AdmissionOptions,
    private readonly deps: AdmissionDeps,
  ) {
    this.future = new FutureMessages({
      maxMessages: opts.maxBuffered ?? 2_000,
      maxBytes: opts.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES,
    });
  }

  /** What the buffer for the next height holds (messages and bytes). */
  buffered(): { messages: number; bytes: number } {
    return { messages: this.future.size, bytes: this.future.bytes };
  }

  /** A new height starts: nothing of it was fed yet. */
  newHeight(): void {
    this.seen = new Set();
  }

  /** Feeds the messages kept for the height just started (after its `start-height`). */
  replayBuffered(): void {
    for (const b of this.future.takeAll()) {
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
      case 'beyond':
        this.deps.onBehind?.(a.height - 1);
        return 'ignore';
      case 'late':
        return host.latePrecommit(a.vote);
      case 'ahead':
        this.later(`v:${a.height}:${voteKey(a.vote)}`, { topic: 'vote', bytes, from }, a.height);
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
    if (a.kind === 'beyond') {
      this.deps.onBehind?.(a.height - 1);
      return 'ignore';
    }
    if (a.kind === 'ahead') {
      const key = `p:${a.height}:${a.proposal.proposer}:${proposalKey(a.proposal)}`;
      this.later(key, { topic: 'proposal', bytes, from }, a.height);
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

  /**
   * Keeps a validator's message for a height not started yet (the next one at most; `key` names it
   * without its gossip sequence, so re-sent copies are kept once); a later height means we are behind.
   */
  private later(
    key: string,
    b: { topic: 'vote' | 'proposal'; bytes: Uint8Array; from: string },
    height: number,
  ): void {
    const h = this.deps.host.height();
    if (height <= h + 1) this.future.add(key, b);
    if (height > h) this.deps.onBehind?.(height - 1);
  }

  private view(): SortView {
    const { config, verify, host, sets, stats } = this.deps;
    const height = host.height();
    const machineHeight = host.machineHeight();
    const started = machineHeight !== undefined && machineHeight >= height;
    return {
      chainId: config.chainId,
      params: config.params,
      verify,
      height,
      started,
      seen: this.seen,
      sets,
      counted: () => {
        stats.proposalBlocksDecoded++;
      },
    };
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
  sets: AdmissionDeps['sets'];
  /** Counts a proposed block about to be decoded. */
  counted(): void;
}

/** Where a vote goes. */
type VoteAdmission =
  | { kind: 'invalid' }
  | { kind: 'stale' }
  | { kind: 'late'; vote: Vote }
  | { kind: 'beyond'; height: number }
  | { kind: 'ahead'; height: number; vote: Vote }
  | { kind: 'current'; vote: Vote };

/** Where a proposal goes. */
type ProposalAdmission =
  | { kind: 'invalid' }
  | { kind: 'stale' }
  | { kind: 'beyond'; height: number }
  | { kind: 'ahead'; height: number; proposal: Proposal }
  | { kind: 'current'; proposal: Proposal; msg: ProposalMessage };

/**
 * Whether `signer` may sign at `height`: 'yes' when it is in the set deciding that height, 'no' when
 * it is not. When that set is not known yet (we are an epoch or more behind): 'beyond' when the signer
 * is in the latest set we know (the current or the next epoch's), so its message says we are behind,
 * else 'unknown'. Neither is relayed or kept; an unknown signer is not the relaying peer's fault (the
 * sets may have changed since the head we hold), so it is ignored, not rejected.
 */
function signerAt(signer: Address, height: number, view: SortView): 'yes' | 'no' | 'beyond' | 'unknown' {
  const set = view.sets.known(height);
  if (set) return set.some((v) => v.address === signer) ? 'yes' : 'no';
  const latest = view.sets.known(view.height + view.params.epochLengthBlocks) ?? view.sets.known(view.height);
  return latest?.some((v) => v.address === signer) ? 'beyond' : 'unknown';
}

/** Sorts a vote from the network (gossip bytes): cheap checks first, the signature before any use. */
function sortVote(bytes: Uint8Array, view: SortView): VoteAdmission {
  let vote: Vote;
  try {
    vote = decodeVote(unwrapGossip(bytes));
  } catch {
    return { kind: 'invalid' };
  }
  if (vote.height < view.height - 1) return { kind: 'stale' };
  const signer = signerAt(vote.validator, vote.height, view);
  if (signer === 'no') return { kind: 'invalid' };
  if (signer === 'unknown') return { kind: 'stale' };
  if (!verifyVote(view.chainId, vote, view.verify)) return { kind: 'invalid' };
  if (signer === 'beyond') return { kind: 'beyond', height: vote.height };
  if (vote.height === view.height - 1) return { kind: 'late', vote };
  if (vote.height === view.height && view.seen.has(voteKey(vote))) return { kind: 'stale' };
  if (vote.height > view.height || !view.started) return { kind: 'ahead', height: vote.height, vote };
  return { kind: 'current', vote };
}

/**
 * Sorts a proposal (with its block) from the network (gossip bytes). The block is decoded only after
 * the proposal's signer is known to be a validator and its signature (over the proposal, which names
 * the block hash) verifies, and only for a height this node may keep it for; the decoded block must
 * then hash to what was signed.
 */
function sortProposal(bytes: Uint8Array, view: SortView): ProposalAdmission {
  let split: { proposal: Proposal; blockBytes: Uint8Array };
  try {
    split = splitProposalMessage(unwrapGossip(bytes));
  } catch {
    return { kind: 'invalid' };
  }
  const p = split.proposal;
  if (p.height < view.height) return { kind: 'stale' };
  const signer = signerAt(p.proposer, p.height, view);
  if (signer === 'no') return { kind: 'invalid' };
  if (signer === 'unknown') return { kind: 'stale' };
  if (!verifyProposal(view.chainId, p, view.verify)) return { kind: 'invalid' };
  // A height past the next one is not kept: it only tells the syncer we are behind.
  if (signer === 'beyond' || p.height > view.height + 1) return { kind: 'beyond', height: p.height };
  if (p.height === view.height && view.started && view.seen.has(proposalKey(p))) return { kind: 'stale' };
  let block: DecodedBlock;
  try {
    view.counted();
    block = decodeProposalBlock(split.blockBytes, view.params);
  } catch {
    return { kind: 'invalid' };
  }
  if (block.hash !== p.blockHash || block.block.header.height !== p.height) return { kind: 'invalid' };
  if (p.height > view.height || !view.started) return { kind: 'ahead', height: p.height, proposal: p };
  return { kind: 'current', proposal: p, msg: { proposal: p, block, blockBytes: split.blockBytes } };
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
