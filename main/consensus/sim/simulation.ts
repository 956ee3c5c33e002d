/**
 * Deterministic simulation of N validators in one process (issue 3 §10): a simulated network with
 * delays, drops, reordering and partitions that heal; crashes and restarts (signer state and
 * committed blocks survive, memory does not); Byzantine validators that double-vote, propose
 * conflicting blocks and forge votes. Everything random comes from one seed, so a run replays
 * exactly. Pure: no timers, no I/O; virtual time lives in `EventQueue`.
 *
 * This file sets a run up (keys, the genesis validator set, which nodes are faulty, the planned
 * faults) and runs it to its report. The parts: each `SimNode` (`node.ts`) is a small driver around
 * the pure round state machine (`../machine.ts`), doing what `main/node` does for real: verifying
 * signatures, validating and applying blocks through a `SimApp`, the signer-state guard, gossip and
 * catch-up, an evidence pool. `network.ts` carries the messages; `crashes.ts` and `byzantine.ts`
 * inject the faults; `invariants.ts` checks the run.
 */
import type { Address, Hash, ValidatorPower } from '../../chain/types';
import type { TimeoutParams } from '../machine';
import { ProposerRotation } from '../proposer';
import { selectValidators, toValidatorPowers, type Candidate } from '../selection';
import type { SimApp } from './app';
import { ChainCrypto } from './chain-crypto';
import { LedgerApp, SIM_CHAIN_ID, SimLedgerShared } from './ledger-app';
import { planCrashes } from './crashes';
import { InvariantChecks } from './invariants';
import { SimNetwork } from './network';
import { SimNode } from './node';
import type { SimNodeDeps, SimNodeState } from './node-state';
import {
  checkSimOptions,
  DEFAULT_NETWORK,
  SIM_TIMEOUTS,
  type SimConsensusCrypto,
  type SimOptions,
} from './options';
import { Prng } from '../../common/prng';
import { EventQueue } from './queue';
import { emptyStats, type RunResult, type SimStats } from './report';
import { SimCrypto } from './signing';

/** One simulation run. Build it, call `run()`. */
export class Simulation<S, B> implements SimNodeDeps<S, B> {
  readonly queue = new EventQueue();
  readonly rng: Prng;
  readonly crypto: SimConsensusCrypto;
  readonly nodes: SimNode<S, B>[] = [];
  readonly validators: ValidatorPower[];
  readonly proposer: (height: number, round: number) => Address;
  readonly timeouts: TimeoutParams;
  readonly gossipMs: number;
  readonly targetHeight: number;
  readonly stats: SimStats = emptyStats();
  /** Conflicting proposals of Byzantine proposers: `${height}:${round}` → [block of group 0, block of group 1]. */
  readonly coalition = new Map<string, [Hash, Hash]>();
  readonly app: SimApp<S, B>;
  readonly network: SimNetwork<B>;
  /** Ground truth and the invariants checked against it. */
  readonly checks: InvariantChecks<S, B>;
  private readonly addressIndex = new Map<Address, number>();
  /** Each honest node's time per height up to the target, when `measureHeights`. */
  private readonly heightMs: number[] = [];
  /** Virtual time after which no more faults are planned. */
  private faultsEndMs = 0;

  constructor(
    readonly options: SimOptions,
    makeApp: (crypto: SimConsensusCrypto, validators: ValidatorPower[]) => SimApp<S, B>,
  ) {
    const o = options;
    checkSimOptions(o);
    this.rng = new Prng(o.seed);
    this.crypto = (o.makeCrypto ?? ((id: string) => new SimCrypto(id)))(`hotpot-sim-${o.seed}`);
    this.timeouts = { ...SIM_TIMEOUTS, ...o.timeouts };
    this.gossipMs = o.gossipIntervalMs ?? 120;
    this.targetHeight = o.heights;
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
    const checks = new InvariantChecks({
      app: this.app,
      stats: this.stats,
      nodes: this.nodes,
      targetHeight: this.targetHeight,
    });
    this.checks = checks;
    this.network = new SimNetwork(
      { ...DEFAULT_NETWORK, ...o.network },
      {
        queue: this.queue,
        rng: this.rng,
        stats: this.stats,
        peers: this.nodes,
        onHonestDelivery: (v) => checks.noteDelivered(v),
      },
    );
    this.network.splitGroups();
    this.faultsEndMs = Math.max(this.faultsEndMs, this.network.planPartition());
    if (o.faults.kind === 'crash')
      for (const i of faulty)
        this.faultsEndMs = Math.max(
          this.faultsEndMs,
          planCrashes(this.nodes[i] as SimNode<S, B>, this.queue, this.rng),
        );
  }

  /** The node index of a validator address, -1 for none. */
  indexOf(a: Address): number {
    return this.addressIndex.get(a) ?? -1;
  }

  /** Checks a commit against what other honest nodes committed at that height. */
  recordCommit(node: SimNodeState<S, B>, height: number, hash: Hash, root: Hash): void {
    this.checks.recordCommit(node, height, hash, root);
    if (this.options.measureHeights && !node.byzantine && height <= this.targetHeight)
      this.heightMs.push(this.queue.nowMs - node.heightStartedMs);
  }

  private finished(): boolean {
    if (this.queue.nowMs < this.faultsEndMs) return false;
    return this.checks.settled();
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
    const { reachedTarget, evidenceCommitted, failures } = this.checks.verdict(this.queue.nowMs);
    return {
      ...this.stats,
      seed: this.options.seed,
      ok: failures.length === 0,
      failures,
      reachedTarget,
      doubleVotesSent: this.checks.doubleVotesSent.size,
      doubleVotes: this.checks.doubleVotes.size,
      evidenceCommitted,
      partitioned: this.network.partitioned,
      finalHeights: this.nodes.map((n) => n.chain.length),
      virtualTimeMs: Math.round(this.queue.nowMs),
      events: this.queue.processed,
      signatures: this.crypto.stats.signs,
      recoveries: this.crypto.stats.recoveries,
      heightMs: this.heightMs,
    };
  }
}

/**
 * One run of the real ledger (`LedgerApp`) on the chain's signatures (`ChainCrypto`). Runs that pass
 * the same `shared` reuse its signed transfers and verified signatures.
 */
export function runSimulation(
  options: SimOptions,
  shared: SimLedgerShared = new SimLedgerShared(),
): RunResult {
  const sim = new Simulation(
    { makeCrypto: () => new ChainCrypto(SIM_CHAIN_ID, shared.cache, shared.verifier), ...options },
    (_crypto, validators) => new LedgerApp(validators, shared),
  );
  return sim.run();
}
