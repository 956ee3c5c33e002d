/**
 * `ConsensusDriver`: runs the pure Tendermint reducer (`main/consensus/machine.ts`) with real time,
 * the network and the ledger store. It owns the height and round loop and delegates:
 *
 * - Time: each `schedule-timeout` action becomes a timer that feeds `timeout` back.
 * - Network: votes and proposals are admitted by `admission.ts` before they reach the machine, are
 *   relayed or are kept for the next height: the signer must be in the validator set of the message's
 *   height (known for this epoch and the next) and its signature verify, and a proposal's block is
 *   decoded only after that; messages for the next height wait in a buffer capped in messages and
 *   bytes (`future-messages.ts`). A proposal's block is validated by applying it (`applyBlock`,
 *   `block-entry.ts`) to the committed state, and the result is kept so the commit does not apply it twice.
 * - Proposals: `request-block` builds a block from the mempool and pending evidence within the block
 *   limits (`block-builder.ts`); a transaction the chain refuses at build time is dropped from the mempool.
 * - Signing: before a proposal or vote leaves, the signer record (height, round, step, value) is
 *   written durably (`ledger.db`, synchronous=FULL) and checked with `checkSign` (`signer-guard.ts`),
 *   so a crash never makes the node sign two different values at one position. Own messages are
 *   sent again until the height is decided (`own-gossip.ts`).
 * - Commit: the block, its commit and its write-set go to the store in one transaction
 *   (`commit-block.ts`); reputation and epoch validator sets change inside `applyBlock` through the
 *   consensus hooks; the mempool is re-checked; the next height starts after the genesis `commitMs` pause.
 * - Double votes and proposals the machine sees become evidence in own proposals (`evidence-pool.ts`).
 * - Sync (`sync.ts`) hands in finalized blocks with their commits through `applySynced`.
 */
import {
  type Commit,
  type DecodedBlock,
  commitVotes,
  decodeBlock,
  decodeCommit,
  makeCommit,
} from '../chain/block';
import type { ChainConfig } from '../chain/params';
import type { ConsensusHooks } from '../chain/state/consensus-hooks';
import type { ApplyContext } from '../chain/state/apply-context';
import type { VerifyOptions } from '../chain/tx/signing';
import type { Address, Hash, Proposal, ValidatorPower, Vote } from '../chain/types';
import { type DoubleVoteEvidence, encodeProposal, encodeVote, signProposal, signVote } from '../chain/vote';
import { privateKeyToAddress } from '../chain/keys';
import {
  type CommitInfo,
  type MachineAction,
  type MachineInput,
  type MachineState,
  type UnsignedProposal,
  type UnsignedVote,
  initialState,
  step,
} from '../consensus/machine';
import { resumeFrom } from '../consensus/signer';
import type { NodeNetwork, P2pLog, Validation } from '../p2p/types';
import { MessageAdmission, type ProposalMessage, withLatePrecommit } from './admission';
import { type BlockBuilderDeps, buildProposalBlock } from './block-builder';
import { type BlockEntry, validateBlock } from './block-entry';
import {
  type CommitDeps,
  type CommittedBlock,
  announceBlock,
  decodeSynced,
  storeBlock,
  verifySynced,
} from './commit-block';
import { NodeError } from './errors';
import { EvidencePool } from './evidence-pool';
import type { LedgerStore } from './ledger-store';
import type { Mempool } from './mempool';
import { type SyncItem, encodeProposalMessage } from './messages';
import { OwnGossip } from './own-gossip';
import { SignerGuard } from './signer-guard';
import { ValidatorSets } from './validator-sets';

/** Options of the driver. */
export interface DriverOptions {
  /** The validator's private key, or null for an observer that follows without voting. */
  privateKey: Uint8Array | null;
  /** Votes and proposals further ahead than this many rounds are ignored (default 50). */
  maxRoundsAhead?: number;
  /** Most transactions per proposed block (default: the genesis `maxBlockTxs`). */
  maxBlockTxs?: number;
  /** Most bytes of transactions per proposed block (default: min(genesis maxBlockBytes, 3.5 MiB) so a proposal fits its gossip topic). */
  maxBlockBytes?: number;
  /** Messages buffered for the next height (default 2,000). */
  maxBuffered?: number;
  /** Bytes of messages buffered for the next height (default 48 MiB, `DEFAULT_MAX_BUFFERED_BYTES`). */
  maxBufferedBytes?: number;
  /** How often own votes and proposals of the undecided height are sent again, ms (default 1,000). */
  regossipMs?: number;
}

/** What the driver uses. */
export interface DriverDeps {
  store: LedgerStore;
  mempool: Mempool;
  network: NodeNetwork;
  config: ChainConfig;
  /** Verifier and verified-signature cache (shared with the mempool). */
  verify: VerifyOptions;
  hooks: ConsensusHooks;
  now: () => number;
  log: P2pLog;
  /** Called after each block is stored. */
  onCommit?: (block: CommittedBlock) => void;
  /** Called when a message shows a peer is ahead of us (the syncer listens). */
  onBehind?: (peerHeight: number) => void;
  /** Checks transaction signatures off the main thread (a proposal's txs we have not seen). */
  preverify?: (txs: readonly Uint8Array[], hashes?: readonly Hash[]) => Promise<void>;
}

/**
 * @example
 * const driver = new ConsensusDriver({ privateKey }, { store, mempool, network, config, verify, hooks, now: Date.now, log });
 * await driver.start();
 */
export class ConsensusDriver {
  /** The height being decided (committed height + 1). */
  private heightValue = 0;
  /** True while `applySyncedBatch` runs (heights start only once the batch is stored). */
  private syncBatching = false;
  private machine: MachineState | undefined;
  private blocks = new Map<Hash, BlockEntry>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private running = false;
  private lastCommit: Commit | null = null;
  private starting: NodeJS.Timeout | undefined;
  private regossip: NodeJS.Timeout | undefined;
  readonly address: Address | null;
  /** Counters for the status and the benchmark. */
  readonly stats = {
    proposals: 0,
    votesSigned: 0,
    signerRefusals: 0,
    invalidMessages: 0,
    blocksBuilt: 0,
    txsDroppedAtBuild: 0,
    evidenceSeen: 0,
    proposalBlocksDecoded: 0,
  };
  private readonly ctx: ApplyContext;
  private readonly sets: ValidatorSets;
  private readonly evidence: EvidencePool;
  private readonly signer: SignerGuard;
  /** Own signed votes and proposal messages of the height being decided, for re-sending. */
  private readonly gossip: OwnGossip;
  private readonly building: BlockBuilderDeps;
  private readonly committing: CommitDeps;
  private readonly admission: MessageAdmission;

  constructor(
    private readonly opts: DriverOptions,
    private readonly deps: DriverDeps,
  ) {
    this.address = opts.privateKey ? privateKeyToAddress(opts.privateKey) : null;
    const { store, mempool, config, now, log } = deps;
    this.ctx = { config, verify: deps.verify, hooks: deps.hooks };
    this.sets = new ValidatorSets({ store, params: config.params });
    this.evidence = new EvidencePool({ store, log, stats: this.stats });
    this.signer = new SignerGuard({ store, log, stats: this.stats });
    this.gossip = new OwnGossip({ network: deps.network, log });
    const ctx = this.ctx;
    this.building = {
      store,
      mempool,
      config,
      ctx,
      evidence: this.evidence,
      limits: opts,
      now,
      log,
      stats: this.stats,
    };
    this.admission = new MessageAdmission(opts, {
      config,
      verify: deps.verify,
      sets: this.sets,
      mempool,
      preverify: deps.preverify,
      onBehind: deps.onBehind,
      stats: this.stats,
      host: {
        running: () => this.running,
        height: () => this.heightValue,
        machineHeight: () => this.machine?.height,
        holds: (hash) => this.blocks.has(hash),
        latePrecommit: (vote) => this.latePrecommit(vote),
        feedVote: (vote) => this.feed({ kind: 'vote', vote }),
        acceptProposal: (p, msg) => this.acceptProposal(p, msg),
      },
    });
    this.committing = {
      store,
      mempool,
      config,
      ctx,
      evidence: this.evidence,
      now,
      log,
      onCommit: deps.onCommit,
    };
  }

  /** The height being decided. */
  get height(): number {
    return this.heightValue;
  }

  /** The last committed height. */
  get committedHeight(): number {
    return this.heightValue - 1;
  }

  /** The machine's current position. */
  position(): { height: number; round: number; step: string } {
    return {
      height: this.heightValue,
      round: this.machine?.round ?? 0,
      step: this.machine?.step ?? 'commit',
    };
  }

  /** What waits in the buffer for the next height (messages and bytes). */
  buffered(): { messages: number; bytes: number } {
    return this.admission.buffered();
  }

  /** Double-vote evidence waiting to be committed. */
  pendingEvidence(): DoubleVoteEvidence[] {
    return this.evidence.list();
  }

  /** The validator set deciding `height` (from the committed state). */
  validatorsAt(height: number): ValidatorPower[] {
    return this.sets.at(height);
  }

  /** Starts following the chain from the store's head: registers network handlers and starts the next height. */
  async start(): Promise<void> {
    const { network, store } = this.deps;
    this.signer.load();
    const meta = store.chainMeta();
    this.heightValue = meta.height + 1;
    const last = meta.height > 0 ? store.blockAt(meta.height) : null;
    this.lastCommit = last ? this.decodeCommit(last.commit) : null;
    this.machine = initialState({
      self: this.address,
      timeouts: this.deps.config.params.timeouts,
      proposer: (h, r) => this.sets.proposer(h, r),
      maxRoundsAhead: this.opts.maxRoundsAhead ?? 50,
    });
    network.onMessage('vote', async (bytes, from) => this.onVote(bytes, from));
    network.onMessage('proposal', async (bytes, from) => this.onProposal(bytes, from));
    this.running = true;
    this.regossip = setInterval(() => this.resend(), this.opts.regossipMs ?? 1_000);
    this.regossip.unref();
    this.startHeight();
    // A vote signed just before a crash may never have left: send it again (same signature).
    const vote = this.address ? this.signer.lastVote(this.heightValue, this.address) : null;
    if (vote) {
      const bytes = encodeVote(vote);
      this.gossip.keepVote(vote.round, bytes);
      this.admission.markOwnVote(vote);
      this.gossip.publish('vote', bytes);
      this.feed({ kind: 'vote', vote });
    }
  }

  /** Stops timers; handlers ignore messages afterwards. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.starting);
    clearInterval(this.regossip);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private decodeCommit(bytes: Uint8Array): Commit {
    return decodeCommit(bytes, this.deps.config.params);
  }

  // ---------------------------------------------------------------- heights

  private startHeight(): void {
    if (!this.running || !this.machine) return;
    const h = this.heightValue;
    if (this.machine.height >= h) return;
    this.blocks = new Map();
    this.gossip.reset();
    this.admission.newHeight();
    this.restoreSignerBlock(h);
    const lastCommit: CommitInfo | null = this.lastCommit
      ? {
          height: this.lastCommit.height,
          round: this.lastCommit.round,
          blockHash: this.lastCommit.blockHash,
          precommits: commitVotes(this.lastCommit),
        }
      : null;
    const resume = resumeFrom(this.signer.record, h);
    this.feed({
      kind: 'start-height',
      height: h,
      validators: this.validatorsAt(h),
      lastCommit,
      ...(resume ? { resume } : {}),
    });
    this.admission.replayBuffered();
  }

  /**
   * After a restart inside a height: the block this node proposed or locked on before the crash,
   * so it can re-propose it (a lock on a block nobody holds would stall the height).
   */
  private restoreSignerBlock(h: number): void {
    const saved = this.signer.savedBlock(h);
    if (!saved) return;
    try {
      const d = decodeBlock(saved.block, this.deps.config.params);
      if (d.hash !== saved.hash || d.block.header.height !== h) return;
      const entry = this.validate(d, saved.block);
      if (entry.valid) this.blocks.set(entry.hash, entry);
    } catch (err) {
      this.deps.log.warn(
        { height: h, err: (err as Error).message },
        'the block saved with the signer record cannot be used',
      );
    }
  }

  /** Feeds one input and executes the actions (and those they cause) in order. */
  private feed(input: MachineInput): void {
    const queue: MachineAction[] = [];
    this.stepInto(input, queue);
    while (queue.length > 0 && this.running) this.exec(queue.shift() as MachineAction, queue);
  }

  private stepInto(input: MachineInput, queue: MachineAction[]): void {
    if (!this.machine) return;
    const r = step(this.machine, input);
    this.machine = r.state;
    queue.push(...r.actions);
  }

  // ---------------------------------------------------------------- actions

  private exec(a: MachineAction, queue: MachineAction[]): void {
    switch (a.kind) {
      case 'schedule-timeout': {
        const t = setTimeout(() => {
          this.timers.delete(t);
          if (this.running) this.feed({ kind: 'timeout', step: a.step, height: a.height, round: a.round });
        }, a.durationMs);
        this.timers.add(t);
        return;
      }
      case 'request-block': {
        const entry = this.buildOwnBlock(a.height, a.round, a.lastCommit);
        if (entry)
          this.stepInto(
            { kind: 'own-block', height: a.height, round: a.round, blockHash: entry.hash },
            queue,
          );
        return;
      }
      case 'propose':
        this.propose(a.proposal);
        return;
      case 'vote':
        this.vote(a.vote, queue);
        return;
      case 'commit':
        this.commitDecided(a.commit);
        return;
      case 'evidence':
        this.evidence.add(a.evidence);
        return;
      case 'proposal-evidence':
        this.evidence.addProposal(a.evidence);
        return;
    }
  }

  /** Signs our proposal (signer record first) and publishes it with its block. */
  private propose(p: UnsignedProposal): void {
    const entry = this.blocks.get(p.blockHash);
    if (!entry || !this.opts.privateKey) return;
    const sig = this.signer.sign(
      { height: p.height, round: p.round, step: 'propose', blockHash: p.blockHash },
      () => signProposal(this.deps.config.chainId, p, this.opts.privateKey as Uint8Array).signature,
      entry,
    );
    if (!sig) return;
    const signed: Proposal = { ...p, signature: sig as Proposal['signature'] };
    this.stats.proposals++;
    const msg = encodeProposalMessage(encodeProposal(signed), entry.bytes);
    this.gossip.keepProposal(p.round, msg);
    this.admission.markOwnProposal(p);
    this.gossip.publish('proposal', msg);
  }

  /** Signs our vote (signer record first), publishes it and feeds it to the machine. */
  private vote(v: UnsignedVote, queue: MachineAction[]): void {
    if (!this.opts.privateKey) return;
    // A precommit for a block locks us on it: keep the block with the signer record.
    const locked = v.type === 'precommit' && v.blockHash !== null ? this.blocks.get(v.blockHash) : undefined;
    const sig = this.signer.sign(
      { height: v.height, round: v.round, step: v.type, blockHash: v.blockHash },
      () => signVote(this.deps.config.chainId, v, this.opts.privateKey as Uint8Array).signature,
      locked,
    );
    if (!sig) return;
    const signed: Vote = { ...v, signature: sig as Vote['signature'] };
    this.stats.votesSigned++;
    const bytes = encodeVote(signed);
    this.gossip.keepVote(signed.round, bytes);
    this.admission.markOwnVote(signed);
    this.gossip.publish('vote', bytes);
    this.stepInto({ kind: 'vote', vote: signed }, queue);
  }

  /** Stores the block the machine decided (or asks sync for it when this node does not hold it). */
  private commitDecided(c: CommitInfo): void {
    const entry = this.blocks.get(c.blockHash);
    if (!entry) {
      this.deps.log.error(
        { height: c.height, hash: c.blockHash },
        'decided a block this node does not hold; waiting for sync',
      );
      this.deps.onBehind?.(c.height);
      return;
    }
    this.persist(entry, makeCommit(c.precommits), false);
  }

  /**
   * Sends our votes of the last two rounds and our proposal of the current round again: a peer that
   * connected late or lost a message still gets them (Tendermint's liveness needs eventual delivery).
   */
  private resend(): void {
    if (
      !this.running ||
      !this.machine ||
      this.machine.height !== this.heightValue ||
      this.machine.step === 'commit'
    )
      return;
    this.gossip.resend(this.machine.round);
  }

  /** Our block for `request-block`: the locked one if we hold it, else a new one from the mempool. */
  private buildOwnBlock(height: number, round: number, last: CommitInfo | null): BlockEntry | null {
    // Locked on a block (e.g. restored after a crash): propose it again rather than a new one we could not prevote.
    const lockedHash = this.machine?.lockedHash ?? null;
    const locked = lockedHash ? this.blocks.get(lockedHash) : undefined;
    if (locked?.valid) return locked;
    // The machine's commit holds the precommits seen at the decision; ours may have more since.
    const lastCommit =
      this.lastCommit &&
      last &&
      this.lastCommit.height === last.height &&
      this.lastCommit.blockHash === last.blockHash
        ? this.lastCommit
        : last
          ? makeCommit(last.precommits)
          : null;
    const entry = buildProposalBlock(
      { height, round, proposer: this.address as Address, lastCommit },
      this.building,
    );
    if (!entry) return null;
    this.blocks.set(entry.hash, entry);
    this.stats.blocksBuilt++;
    return entry;
  }

  // ---------------------------------------------------------------- messages

  /** A vote from the network. */
  onVote(bytes: Uint8Array, from: string): Validation {
    return this.admission.vote(bytes, from);
  }

  /** A proposal (with its block) from the network. */
  onProposal(bytes: Uint8Array, from: string): Validation | Promise<Validation> {
    return this.admission.proposal(bytes, from);
  }

  /**
   * A precommit for the block just committed that arrived after the decision: added to the commit
   * our next proposal carries, so a validator that signed in time is not counted as missing.
   */
  private latePrecommit(vote: Vote): Validation {
    const commit = withLatePrecommit(this.lastCommit, vote, () => this.validatorsAt(vote.height));
    if (!commit) return 'ignore';
    this.lastCommit = commit;
    return 'accept';
  }

  private acceptProposal(p: Proposal, msg: ProposalMessage): Validation {
    let entry = this.blocks.get(p.blockHash);
    if (!entry) {
      entry = this.validate(msg.block, msg.blockBytes);
      this.blocks.set(entry.hash, entry);
    }
    this.feed({ kind: 'proposal', proposal: p, valid: entry.valid });
    return entry.valid ? 'accept' : 'reject';
  }

  private validate(d: DecodedBlock, bytes: Uint8Array): BlockEntry {
    return validateBlock(d, bytes, { store: this.deps.store, ctx: this.ctx, log: this.deps.log });
  }

  // ---------------------------------------------------------------- commit

  private persist(entry: BlockEntry, commit: Commit, synced: boolean): void {
    const h = entry.block.header;
    const result = storeBlock(entry, commit, this.committing);
    this.lastCommit = commit;
    this.heightValue = h.height + 1;
    this.blocks = new Map();
    announceBlock(entry, result, synced, this.committing);
    if (synced) {
      // Inside a sync batch the next height starts after the batch is on disk: starting it may sign,
      // and the signer record must be durable before any vote leaves.
      if (!this.syncBatching) this.startHeight();
      return;
    }
    const pause = this.deps.config.params.timeouts.commitMs;
    clearTimeout(this.starting);
    this.starting = setTimeout(() => this.startHeight(), pause);
  }

  /**
   * Applies consecutive synced blocks (see `applySynced`) and stores them in one database transaction
   * (one fsync for the batch). Stops at the first block that does not verify: the blocks before it are
   * kept, and its `SYNC_FAILED` is returned as `error`. If the batch cannot be written, nothing of it is
   * kept, the driver goes back to the stored head, and `STORE_FAILED` is thrown.
   */
  applySyncedBatch(items: readonly (Uint8Array | SyncItem)[]): { applied: number; error: Error | null } {
    const { store } = this.deps;
    let applied = 0;
    let error: Error | null = null;
    this.syncBatching = true;
    try {
      store.batch(() => {
        for (const item of items) {
          try {
            if (this.applySynced(item)) applied++;
          } catch (err) {
            error = err as Error;
            return;
          }
        }
      });
    } catch (err) {
      this.syncBatching = false;
      this.resumeFromStore();
      throw err;
    }
    this.syncBatching = false;
    if (applied > 0 && this.running) this.startHeight();
    return { applied, error };
  }

  /** Goes back to the store's head after a failed batch write (height, last commit, pending blocks). */
  private resumeFromStore(): void {
    const meta = this.deps.store.chainMeta();
    this.heightValue = meta.height + 1;
    const last = meta.height > 0 ? this.deps.store.blockAt(meta.height) : null;
    this.lastCommit = last ? this.decodeCommit(last.commit) : null;
    this.blocks = new Map();
    if (this.running) this.startHeight();
  }

  /**
   * Applies a finalized block received by sync (`encodeSyncItem` bytes, or that item already decoded): the commit must be for this
   * block and hold +2/3 valid precommits of the set deciding its height, and the block must apply with
   * the state root its header claims. Returns false when the block is not for the next height (we
   * got it another way meanwhile). Throws `SYNC_FAILED` when it does not verify (nothing is written).
   */
  applySynced(item: Uint8Array | SyncItem): boolean {
    const d = decodeSynced(item, this.deps.config);
    const h = d.block.block.header.height;
    if (h !== this.heightValue) return false;
    try {
      const entry = verifySynced(d, () => this.validatorsAt(h), this.blocks.get(d.block.hash), {
        store: this.deps.store,
        ctx: this.ctx,
        verify: this.deps.verify,
      });
      this.persist(entry, d.commit, true);
      return true;
    } catch (err) {
      if (err instanceof NodeError) throw err;
      throw new NodeError(
        'SYNC_FAILED',
        `synced block ${h} does not verify: ${(err as Error).message}`,
        { height: h },
        { cause: err },
      );
    }
  }
}
