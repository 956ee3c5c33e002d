/**
 * The simulated network: what validators send each other (`SimMessage`) and how it travels. Random
 * delays with late spikes (reordering), drops, a partition that heals, and the Byzantine split of
 * the nodes into two groups that get different versions. Every random draw comes from the run's
 * `Prng`, in the order the sends happen, so a seed replays the same deliveries.
 */
import type { Proposal, Vote } from '../../chain/types';
import type { DoubleVoteEvidence } from '../evidence';
import type { CommitInfo } from '../machine';
import type { NetworkParams } from './options';
import type { Prng } from '../../common/prng';
import type { EventQueue } from './queue';
import type { SimStats } from './report';
import { wanDelay, wanMesh } from './wan';

/** A signed proposal with the block it proposes. */
export interface ProposalMessage<B> {
  kind: 'proposal';
  proposal: Proposal;
  block: B;
}

/** One network message between simulated validators. */
export type SimMessage<B> =
  | { kind: 'vote'; vote: Vote }
  /** A gossip batch (one network message). */
  | { kind: 'votes'; votes: Vote[] }
  | ProposalMessage<B>
  | { kind: 'status'; height: number; round: number }
  /** Catch-up: a committed block, its precommits, and every vote the sender saw at that height. */
  | { kind: 'commit'; block: B; commit: CommitInfo; seen: Vote[] }
  | { kind: 'evidence'; evidence: DoubleVoteEvidence };

/** What the network needs of a node to deliver to it. */
export interface NetworkPeer<B> {
  readonly index: number;
  readonly up: boolean;
  readonly byzantine: boolean;
  receive(from: number, msg: SimMessage<B>): void;
}

/** What the network uses of the run. */
export interface SimNetworkDeps<B> {
  readonly queue: EventQueue;
  readonly rng: Prng;
  readonly stats: SimStats;
  /** Every node, by index. */
  readonly peers: readonly NetworkPeer<B>[];
  /** Sees each vote as it reaches an honest node that is up, before the node handles it. */
  onHonestDelivery(vote: Vote): void;
}

/** Delivery between the simulated nodes, through the virtual clock. */
export class SimNetwork<B> {
  /** Byzantine split: the group (0 or 1) of each node, by index. */
  private groups: (0 | 1)[] = [];
  private partition: { fromMs: number; untilMs: number; side: boolean[] } | null = null;
  /** WAN only: the peers each node relays to (built on first relay). */
  private mesh: number[][] | null = null;

  constructor(
    readonly params: NetworkParams,
    private readonly deps: SimNetworkDeps<B>,
  ) {}

  /** Whether this run has a partition. */
  get partitioned(): boolean {
    return this.partition !== null;
  }

  /** Byzantine nodes split the others into two groups that get different versions. */
  splitGroups(): void {
    const { rng, peers } = this.deps;
    const order = rng.shuffle(peers.map((n) => n.index));
    this.groups = peers.map(() => 0);
    order.forEach((idx, pos) => (this.groups[idx] = (pos % 2) as 0 | 1));
  }

  /** Plans the run's partition (or none); returns the virtual time it heals, 0 without one. */
  planPartition(): number {
    const rng = this.deps.rng;
    if (!rng.chance(this.params.partitionChance) || this.deps.peers.length < 2) return 0;
    const fromMs = rng.int(200, 2_000);
    const untilMs = fromMs + rng.int(300, 3_000);
    const side = this.deps.peers.map(() => rng.chance(0.5));
    this.partition = { fromMs, untilMs, side };
    return untilMs;
  }

  private cutOff(a: number, b: number): boolean {
    const p = this.partition;
    const now = this.deps.queue.nowMs;
    return p !== null && now >= p.fromMs && now < p.untilMs && p.side[a] !== p.side[b];
  }

  /** Sends one message over the simulated network. */
  send(from: number, to: number, msg: SimMessage<B>): void {
    if (from === to) return;
    const { stats } = this.deps;
    stats.messagesSent++;
    const delay = this.cutOff(from, to) ? null : this.delayOf(from, to);
    if (delay === null) {
      stats.messagesDropped++;
      return;
    }
    const target = this.deps.peers[to] as NetworkPeer<B>;
    this.deps.queue.after(delay, () => {
      if (target.up && !target.byzantine) {
        if (msg.kind === 'vote') this.deps.onHonestDelivery(msg.vote);
        else if (msg.kind === 'votes') for (const v of msg.votes) this.deps.onHonestDelivery(v);
      }
      target.receive(from, msg);
    });
  }

  /** A message's delay in ms, or null when it is dropped. */
  private delayOf(from: number, to: number): number | null {
    const { rng } = this.deps;
    const n = this.params;
    if (n.wan !== undefined) return wanDelay(n.wan, from, to, rng);
    if (rng.chance(n.dropChance)) return null;
    return rng.chance(n.spikeChance)
      ? rng.int(n.maxDelayMs, n.spikeMaxDelayMs)
      : rng.int(n.minDelayMs, n.maxDelayMs);
  }

  /** Sends to every other node (except `except`). */
  broadcast(from: number, msg: SimMessage<B>, except = -1): void {
    for (const n of this.deps.peers)
      if (n.index !== from && n.index !== except) this.send(from, n.index, msg);
  }

  /**
   * Passes on another node's message: to every other node, or on a WAN to the sender's mesh peers
   * only (except `except`).
   */
  relay(from: number, msg: SimMessage<B>, except = -1): void {
    const wan = this.params.wan;
    if (wan === undefined) return this.broadcast(from, msg, except);
    this.mesh ??= wanMesh(this.deps.peers.length, wan.meshDegree, this.deps.rng);
    for (const to of this.mesh[from] ?? []) if (to !== except) this.send(from, to, msg);
  }

  /** Byzantine split: sends only to the nodes of one group. */
  sendToGroup(from: number, group: 0 | 1, msg: SimMessage<B>): void {
    for (const n of this.deps.peers)
      if (n.index !== from && this.groups[n.index] === group) this.send(from, n.index, msg);
  }
}
