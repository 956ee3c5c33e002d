/**
 * The real ledger as the simulation's application: blocks are the chain's blocks, holding signed
 * transfers between funded accounts, the previous block's commit and double-vote and double-proposal
 * evidence, built
 * with `buildBlock` and applied with `applyBlock` over a `MemoryStateStore` from a real genesis, with
 * the node's consensus hooks (reputation, selection). So every seeded fault also checks that honest
 * nodes end each height with the same state root, and that evidence slashes and jails the same way
 * everywhere.
 *
 * Signatures dominate the cost, so a run's nodes (and every run of `runMany`) share one
 * `SimLedgerShared`: the verified-signature cache and the signed transfers, keyed by sender and nonce.
 */
import { type Block, type Commit, makeCommit } from '../../chain/block';
import { BoundedVerifiedCache } from '../../chain/cache';
import { ChainError } from '../../chain/errors';
import { type Genesis, applyGenesis, genesisConfig, parseGenesis } from '../../chain/genesis';
import { type SignatureVerifier, privateKeyToAddress } from '../../chain/keys';
import { epochOf } from '../../chain/params';
import type { ApplyContext } from '../../chain/state/apply-context';
import { type ApplyResult, applyBlock, buildBlock } from '../../chain/state/apply-block';
import { getAccount, getChainMeta, getValidatorSet } from '../../chain/state/access';
import { MemoryStateStore } from '../../chain/state/store';
import { TxBuilder } from '../../chain/tx/builder';
import type { Tx } from '../../chain/tx/types';
import type { Address, Hash, ValidatorPower, VoteType } from '../../chain/types';
import { type DoubleProposalEvidence, proposalEvidenceId } from '../../chain/proposal-evidence';
import { evidenceId } from '../../chain/vote';
import { type DoubleVoteEvidence, evidenceKey } from '../evidence';
import { consensusHooks } from '../hooks';
import type { CommitInfo } from '../machine';
import type { MakeBlockArgs, SimApp } from './app';

/** The chain id every simulated ledger uses (transactions signed once serve every run). */
export const SIM_CHAIN_ID = 'hotpot-sim';

/** Funded accounts that send each other transfers. */
const USERS = 8;
const FEE = 10n;

/** What every node of every run may share: the signature cache and the signed transfers. */
export class SimLedgerShared {
  readonly cache = new BoundedVerifiedCache(2_000_000);

  /** `verifier`: a faster signature check than noble's (the CLI passes the node's native one). */
  constructor(readonly verifier?: SignatureVerifier) {}

  private readonly keys = Array.from({ length: USERS }, (_, i) => {
    const k = new Uint8Array(32);
    k[0] = 0x5e;
    k[31] = i + 1;
    return k;
  });
  readonly users: readonly Address[] = this.keys.map((k) => privateKeyToAddress(k));
  private readonly builders = this.keys.map(
    (privateKey) => new TxBuilder({ chainId: SIM_CHAIN_ID, privateKey, fee: FEE }),
  );
  private readonly signed = new Map<string, Tx>();

  /** User `i`'s transfer at `nonce` (to another user, a small amount; the same bytes every time). */
  transfer(i: number, nonce: number): Tx {
    const key = `${i}:${nonce}`;
    let tx = this.signed.get(key);
    if (tx === undefined) {
      const to = this.users[(i + 1 + (nonce % (USERS - 1))) % USERS] as Address;
      tx = (this.builders[i] as TxBuilder).transfer(nonce, { to, amount: 1n + BigInt(nonce % 7) });
      this.signed.set(key, tx);
    }
    return tx;
  }
}

/** The state after a height: the store is never changed once made. */
export interface LedgerState {
  readonly store: MemoryStateStore;
  readonly height: number;
  readonly stateRoot: Hash;
}

/** A block with its hash. */
export interface LedgerBlock {
  readonly block: Block;
  readonly hash: Hash;
}

/** The genesis of a simulated ledger: the simulation's validators with their voting powers, funded users. */
function simGenesis(validators: readonly ValidatorPower[], users: readonly Address[]): Genesis {
  return parseGenesis({
    chainId: SIM_CHAIN_ID,
    genesisTimeMs: 0,
    hqAuthority: users[0],
    complianceAuthority: users[0],
    validators: validators.map((v, i) => ({
      address: v.address,
      stake: '10000000',
      region: `region-${i}`,
      votingPower: v.votingPower,
    })),
    balances: users.map((address) => ({ address, amount: '1000000000' })),
    // The simulation's proposer rotation is fixed, so the set must not change within a run: one
    // epoch longer than any run. Unbonding as new chains have it.
    params: { minTxFee: FEE.toString(), epochLengthBlocks: 1_000_000, unbondingBlocks: 200 },
  });
}

/**
 * @example
 * const shared = new SimLedgerShared();
 * new Simulation(options, (crypto, validators) => new LedgerApp(validators, shared)).run();
 */
export class LedgerApp implements SimApp<LedgerState, LedgerBlock> {
  private readonly ctx: ApplyContext;
  private readonly genesisState: LedgerState;
  /** Results of blocks validated against a state, so applying one does not run it twice. */
  private readonly results = new WeakMap<LedgerState, Map<Hash, ApplyResult | string>>();

  constructor(
    validators: readonly ValidatorPower[],
    private readonly shared: SimLedgerShared,
  ) {
    const genesis = simGenesis(validators, shared.users);
    this.ctx = {
      config: genesisConfig(genesis),
      verify: { cache: shared.cache, ...(shared.verifier ? { verifier: shared.verifier } : {}) },
      hooks: consensusHooks(),
    };
    const store = new MemoryStateStore();
    const g = applyGenesis(store, genesis);
    store.apply(g.writes);
    this.genesisState = { store, height: 0, stateRoot: g.stateRoot };
  }

  genesis(): LedgerState {
    return this.genesisState;
  }

  heightOf(state: LedgerState): number {
    return state.height;
  }

  validatorSet(state: LedgerState, height: number): ValidatorPower[] {
    return getValidatorSet(state.store, epochOf(height, this.ctx.config.params)) ?? [];
  }

  makeBlock(state: LedgerState, a: MakeBlockArgs): LedgerBlock {
    // The simulation asks for a few opaque transactions; each becomes a user's next transfer.
    let txs = a.txs.slice(0, USERS).map((_, k) => {
      const i = (a.height + k) % USERS;
      return this.shared.transfer(i, getAccount(state.store, this.shared.users[i] as Address).nonce);
    });
    let evidence = a.evidence.filter((e) => !this.committed(state, e));
    let proposalEvidence = (a.proposalEvidence ?? []).filter(
      (e) => !this.proposalEvidenceCommitted(state, e),
    );
    const timeMs = Math.max(a.timeMs, getChainMeta(state.store).lastTimeMs);
    for (;;) {
      try {
        const { block, result } = buildBlock(
          state.store,
          {
            header: { height: a.height, round: a.round, timeMs, proposer: a.proposer },
            txs,
            lastCommit: toCommit(a.lastCommit),
            evidence: [...new Map(evidence.map((e) => [evidenceKey(e), e])).values()],
            ...(proposalEvidence.length > 0 ? { proposalEvidence } : {}),
          },
          this.ctx,
        );
        this.remember(state, result.blockHash, result);
        return { block, hash: result.blockHash };
      } catch (err) {
        // Like the node's block builder: leave out what the chain refuses and build again.
        const data = err instanceof ChainError ? err.data : {};
        if (typeof data['evidenceIndex'] === 'number')
          evidence = evidence.toSpliced(data['evidenceIndex'], 1);
        else if (typeof data['proposalEvidenceIndex'] === 'number')
          proposalEvidence = proposalEvidence.toSpliced(data['proposalEvidenceIndex'], 1);
        else if (typeof data['txIndex'] === 'number') txs = txs.toSpliced(data['txIndex'], 1);
        else throw err;
      }
    }
  }

  blockHash(b: LedgerBlock): Hash {
    return b.hash;
  }

  blockHeight(b: LedgerBlock): number {
    return b.block.header.height;
  }

  validateBlock(state: LedgerState, b: LedgerBlock): string | null {
    const r = this.resultOf(state, b);
    return typeof r === 'string' ? r : null;
  }

  applyBlock(state: LedgerState, b: LedgerBlock): LedgerState {
    const r = this.resultOf(state, b);
    if (typeof r === 'string') throw new ChainError('BAD_BLOCK', `applying an invalid block: ${r}`);
    const store = new MemoryStateStore();
    for (const [k, v] of state.store.entries) store.entries.set(k, v);
    store.apply(r.writes);
    return { store, height: b.block.header.height, stateRoot: r.stateRoot };
  }

  stateRoot(state: LedgerState): Hash {
    return state.stateRoot;
  }

  blockEvidence(b: LedgerBlock): readonly DoubleVoteEvidence[] {
    return b.block.evidence;
  }

  evidenceCommitted(state: LedgerState, key: string): boolean {
    const [validator, height, round, type] = key.split(':');
    return (
      state.store.get(
        `ev:${evidenceId({ validator: validator as Address, height: Number(height), round: Number(round), type: type as VoteType })}`,
      ) !== undefined
    );
  }

  proposalEvidenceCommitted(state: LedgerState, e: DoubleProposalEvidence): boolean {
    return state.store.get(`ev:${proposalEvidenceId(e.a)}`) !== undefined;
  }

  private committed(state: LedgerState, e: DoubleVoteEvidence): boolean {
    return state.store.get(`ev:${evidenceId(e.a)}`) !== undefined;
  }

  private resultOf(state: LedgerState, b: LedgerBlock): ApplyResult | string {
    const known = this.results.get(state)?.get(b.hash);
    if (known !== undefined) return known;
    let r: ApplyResult | string;
    try {
      r = applyBlock(state.store, b.block, this.ctx);
      if (r.blockHash !== b.hash) r = `the block hashes to ${r.blockHash}, not ${b.hash}`;
    } catch (err) {
      if (!(err instanceof ChainError)) throw err;
      r = err.message;
    }
    this.remember(state, b.hash, r);
    return r;
  }

  private remember(state: LedgerState, hash: Hash, r: ApplyResult | string): void {
    let m = this.results.get(state);
    if (m === undefined) this.results.set(state, (m = new Map()));
    m.set(hash, r);
  }
}

/** The chain's commit of the sim's commit info (null at height 1). */
function toCommit(c: CommitInfo | null): Commit | null {
  return c === null ? null : makeCommit(c.precommits);
}
