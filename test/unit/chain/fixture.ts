// Shared helpers for the chain tests: deterministic keys, a small genesis, and a chain that makes
// real signed blocks (with real lastCommits) on an in-memory store.
import {
  type Block,
  type ChainConfig,
  type Genesis,
  MemoryStateStore,
  type Tx,
  type ApplyContext,
  type ApplyResult,
  applyBlock,
  applyGenesis,
  buildBlock,
  genesisConfig,
  makeCommit,
  parseGenesis,
  privateKeyToAddress,
  signVote,
  getChainMeta,
  type Commit,
  type DoubleVoteEvidence,
} from '../../../main/chain';

/** A deterministic private key: 31 zero bytes then `n` (n in 1..255), or a wider seed. */
export function key(n: number): Uint8Array {
  const k = new Uint8Array(32);
  k[31] = n & 0xff;
  k[30] = (n >> 8) & 0xff;
  k[0] = 0x11;
  return k;
}

export const HQ = key(1);
export const COMPLIANCE = key(2);
export const VALIDATORS = [key(10), key(11), key(12), key(13)];
export const ALICE = key(20);
export const BOB = key(21);
export const STORE = key(22);
export const CUSTOMER = key(23);

export function testGenesis(extra: Partial<Genesis['params']> = {}): Genesis {
  return parseGenesis({
    chainId: 'hotpot-test',
    genesisTimeMs: 1_700_000_000_000,
    hqAuthority: privateKeyToAddress(HQ),
    complianceAuthority: privateKeyToAddress(COMPLIANCE),
    validators: VALIDATORS.map((k, i) => ({
      address: privateKeyToAddress(k),
      stake: '10000000',
      region: ['eu', 'eu', 'asia', 'us'][i],
    })),
    balances: [HQ, COMPLIANCE, ALICE, BOB, STORE].map((k) => ({
      address: privateKeyToAddress(k),
      amount: '1000000000',
    })),
    params: {
      minTxFee: '1000',
      epochLengthBlocks: 4,
      minStake: '1000000',
      ...Object.fromEntries(
        Object.entries(extra).map(([k, v]) => [k, typeof v === 'bigint' ? v.toString() : v]),
      ),
    },
  });
}

/** A chain on an in-memory store, producing real blocks signed by all four validators. */
export class TestChain {
  readonly store = new MemoryStateStore();
  readonly config: ChainConfig;
  readonly ctx: ApplyContext;
  private lastCommit: Commit | null = null;
  private timeMs: number;

  constructor(
    readonly genesis: Genesis = testGenesis(),
    ctx: Partial<ApplyContext> = {},
  ) {
    this.config = genesisConfig(genesis);
    this.ctx = { config: this.config, ...ctx };
    this.store.apply(applyGenesis(this.store, genesis).writes);
    this.timeMs = genesis.genesisTimeMs;
  }

  get height(): number {
    return getChainMeta(this.store).height;
  }

  /** Builds (proposer = validator height % 4) and applies a block; returns block and result. */
  make(txs: Tx[], evidence: DoubleVoteEvidence[] = []): { block: Block; result: ApplyResult } {
    const height = this.height + 1;
    this.timeMs += 1000;
    const proposer = privateKeyToAddress(VALIDATORS[height % 4] as Uint8Array);
    return buildBlock(
      this.store,
      {
        header: { height, round: 0, timeMs: this.timeMs, proposer },
        txs,
        lastCommit: this.lastCommit,
        evidence,
      },
      this.ctx,
    );
  }

  /** Applies a block made elsewhere (through applyBlock) and commits it with all validators' precommits. */
  commit(block: Block): ApplyResult {
    const result = applyBlock(this.store, block, this.ctx);
    this.store.apply(result.writes);
    this.lastCommit = makeCommit(
      VALIDATORS.map((k) =>
        signVote(
          this.config.chainId,
          { type: 'precommit', height: block.header.height, round: 0, blockHash: result.blockHash },
          k,
        ),
      ),
    );
    return result;
  }

  /** make + commit. */
  step(txs: Tx[], evidence: DoubleVoteEvidence[] = []): ApplyResult {
    const { block } = this.make(txs, evidence);
    return this.commit(block);
  }
}
