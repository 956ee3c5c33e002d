/**
 * The application the simulated validators agree on. `SimApp` is the seam where the real chain
 * (`main/chain` block building, validation and `applyBlock`) plugs in later; `CounterApp` is a small
 * deterministic implementation: blocks carry synthetic transactions, the previous block's commit
 * and double-vote evidence, and the state tracks reputation, stake and committed evidence with a
 * state root over all of it.
 */
import type { Address, Hash, ValidatorPower, Vote } from '../../chain/types';
import { evidenceKey, isTwoThirdsPlus, validateEvidence, type DoubleVoteEvidence } from '../evidence';
import type { CommitInfo } from '../machine';
import {
  applyEvidence,
  applyParticipation,
  participationOf,
  DEFAULT_REPUTATION_PARAMS,
  type ReputationParams,
} from '../reputation';
import type { ConsensusCrypto } from './signing';

/** What a proposer puts in a block besides what the app chooses. */
export interface MakeBlockArgs {
  height: number;
  round: number;
  proposer: Address;
  timeMs: number;
  /** The +2/3 precommits of the previous block (null at height 1). */
  lastCommit: CommitInfo | null;
  /** Pending double-vote evidence to include. */
  evidence: readonly DoubleVoteEvidence[];
  /** Opaque transactions (the sim makes short strings). */
  txs: readonly string[];
}

/**
 * The application interface the simulation drives. `S` is the state after a height, `B` a block.
 * Implementations must be deterministic: equal states and blocks give equal results everywhere.
 */
export interface SimApp<S, B> {
  /** State before height 1. */
  genesis(): S;
  /** Height of the last block applied to `state` (0 for genesis). */
  heightOf(state: S): number;
  /** The validator set that decides `height` given the state after `height − 1`. */
  validatorSet(state: S, height: number): ValidatorPower[];
  makeBlock(state: S, args: MakeBlockArgs): B;
  blockHash(block: B): Hash;
  /** Height of a block (before validation). */
  blockHeight(block: B): number;
  /** null when `block` may follow `state`; else a reason. */
  validateBlock(state: S, block: B): string | null;
  /** The state after `block` (call only with a block that validated). */
  applyBlock(state: S, block: B): S;
  stateRoot(state: S): Hash;
  /** Evidence the block commits. */
  blockEvidence(block: B): readonly DoubleVoteEvidence[];
  /** True if evidence with this key is already committed in `state`. */
  evidenceCommitted(state: S, key: string): boolean;
}

/** A block of `CounterApp`. */
export interface CounterBlock {
  height: number;
  round: number;
  prevHash: Hash;
  proposer: Address;
  timeMs: number;
  txs: string[];
  lastCommit: CommitInfo | null;
  evidence: DoubleVoteEvidence[];
}

/** The state of `CounterApp` after a height. */
export interface CounterState {
  height: number;
  lastBlockHash: Hash;
  txCount: number;
  reputationPpm: ReadonlyMap<Address, number>;
  stake: ReadonlyMap<Address, bigint>;
  jailedUntilEpoch: ReadonlyMap<Address, number>;
  committedEvidence: ReadonlySet<string>;
  /** Running hash over committed evidence keys, so the root covers them without rehashing all. */
  evidenceAcc: Hash;
  root: Hash;
}

/** Parameters of `CounterApp`. */
export interface CounterAppOptions {
  validators: readonly ValidatorPower[];
  stake: bigint;
  /** Evidence older than this many heights is refused. */
  evidenceMaxAgeHeights: number;
  maxTxsPerBlock: number;
  reputation?: ReputationParams;
}

const ZERO_HASH: Hash = `0x${'00'.repeat(32)}`;
const enc = new TextEncoder();

/**
 * A small deterministic application. The validator set is fixed (the sim checks consensus, not
 * the epoch rule, which `selection.ts` tests cover); reputation, stake and jail terms still follow
 * `reputation.ts` so the state root reflects participation and evidence.
 */
export class CounterApp implements SimApp<CounterState, CounterBlock> {
  private readonly totalPower: number;
  private readonly powers: Map<Address, number>;
  private readonly hashes = new WeakMap<CounterBlock, Hash>();

  constructor(
    private readonly crypto: ConsensusCrypto,
    private readonly opts: CounterAppOptions,
  ) {
    this.powers = new Map(opts.validators.map((v) => [v.address, v.votingPower]));
    this.totalPower = opts.validators.reduce((s, v) => s + v.votingPower, 0);
  }

  genesis(): CounterState {
    const rp = this.opts.reputation ?? DEFAULT_REPUTATION_PARAMS;
    const reputationPpm = new Map(this.opts.validators.map((v) => [v.address, rp.initialPpm]));
    const stake = new Map(this.opts.validators.map((v) => [v.address, this.opts.stake]));
    const s: Omit<CounterState, 'root'> = {
      height: 0,
      lastBlockHash: ZERO_HASH,
      txCount: 0,
      reputationPpm,
      stake,
      jailedUntilEpoch: new Map(),
      committedEvidence: new Set(),
      evidenceAcc: ZERO_HASH,
    };
    return { ...s, root: this.root(s) };
  }

  heightOf(state: CounterState): number {
    return state.height;
  }

  validatorSet(_state: CounterState, _height: number): ValidatorPower[] {
    return this.opts.validators.map((v) => ({ ...v }));
  }

  makeBlock(state: CounterState, a: MakeBlockArgs): CounterBlock {
    const evidence = a.evidence.filter((e) => this.evidenceProblem(state, a.height, e) === null).slice(0, 32);
    const seen = new Set<string>();
    const unique = evidence.filter((e) => {
      const k = evidenceKey(e);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    return {
      height: a.height,
      round: a.round,
      prevHash: state.lastBlockHash,
      proposer: a.proposer,
      timeMs: a.timeMs,
      txs: a.txs.slice(0, this.opts.maxTxsPerBlock),
      lastCommit: a.lastCommit,
      evidence: unique,
    };
  }

  blockHash(b: CounterBlock): Hash {
    let h = this.hashes.get(b);
    if (h === undefined) {
      const body = JSON.stringify({
        height: b.height,
        round: b.round,
        prevHash: b.prevHash,
        proposer: b.proposer,
        timeMs: b.timeMs,
        txs: b.txs,
        lastCommit: b.lastCommit && {
          h: b.lastCommit.height,
          r: b.lastCommit.round,
          b: b.lastCommit.blockHash,
          s: b.lastCommit.precommits.map(voteId),
        },
        evidence: b.evidence.map((e) => [voteId(e.a), voteId(e.b)]),
      });
      h = this.crypto.hash(enc.encode(body));
      this.hashes.set(b, h);
    }
    return h;
  }

  blockHeight(b: CounterBlock): number {
    return b.height;
  }

  validateBlock(state: CounterState, b: CounterBlock): string | null {
    if (b.height !== state.height + 1) return `height ${b.height} does not follow ${state.height}`;
    if (b.prevHash !== state.lastBlockHash) return 'previous block hash does not match';
    if (!this.powers.has(b.proposer)) return 'proposer is not a validator';
    if (!Array.isArray(b.txs) || b.txs.length > this.opts.maxTxsPerBlock) return 'too many transactions';
    const lc = this.lastCommitProblem(state, b);
    if (lc !== null) return lc;
    const seen = new Set<string>();
    for (const e of b.evidence) {
      const k = evidenceKey(e);
      if (seen.has(k)) return `evidence ${k} appears twice`;
      seen.add(k);
      const p = this.evidenceProblem(state, b.height, e);
      if (p !== null) return p;
    }
    return null;
  }

  private lastCommitProblem(state: CounterState, b: CounterBlock): string | null {
    if (b.height === 1) return b.lastCommit === null ? null : 'the first block carries no last commit';
    const lc = b.lastCommit;
    if (lc === null) return 'the block lacks the previous block’s commit';
    if (lc.height !== b.height - 1 || lc.blockHash !== state.lastBlockHash)
      return 'the last commit is not for the previous block';
    let power = 0;
    const signers = new Set<string>();
    for (const v of lc.precommits) {
      if (
        v.type !== 'precommit' ||
        v.height !== lc.height ||
        v.round !== lc.round ||
        v.blockHash !== lc.blockHash
      )
        return 'a last-commit vote does not match the commit';
      const p = this.powers.get(v.validator);
      if (p === undefined || signers.has(v.validator))
        return 'a last-commit vote is from a non-validator or repeated';
      if (!this.crypto.verifyVote(v)) return 'a last-commit signature does not verify';
      signers.add(v.validator);
      power += p;
    }
    return isTwoThirdsPlus(power, this.totalPower)
      ? null
      : 'the last commit has no more than 2/3 of the voting power';
  }

  private evidenceProblem(state: CounterState, height: number, e: DoubleVoteEvidence): string | null {
    const k = evidenceKey(e);
    if (state.committedEvidence.has(k)) return `evidence ${k} is already committed`;
    if (!this.powers.has(e.a.validator)) return `evidence ${k} is against a non-validator`;
    if (e.a.height >= height || height - e.a.height > this.opts.evidenceMaxAgeHeights)
      return `evidence ${k} is from a height outside the allowed window`;
    try {
      validateEvidence(e, (v) => this.crypto.verifyVote(v));
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
    return null;
  }

  applyBlock(state: CounterState, b: CounterBlock): CounterState {
    const rp = this.opts.reputation ?? DEFAULT_REPUTATION_PARAMS;
    const reputationPpm = new Map(state.reputationPpm);
    const stake = new Map(state.stake);
    const jailed = new Map(state.jailedUntilEpoch);
    if (b.lastCommit !== null) {
      const part = participationOf(
        [...this.powers.keys()],
        b.lastCommit.precommits.map((v) => v.validator),
        b.proposer,
      );
      for (const [addr, p] of part)
        reputationPpm.set(
          addr as Address,
          applyParticipation(reputationPpm.get(addr as Address) ?? rp.initialPpm, p, rp),
        );
    }
    const committedEvidence = new Set(state.committedEvidence);
    let evidenceAcc = state.evidenceAcc;
    for (const e of b.evidence) {
      const addr = e.a.validator;
      const k = evidenceKey(e);
      committedEvidence.add(k);
      evidenceAcc = this.crypto.hash(enc.encode(`${evidenceAcc}|${k}`));
      const pen = applyEvidence(
        {
          reputationPpm: reputationPpm.get(addr) ?? 0,
          stake: stake.get(addr) ?? 0n,
          jailedUntilEpoch: jailed.get(addr) ?? 0,
        },
        0,
        rp,
      );
      reputationPpm.set(addr, pen.reputationPpm);
      stake.set(addr, pen.stakeAfter);
      jailed.set(addr, pen.jailedUntilEpoch);
    }
    const s: Omit<CounterState, 'root'> = {
      height: b.height,
      lastBlockHash: this.blockHash(b),
      txCount: state.txCount + b.txs.length,
      reputationPpm,
      stake,
      jailedUntilEpoch: jailed,
      committedEvidence,
      evidenceAcc,
    };
    return { ...s, root: this.root(s) };
  }

  stateRoot(state: CounterState): Hash {
    return state.root;
  }

  blockEvidence(b: CounterBlock): readonly DoubleVoteEvidence[] {
    return b.evidence;
  }

  evidenceCommitted(state: CounterState, key: string): boolean {
    return state.committedEvidence.has(key);
  }

  private root(s: Omit<CounterState, 'root'>): Hash {
    const sorted = <V>(m: ReadonlyMap<Address, V>): [Address, string][] =>
      [...m.entries()]
        .map(([k, v]): [Address, string] => [k, String(v)])
        .sort((x, y) => (x[0] < y[0] ? -1 : 1));
    const body = JSON.stringify([
      s.height,
      s.lastBlockHash,
      s.txCount,
      sorted(s.reputationPpm),
      sorted(s.stake),
      sorted(s.jailedUntilEpoch),
      s.evidenceAcc,
    ]);
    return this.crypto.hash(enc.encode(body));
  }
}

function voteId(v: Vote): string {
  return `${v.validator}:${v.type}:${v.height}:${v.round}:${v.blockHash ?? 'nil'}:${v.signature}`;
}
