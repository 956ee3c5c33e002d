/**
 * The consensus layer's rules plugged into the chain's state machine (`ConsensusHooks` of
 * `main/chain/state/consensus-hooks.ts`): reputation follows `main/consensus/reputation.ts` and the validator set
 * chosen at each epoch end follows `main/consensus/selection.ts` (0.4 × reputation + 0.3 × stake share
 * + 0.3 × geographic diversity, a minimum score, a maximum set size, voting power from the score).
 * Every node must use the same hooks: they decide state roots.
 */
import type { ChainConfig } from '../chain/params';
import type { ValidatorRecord } from '../chain/state/records';
import type { ConsensusHooks, ReputationEvent } from '../chain/state/consensus-hooks';
import type { ValidatorPower } from '../chain/types';
import { DEFAULT_REPUTATION_PARAMS, type ReputationParams, clampPpm } from './reputation';
import { PPM, selectValidators, toValidatorPowers } from './selection';

/** Voting power = max(1, floor(score ppm / this)): powers 1…1000. */
export const POWER_UNIT_PPM = 1_000;

/**
 * The hooks for `applyBlock`/`buildBlock`.
 *
 * @example applyBlock(view, block, { config, verify, hooks: consensusHooks() })
 */
export function consensusHooks(params: ReputationParams = DEFAULT_REPUTATION_PARAMS): ConsensusHooks {
  return {
    reputation(currentPpm: number, event: ReputationEvent): number {
      switch (event) {
        case 'signed':
          return clampPpm(currentPpm + params.signedGainPpm);
        case 'missed':
          return clampPpm(currentPpm - params.missedLossPpm);
        case 'proposed':
          return clampPpm(currentPpm + params.proposedGainPpm);
        case 'double-vote':
          return clampPpm(Math.floor((currentPpm * (PPM - params.evidenceCutPpm)) / PPM));
      }
    },
    selectValidators(
      candidates: readonly ValidatorRecord[],
      effectiveEpoch: number,
      config: ChainConfig,
    ): ValidatorPower[] {
      const selected = selectValidators(
        candidates
          .filter((c) => c.stake >= config.params.minStake)
          .map((c) => ({
            address: c.address,
            stake: c.stake,
            reputationPpm: c.reputationPpm,
            region: c.region,
            jailedUntilEpoch: c.jailedUntilEpoch,
          })),
        effectiveEpoch,
        {
          minScorePpm: config.params.minScorePpm,
          maxValidators: config.params.maxValidators,
          powerUnitPpm: POWER_UNIT_PPM,
        },
      );
      return toValidatorPowers(selected);
    },
  };
}
