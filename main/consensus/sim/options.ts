/**
 * What one simulation run is configured with (validators, faults, network, timeouts, crypto), the
 * defaults for what it leaves out, and which option values a run refuses.
 */
import type { SignatureVerifier } from '../../chain/keys';
import { ConsensusError } from '../errors';
import type { TimeoutParams } from '../machine';
import type { ConsensusCrypto, CryptoStats } from './signing';
import type { WanModel } from './wan';

/** Which validators misbehave, and how. */
export interface FaultSpec {
  kind: 'none' | 'byzantine' | 'crash';
  count: number;
}

/** The simulated network. */
export interface NetworkParams {
  minDelayMs: number;
  maxDelayMs: number;
  /** Chance that a message is delayed up to `spikeMaxDelayMs` instead (reordering). */
  spikeChance: number;
  spikeMaxDelayMs: number;
  dropChance: number;
  /** Chance that a run has a partition (random split) that heals later. */
  partitionChance: number;
  /** A wide-area network instead of the delays and drops above (`wan.ts`). */
  wan?: WanModel;
}

/** Options of one run. */
export interface SimOptions {
  validators: number;
  faults: FaultSpec;
  /** Every honest node that is up at the end must have committed this height. */
  heights: number;
  seed: number;
  network?: Partial<NetworkParams>;
  timeouts?: Partial<TimeoutParams>;
  gossipIntervalMs?: number;
  /** The run fails if it has not finished by this virtual time. */
  maxVirtualTimeMs?: number;
  /**
   * Signing and verification; `SimCrypto` (noble secp256k1 + keccak) by default. The node driver
   * can pass one built on `main/chain/vote.ts` to run the simulation on the chain's sign bytes.
   */
  makeCrypto?: (chainId: string) => SimConsensusCrypto;
  /** Checks signatures faster than noble (the CLI passes the node's native verifier); same answers. */
  signatureVerifier?: SignatureVerifier;
  /** Collects each honest node's time per height (`RunResult.heightMs`). */
  measureHeights?: boolean;
}

/** What the simulation needs from its crypto: `ConsensusCrypto` plus work counters. */
export type SimConsensusCrypto = ConsensusCrypto & { readonly stats: CryptoStats };

/** The default network: 5–60 ms delays, 5 % of messages up to 500 ms late, 5 % dropped, a partition in 70 % of runs. */
export const DEFAULT_NETWORK: NetworkParams = {
  minDelayMs: 5,
  maxDelayMs: 60,
  spikeChance: 0.05,
  spikeMaxDelayMs: 500,
  dropChance: 0.05,
  partitionChance: 0.7,
};

/** Simulation timeouts: short virtual times, growing 100 ms per round. */
export const SIM_TIMEOUTS: TimeoutParams = {
  proposeBaseMs: 300,
  proposeDeltaMs: 100,
  prevoteBaseMs: 150,
  prevoteDeltaMs: 100,
  precommitBaseMs: 150,
  precommitDeltaMs: 100,
};

/** Throws `ConsensusError` `INVALID_PARAMS` when the validator count, fault count or target height is out of range. */
export function checkSimOptions(o: SimOptions): void {
  if (!Number.isInteger(o.validators) || o.validators < 1 || o.validators > 100) {
    throw new ConsensusError('INVALID_PARAMS', `the simulation needs 1..100 validators, got ${o.validators}`);
  }
  if (
    o.faults.kind !== 'none' &&
    (!Number.isInteger(o.faults.count) || o.faults.count < 0 || o.faults.count > o.validators)
  ) {
    throw new ConsensusError(
      'INVALID_PARAMS',
      `the fault count must be 0..${o.validators} (the number of validators), got ${o.faults.count}`,
    );
  }
  if (!Number.isInteger(o.heights) || o.heights < 1)
    throw new ConsensusError('INVALID_PARAMS', `the target height must be an integer ≥ 1, got ${o.heights}`);
}
