/** The staking rules: stake moves balance into a validator record, unstake starts moving it back (pure). */
import type { ChainParams } from '../../params';
import type { PayloadOf } from '../../tx/types';
import type { Address } from '../../types';
import { debit, getValidator, putValidator } from '../access';
import { fail } from '../fail';
import type { StateStore } from '../store';
import { startUnbonding } from './unbonding';

/**
 * Stakes `p.amount` of the sender's balance and sets its region; a new candidate starts with
 * `initialReputationPpm` and is not jailed.
 */
export function applyStake(s: StateStore, sender: Address, p: PayloadOf<'stake'>, params: ChainParams): void {
  debit(s, sender, p.amount);
  const v = getValidator(s, sender) ?? {
    address: sender,
    stake: 0n,
    reputationPpm: params.initialReputationPpm,
    region: p.region,
    jailedUntilEpoch: 0,
  };
  putValidator(s, { ...v, stake: v.stake + p.amount, region: p.region });
}

/**
 * Takes `p.amount` out of the sender's stake into unbonding (`unbonding.ts`), which returns it to the
 * balance after `unbondingBlocks` (`UNKNOWN_VALIDATOR`, `VALIDATOR_JAILED` while jailed in `epoch`,
 * `INSUFFICIENT_STAKE`).
 */
export function applyUnstake(
  s: StateStore,
  sender: Address,
  p: PayloadOf<'unstake'>,
  at: { epoch: number; height: number },
  params: ChainParams,
): void {
  const epoch = at.epoch;
  const v = getValidator(s, sender) ?? fail('UNKNOWN_VALIDATOR', `${sender} has no stake`);
  if (v.jailedUntilEpoch > epoch)
    fail(
      'VALIDATOR_JAILED',
      `${sender} is jailed until epoch ${v.jailedUntilEpoch} and cannot unstake before then`,
    );
  if (v.stake < p.amount)
    fail('INSUFFICIENT_STAKE', `${sender} has ${v.stake} staked and cannot unstake ${p.amount}`);
  putValidator(s, { ...v, stake: v.stake - p.amount });
  startUnbonding(s, sender, p.amount, at.height, params);
}
