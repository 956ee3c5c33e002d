/**
 * `ConsensusDriver`: runs the pure Tendermint reducer (`main/consensus/machine.ts`) with real time,
 * the network and the ledger store.
 *
 * - Time: each `schedule-timeout` action becomes a timer that feeds `timeout` back.
 * - Network: votes and proposals are decoded with limits and their signatures verified before they
 *   reach the machine; a proposal's block is validated by applying it (`applyBlock`) to the committed
 *   state, and the result is kept so the commit does not apply it twice.
 * - Proposals: `request-block` builds a block from the mempool and pending evidence within the block
 *   limits (`buildBlock`); a transaction the chain refuses at build time is dropped from the mempool.
 * - Signing: before a proposal or vote leaves, the signer record (height, round, step, value) is
 *   written durably (`ledger.db`, synchronous=FULL) and checked with `checkSign`, so a crash never
 *   makes the node sign two different values at one position.
 * - Commit: the block, its commit and its write-set go to the store in one transaction; reputation
 *   and epoch validator sets change inside `applyBlock` through the consensus hooks; the mempool is
 *   re-checked; the next height starts after the genesis `commitMs` pause.
 * - Double votes the machine sees become evidence that the node's next proposals carry.
 * - Sync (`sync.ts`) hands in finalized blocks with their commits through `applySynced`.
 */
import {
  type Block,
  type Commit,
  type DecodedBlock,
  commitVotes,
  decodeBlock,
  decodeCommit,
  encodeBlock,
  encodeCommit,
  makeCommit,
  verifyCommit,
} from '../chain/block';
import { ChainError } from '../chain/errors';
import { type ChainConfig, epochOf } from '../chain/params';
import type { StateKey } from '../chain/state/store';
import { getValidatorSet } from '../chain/state/access';
import type { ConsensusHooks } from '../chain/state/consensus-hooks';
import { type ApplyResult, applyBlock, buildBlock } from '../chain/state/apply-block';
import type { VerifyOptions } from '../chain/tx/signing';
import type { Address, Hash, Proposal, ValidatorPower, Vote } from '../chain/types';
import {
  type DoubleVoteEvidence,
  decodeVote,
  encodeProposal,
  encodeVote,
  evidenceId,
  makeDoubleVoteEvidence,
  signProposal,
  signVote,
  verifyProposal,
  verifyVote,
} from '../chain/vote';
import { privateKeyToAddress } from '../chain/keys';
import {
  type CommitInfo,
  type MachineAction,
  type MachineInput,
  type MachineState,
  initialState,
  step,
} from '../consensus/machine';
import { ProposerRotation } from '../consensus/proposer';
import { type SignerRecord, type SignStep, checkSign, nextRecord, resumeFrom } from '../consensus/signer';
import type { NodeNetwork, P2pLog, Validation } from '../p2p/types';
import { NodeError } from './errors';
import type { LedgerStore } from './ledger-store';
import type { Mempool } from './mempool';
import {
  decodeProposalMessage,
  type SyncItem,
  decodeSyncItem,
  encodeProposalMessage,
  unwrapGossip,
  wrapGossip,
} from './messages';

/** A block the node committed (for events, the mempool, the benchmark). */
export interface CommittedBlock {
  height: number;
  hash: Hash;
  round: number;
  timeMs: number;
  proposer: Address;
  txHashes: Hash[];
  stateRoot: Hash;
  /** Set when the block came through sync rather than consensus. */
  synced: boolean;
  /** Local time the commit was stored. */
  committedAtMs: number;
}

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

interface BlockEntry {
  block: Block;
  bytes: Uint8Array;
  hash: Hash;
  txBytes: Uint8Array[];
  txHashes: Hash[];
  valid: boolean;
  /** The result of applying it to the state of `height - 1` (kept for the commit). */
  result: ApplyResult | null;
}

interface Buffered {
  topic: 'vote' | 'proposal';
  bytes: Uint8Array;
  from: string;
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
  private readonly rotations = new Map<number, ProposerRotation>();
  private blocks = new Map<Hash, BlockEntry>();
  private future: Buffered[] = [];
  private readonly evidence = new Map<string, DoubleVoteEvidence>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private signer: SignerRecord | null = null;
  private running = false;
  private lastCommit: Commit | null = null;
  private starting: NodeJS.Timeout | undefined;
  private regossip: NodeJS.Timeout | undefined;
  private gossipSeq = BigInt(Date.now()) * 1000n;
  /** Own signed votes and proposal messages of the height being decided, for re-sending. */
  private ownVotes: Array<{ round: number; bytes: Uint8Array }> = [];
  private ownProposals = new Map<number, Uint8Array>();
  /** Votes and proposals already fed at this height (a re-sent copy is not forwarded again). */
  private seen = new Set<string>();
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
  };

  constructor(
    private readonly opts: DriverOptions,
    private readonly deps: DriverDeps,
  ) {
    this.address = opts.privateKey ? privateKeyToAddress(opts.privateKey) : null;
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

  /** Double-vote evidence waiting to be committed. */
  pendingEvidence(): DoubleVoteEvidence[] {
    return [...this.evidence.values()];
  }

  /** The validator set deciding `height` (from the committed state). */
  validatorsAt(height: number): ValidatorPower[] {
    const epoch = epochOf(height, this.deps.config.params);
    const set = getValidatorSet(this.deps.store, epoch);
    if (!set)
      throw new ChainError(
        'STATE_CORRUPT',
        `no validator set is stored for epoch ${epoch} (height ${height})`,
      );
    return set;
  }

  /** Starts following the chain from the store's head: registers network handlers and starts the next height. */
  async start(): Promise<void> {
    const { network, store } = this.deps;
    this.signer = store.signerRecord();
    const meta = store.chainMeta();
    this.heightValue = meta.height + 1;
    const last = meta.height > 0 ? store.blockAt(meta.height) : null;
    this.lastCommit = last ? this.decodeCommit(last.commit) : null;
    this.machine = initialState({
      self: this.address,
      timeouts: this.deps.config.params.timeouts,
      proposer: (h, r) => this.rotation(h).proposer(h, r),
      maxRoundsAhead: this.opts.maxRoundsAhead ?? 50,
    });
    network.onMessage('vote', async (bytes, from) => this.onVote(bytes, from));
    network.onMessage('proposal', async (bytes, from) => this.onProposal(bytes, from));
    this.running = true;
    this.regossip = setInterval(() => this.resend(), this.opts.regossipMs ?? 1_000);
    this.regossip.unref();
    this.startHeight();
    // A vote signed just before a crash may never have left: send it again (same signature).
    const s = this.signer;
    if (s && s.height === this.heightValue && s.step !== 'propose' && this.address) {
      const vote: Vote = {
        type: s.step,
        height: s.height,
        round: s.round,
        blockHash: s.blockHash,
        validator: this.address,
        signature: s.signature as Vote['signature'],
      };
      const bytes = encodeVote(vote);
      this.ownVotes.push({ round: vote.round, bytes });
      this.seen.add(voteKey(vote));
      this.publish('vote', bytes);
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

  private rotation(height: number): ProposerRotation {
    const params = this.deps.config.params;
    const epoch = epochOf(height, params);
    let r = this.rotations.get(epoch);
    if (!r) {
      r = new ProposerRotation(this.validatorsAt(height), epoch * params.epochLengthBlocks + 1);
      this.rotations.set(epoch, r);
      for (const e of this.rotations.keys()) if (e < epoch - 1) this.rotations.delete(e);
    }
    return r;
  }

  // ---------------------------------------------------------------- heights

  private startHeight(): void {
    if (!this.running || !this.machine) return;
    const h = this.heightValue;
    if (this.machine.height >= h) return;
    this.blocks = new Map();
    this.ownVotes = [];
    this.ownProposals = new Map();
    this.seen = new Set();
    this.restoreSignerBlock(h);
    const lastCommit: CommitInfo | null = this.lastCommit
      ? {
          height: this.lastCommit.height,
          round: this.lastCommit.round,
          blockHash: this.lastCommit.blockHash,
          precommits: commitVotes(this.lastCommit),
        }
      : null;
    const resume = resumeFrom(this.signer, h);
    this.feed({
      kind: 'start-height',
      height: h,
      validators: this.validatorsAt(h),
      lastCommit,
      ...(resume ? { resume } : {}),
    });
    const buffered = this.future;
    this.future = [];
    for (const b of buffered) {
      if (b.topic === 'vote') this.onVote(b.bytes, b.from);
      else void this.onProposal(b.bytes, b.from);
    }
  }

  /**
   * After a restart inside a height: the block this node proposed or locked on before the crash,
   * so it can re-propose it (a lock on a block nobody holds would stall the height).
   */
  private restoreSignerBlock(h: number): void {
    const saved = this.signer?.height === h ? this.deps.store.signerBlock() : null;
    if (!saved || saved.height !== h) return;
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
      case 'propose': {
        const p = a.proposal;
        const entry = this.blocks.get(p.blockHash);
        if (!entry || !this.opts.privateKey) return;
        const sig = this.sign(
          { height: p.height, round: p.round, step: 'propose', blockHash: p.blockHash },
          () => signProposal(this.deps.config.chainId, p, this.opts.privateKey as Uint8Array).signature,
          entry,
        );
        if (!sig) return;
        const signed: Proposal = { ...p, signature: sig as Proposal['signature'] };
        this.stats.proposals++;
        const msg = encodeProposalMessage(encodeProposal(signed), entry.bytes);
        this.ownProposals.set(p.round, msg);
        this.seen.add(`p:${p.round}:${p.blockHash}`);
        this.publish('proposal', msg);
        return;
      }
      case 'vote': {
        const v = a.vote;
        if (!this.opts.privateKey) return;
        // A precommit for a block locks us on it: keep the block with the signer record.
        const locked =
          v.type === 'precommit' && v.blockHash !== null ? this.blocks.get(v.blockHash) : undefined;
        const sig = this.sign(
          { height: v.height, round: v.round, step: v.type, blockHash: v.blockHash },
          () => signVote(this.deps.config.chainId, v, this.opts.privateKey as Uint8Array).signature,
          locked,
        );
        if (!sig) return;
        const signed: Vote = { ...v, signature: sig as Vote['signature'] };
        this.stats.votesSigned++;
        const bytes = encodeVote(signed);
        this.ownVotes.push({ round: signed.round, bytes });
        this.seen.add(voteKey(signed));
        this.publish('vote', bytes);
        this.stepInto({ kind: 'vote', vote: signed }, queue);
        return;
      }
      case 'commit': {
        const entry = this.blocks.get(a.commit.blockHash);
        if (!entry) {
          this.deps.log.error(
            { height: a.commit.height, hash: a.commit.blockHash },
            'decided a block this node does not hold; waiting for sync',
          );
          this.deps.onBehind?.(a.commit.height);
          return;
        }
        this.persist(entry, makeCommit(a.commit.precommits), false);
        return;
      }
      case 'evidence':
        this.addEvidence(a.evidence);
        return;
    }
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
    const round = this.machine.round;
    for (const v of this.ownVotes) if (v.round >= round - 1) this.publish('vote', v.bytes);
    const p = this.ownProposals.get(round);
    if (p) this.publish('proposal', p);
  }

  /** Checks and persists the signer record, then returns the signature (or null when refused). */
  private sign(
    req: { height: number; round: number; step: SignStep; blockHash: Hash | null },
    make: () => string,
    block?: BlockEntry,
  ): string | null {
    const d = checkSign(this.signer, req);
    if (d.kind === 'refuse') {
      this.stats.signerRefusals++;
      this.deps.log.warn({ ...req }, d.reason);
      return null;
    }
    if (d.kind === 'reuse') return d.signature;
    const signature = make();
    const record = nextRecord(this.signer, req, signature);
    // Durable before the signature leaves (synchronous=FULL): a crash after this cannot make us sign a different value here.
    this.deps.store.saveSignerRecord(record, block ? { hash: block.hash, bytes: block.bytes } : undefined);
    this.signer = record;
    return signature;
  }

  private publish(topic: 'vote' | 'proposal', payload: Uint8Array): void {
    const bytes = wrapGossip(this.gossipSeq++, payload);
    this.deps.network
      .publish(topic, bytes)
      .catch((err: unknown) => this.deps.log.warn({ topic, err: (err as Error).message }, 'publish failed'));
  }

  private ctx() {
    return { config: this.deps.config, verify: this.deps.verify, hooks: this.deps.hooks };
  }

  // ---------------------------------------------------------------- building

  private buildOwnBlock(height: number, round: number, last: CommitInfo | null): BlockEntry | null {
    const { store, mempool, config } = this.deps;
    // Locked on a block (e.g. restored after a crash): propose it again rather than a new one we could not prevote.
    const lockedHash = this.machine?.lockedHash ?? null;
    const locked = lockedHash ? this.blocks.get(lockedHash) : undefined;
    if (locked?.valid) return locked;
    const params = config.params;
    const maxTxs = Math.min(this.opts.maxBlockTxs ?? params.maxBlockTxs, params.maxBlockTxs);
    const maxBytes =
      Math.min(
        this.opts.maxBlockBytes ?? Math.min(params.maxBlockBytes, 3.5 * 1024 * 1024),
        params.maxBlockBytes,
      ) -
      64 * 1024;
    let txs = mempool.reap(maxTxs, maxBytes);
    let evidence = this.pendingEvidence()
      .filter((e) => store.get(`ev:${evidenceId(e.a)}` as StateKey) === undefined)
      .slice(0, params.maxItems);
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
    const timeMs = Math.max(this.deps.now(), store.chainMeta().lastTimeMs);
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        const { block, result } = buildBlock(
          store,
          {
            header: { height, round, timeMs, proposer: this.address as Address },
            txs: txs.map((e) => e.tx),
            lastCommit,
            evidence,
          },
          this.ctx(),
          { txBytes: txs.map((e) => e.bytes), txHashes: txs.map((e) => e.hash) },
        );
        const bytes = encodeBlock(block, params);
        const entry: BlockEntry = {
          block,
          bytes,
          hash: result.blockHash,
          txBytes: txs.map((e) => e.bytes),
          txHashes: txs.map((e) => e.hash),
          valid: true,
          result,
        };
        this.blocks.set(entry.hash, entry);
        this.stats.blocksBuilt++;
        return entry;
      } catch (err) {
        const data = err instanceof ChainError ? err.data : {};
        if (typeof data['txIndex'] === 'number') {
          const bad = txs[data['txIndex']];
          if (bad) {
            mempool.remove(bad.hash);
            this.stats.txsDroppedAtBuild++;
            this.deps.log.warn(
              { tx: bad.hash, err: (err as Error).message },
              'dropped a transaction the chain refused at block building',
            );
          }
          txs = mempool.reap(maxTxs, maxBytes);
          continue;
        }
        if (typeof data['evidenceIndex'] === 'number') {
          const bad = evidence[data['evidenceIndex']];
          if (bad) this.evidence.delete(evidenceKeyOf(bad));
          evidence = evidence.filter((e) => e !== bad);
          continue;
        }
        this.deps.log.error({ height, round, err: (err as Error).message }, 'could not build a block');
        return null;
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- messages

  private behind(height: number): void {
    if (height > this.heightValue) this.deps.onBehind?.(height);
  }

  private buffer(b: Buffered): void {
    if (this.future.length >= (this.opts.maxBuffered ?? 2_000)) this.future.shift();
    this.future.push(b);
  }

  /** A vote from the network. */
  onVote(bytes: Uint8Array, from: string): Validation {
    if (!this.running) return 'ignore';
    let vote: Vote;
    try {
      vote = decodeVote(unwrapGossip(bytes));
    } catch {
      this.stats.invalidMessages++;
      return 'reject';
    }
    if (vote.height < this.heightValue - 1) return 'ignore';
    if (!verifyVote(this.deps.config.chainId, vote, this.deps.verify)) {
      this.stats.invalidMessages++;
      return 'reject';
    }
    if (vote.height === this.heightValue - 1) return this.latePrecommit(vote);
    if (vote.height === this.heightValue && this.seen.has(voteKey(vote))) return 'ignore';
    if (vote.height > this.heightValue || !this.machine || this.machine.height < this.heightValue) {
      if (vote.height <= this.heightValue + 1) this.buffer({ topic: 'vote', bytes, from });
      if (vote.height > this.heightValue) this.behind(vote.height - 1);
      return 'accept';
    }
    this.seen.add(voteKey(vote));
    this.feed({ kind: 'vote', vote });
    return 'accept';
  }

  /**
   * A precommit for the block just committed that arrived after the decision: added to the commit
   * our next proposal carries, so a validator that signed in time is not counted as missing.
   */
  private latePrecommit(vote: Vote): Validation {
    const c = this.lastCommit;
    if (
      !c ||
      vote.type !== 'precommit' ||
      vote.height !== c.height ||
      vote.round !== c.round ||
      vote.blockHash !== c.blockHash
    )
      return 'ignore';
    if (c.signatures.some((s) => s.validator === vote.validator)) return 'ignore';
    if (!this.validatorsAt(vote.height).some((v) => v.address === vote.validator)) return 'ignore';
    this.lastCommit = makeCommit([...commitVotes(c), vote]);
    return 'accept';
  }

  /** A proposal (with its block) from the network. */
  onProposal(bytes: Uint8Array, from: string): Validation | Promise<Validation> {
    if (!this.running) return 'ignore';
    const params = this.deps.config.params;
    let msg: ReturnType<typeof decodeProposalMessage>;
    try {
      msg = decodeProposalMessage(unwrapGossip(bytes), params);
    } catch {
      this.stats.invalidMessages++;
      return 'reject';
    }
    const p = msg.proposal;
    if (p.height < this.heightValue) return 'ignore';
    if (
      !verifyProposal(this.deps.config.chainId, p, this.deps.verify) ||
      msg.block.hash !== p.blockHash ||
      msg.block.block.header.height !== p.height
    ) {
      this.stats.invalidMessages++;
      return 'reject';
    }
    if (p.height > this.heightValue || !this.machine || this.machine.height < this.heightValue) {
      if (p.height <= this.heightValue + 1) this.buffer({ topic: 'proposal', bytes, from });
      if (p.height > this.heightValue) this.behind(p.height - 1);
      return 'accept';
    }
    if (this.seen.has(`p:${p.round}:${p.blockHash}`)) return 'ignore';
    this.seen.add(`p:${p.round}:${p.blockHash}`);
    if (!this.blocks.has(p.blockHash) && this.deps.preverify) {
      // Transactions we have not admitted ourselves: check their signatures on the workers first.
      const idx = msg.block.txBytes
        .map((_, i) => i)
        .filter((i) => !this.deps.mempool.has(msg.block.txHashes[i] as Hash));
      if (idx.length > 0) {
        return this.deps
          .preverify(
            idx.map((i) => msg.block.txBytes[i] as Uint8Array),
            idx.map((i) => msg.block.txHashes[i] as Hash),
          )
          .then(() => {
            if (
              !this.running ||
              p.height !== this.heightValue ||
              !this.machine ||
              this.machine.height !== p.height
            )
              return 'ignore';
            return this.acceptProposal(p, msg);
          });
      }
    }
    return this.acceptProposal(p, msg);
  }

  private acceptProposal(p: Proposal, msg: ReturnType<typeof decodeProposalMessage>): Validation {
    let entry = this.blocks.get(p.blockHash);
    if (!entry) {
      entry = this.validate(msg.block, msg.blockBytes);
      this.blocks.set(entry.hash, entry);
    }
    this.feed({ kind: 'proposal', proposal: p, valid: entry.valid });
    return entry.valid ? 'accept' : 'reject';
  }

  private validate(d: DecodedBlock, bytes: Uint8Array): BlockEntry {
    const entry: BlockEntry = {
      block: d.block,
      bytes,
      hash: d.hash,
      txBytes: d.txBytes,
      txHashes: d.txHashes,
      valid: false,
      result: null,
    };
    try {
      entry.result = applyBlock(this.deps.store, d.block, this.ctx(), d);
      entry.valid = true;
    } catch (err) {
      this.deps.log.warn(
        { height: d.block.header.height, hash: d.hash, err: (err as Error).message },
        'proposed block is invalid',
      );
    }
    return entry;
  }

  private addEvidence(e: DoubleVoteEvidence): void {
    const ev = makeDoubleVoteEvidence(e.a, e.b);
    const key = evidenceKeyOf(ev);
    if (this.evidence.has(key)) return;
    if (this.deps.store.get(`ev:${evidenceId(ev.a)}` as StateKey) !== undefined) return;
    this.stats.evidenceSeen++;
    this.deps.log.warn(
      { validator: ev.a.validator, height: ev.a.height, round: ev.a.round, type: ev.a.type },
      'double vote seen; evidence goes into the next block this node proposes',
    );
    this.evidence.set(key, ev);
  }

  // ---------------------------------------------------------------- commit

  private persist(entry: BlockEntry, commit: Commit, synced: boolean): void {
    const { store, config } = this.deps;
    const h = entry.block.header;
    const result = entry.result ?? applyBlock(store, entry.block, this.ctx(), entry);
    store.commitBlock({
      height: h.height,
      hash: entry.hash,
      timeMs: h.timeMs,
      proposer: h.proposer,
      stateRoot: result.stateRoot,
      blockBytes: entry.bytes,
      commitBytes: encodeCommit(commit, config.params),
      txs: entry.block.txs,
      txBytes: entry.txBytes,
      result,
    });
    this.lastCommit = commit;
    this.heightValue = h.height + 1;
    this.blocks = new Map();
    this.deps.mempool.update(
      entry.block.txs.map((tx, i) => ({
        hash: entry.txHashes[i] as Hash,
        sender: tx.sender,
        type: tx.payload.type,
      })),
      { proposer: h.proposer, allOk: result.receipts.every((r) => r.ok) },
    );
    for (const [k, e] of this.evidence) {
      if (store.get(`ev:${evidenceId(e.a)}` as StateKey) !== undefined || e.a.height < h.height - 1000)
        this.evidence.delete(k);
    }
    const info: CommittedBlock = {
      height: h.height,
      hash: entry.hash,
      round: h.round,
      timeMs: h.timeMs,
      proposer: h.proposer,
      txHashes: entry.txHashes,
      stateRoot: result.stateRoot,
      synced,
      committedAtMs: this.deps.now(),
    };
    try {
      this.deps.onCommit?.(info);
    } catch (err) {
      this.deps.log.error({ err: (err as Error).message }, 'commit listener failed');
    }
    if (synced) {
      // Inside a sync batch the next height starts after the batch is on disk: starting it may sign,
      // and the signer record must be durable before any vote leaves.
      if (!this.syncBatching) this.startHeight();
      return;
    }
    const pause = config.params.timeouts.commitMs;
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
    const { config } = this.deps;
    let d: SyncItem;
    try {
      d = item instanceof Uint8Array ? decodeSyncItem(item, config.params) : item;
    } catch (err) {
      throw new NodeError(
        'SYNC_FAILED',
        `a synced block cannot be decoded: ${(err as Error).message}`,
        {},
        { cause: err },
      );
    }
    const h = d.block.block.header.height;
    if (h !== this.heightValue) return false;
    try {
      if (d.commit.height !== h || d.commit.blockHash !== d.block.hash)
        throw new ChainError(
          'BAD_COMMIT',
          `the commit is for block ${d.commit.height} ${d.commit.blockHash}, not for ${h} ${d.block.hash}`,
        );
      verifyCommit(config.chainId, d.commit, this.validatorsAt(h), this.deps.verify);
      const entry = this.blocks.get(d.block.hash);
      const result = entry?.result ?? applyBlock(this.deps.store, d.block.block, this.ctx(), d.block);
      this.persist(
        {
          block: d.block.block,
          bytes: d.blockBytes,
          hash: d.block.hash,
          txBytes: d.block.txBytes,
          txHashes: d.block.txHashes,
          valid: true,
          result,
        },
        d.commit,
        true,
      );
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

function voteKey(v: Vote): string {
  return `${v.validator}:${v.height}:${v.round}:${v.type}:${v.blockHash ?? 'nil'}`;
}

function evidenceKeyOf(e: DoubleVoteEvidence): string {
  return `${e.a.validator}:${e.a.height}:${e.a.round}:${e.a.type}`;
}
