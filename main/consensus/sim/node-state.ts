/**
 * What a simulated node holds and what its handlers may do with it: `SimNodeState` is the node as
 * `node-actions.ts`, `receive.ts`, `gossip.ts` and `byzantine.ts` see it (`SimNode` in `node.ts`
 * implements it), and `SimNodeDeps` is what a node uses of the run it is part of.
 */
import type { DoubleProposalEvidence } from '../../chain/proposal-evidence';
import type { Address, Hash, ValidatorPower, Vote } from '../../chain/types';
import type { DoubleVoteEvidence, VoteSet } from '../evidence';
import type { CommitInfo, MachineAction, MachineInput, MachineState, TimeoutParams } from '../machine';
import type { SignerRecord } from '../signer';
import type { SimApp } from './app';
import type { InvariantChecks } from './invariants';
import type { ProposalMessage, SimMessage, SimNetwork } from './network';
import type { SimConsensusCrypto } from './options';
import type { Prng } from '../../common/prng';
import type { EventQueue } from './queue';
import type { SimStats } from './report';

/** What a node (and its handlers) uses of the run it is part of. */
export interface SimNodeDeps<S, B> {
  readonly queue: EventQueue;
  readonly rng: Prng;
  readonly crypto: SimConsensusCrypto;
  readonly app: SimApp<S, B>;
  readonly validators: ValidatorPower[];
  readonly proposer: (height: number, round: number) => Address;
  readonly timeouts: TimeoutParams;
  readonly gossipMs: number;
  readonly targetHeight: number;
  readonly stats: SimStats;
  readonly network: SimNetwork<B>;
  /** Ground truth the Byzantine nodes and the vote checks add to. */
  readonly checks: InvariantChecks<S, B>;
  /** Conflicting proposals of Byzantine proposers: `${height}:${round}` → [block of group 0, block of group 1]. */
  readonly coalition: Map<string, [Hash, Hash]>;
  /** Every node, by index. */
  readonly nodes: readonly SimNodeState<S, B>[];
  /** The node index of a validator address, -1 for none. */
  indexOf(address: Address): number;
  /** Checks a commit against what other honest nodes committed at that height. */
  recordCommit(node: SimNodeState<S, B>, height: number, hash: Hash, root: Hash): void;
}

/** One simulated validator as its handlers see it. */
export interface SimNodeState<S, B> {
  readonly sim: SimNodeDeps<S, B>;
  readonly index: number;
  readonly address: Address;
  readonly secretKey: Uint8Array;
  readonly byzantine: boolean;
  /** The height being decided: one above the last committed block. */
  readonly height: number;
  // Persisted: survives a crash.
  signer: SignerRecord | null;
  lastVote: Vote | null;
  chain: { block: B; commit: CommitInfo }[];
  // Memory: lost on a crash.
  up: boolean;
  incarnation: number;
  machine: MachineState;
  states: S[];
  blocks: Map<Hash, { block: B; valid: boolean }>;
  proposalMsgs: Map<number, ProposalMessage<B>>;
  detector: Map<number, VoteSet>;
  pending: Map<string, DoubleVoteEvidence>;
  /** Double proposals seen, for the next block this node proposes (lost on a crash). */
  pendingProposals: Map<string, DoubleProposalEvidence>;
  lastCatchup: Map<number, { height: number; atMs: number }>;
  crashAtNextVote: boolean;
  /** Virtual time this node entered its current height. */
  heightStartedMs: number;
  /** The height the evidence anti-entropy of the gossip sends next. */
  sweep: number;
  /** Byzantine only: both versions of its votes per height, with the group each went to. */
  byzVotes: { vote: Vote; group: 0 | 1 }[];

  /** Loses memory; persisted signer state and committed blocks survive. */
  crash(): void;
  /** Enters the height after the last committed one, then handles what was buffered for it. */
  startHeight(): void;
  /** Feeds one input and executes the resulting actions (and those they cause) in order. */
  feed(input: MachineInput): void;
  /** Steps the machine and appends its actions to `queue` (run by the `feed` in progress). */
  stepInto(input: MachineInput, queue: MachineAction[]): void;
  /** Whether this node deviates from the protocol at `height`: Byzantine nodes do, below the target height. */
  misbehaving(height: number): boolean;
  /**
   * Records a verified vote: double-vote detection over recent heights, relay, and the machine
   * (through `queue` while a `feed` runs, else through a new `feed`).
   */
  acceptVote(v: Vote, from: number, queue: MachineAction[] | null): void;
  /** Keeps a message for the next height (bounded; gossip re-sends what falls out). */
  buffer(from: number, msg: SimMessage<B>): void;
  /** Adds evidence to the pool for the next block this node proposes, unless pending or committed already. */
  addEvidence(e: DoubleVoteEvidence): void;
}
