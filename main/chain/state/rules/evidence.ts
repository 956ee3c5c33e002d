/**
 * The evidence rules: a double vote or a double proposal, whether a block carries it or a transaction
 * does (`evidence`, `proposal-evidence`), slashes the validator's stake, cuts its reputation and jails
 * it (pure). The same offence is punished once.
 */
import { KIND } from '../../encoding';
import { type DoubleProposalEvidence, checkDoubleProposalEvidence } from '../../proposal-evidence';
import type { Address, Hash } from '../../types';
import { type DoubleVoteEvidence, checkDoubleVoteEvidence } from '../../vote';
import { getValidator, putValidator } from '../access';
import type { ApplyContext, BlockAcc } from '../apply-context';
import { type ConsensusHooks, clampRep } from '../consensus-hooks';
import { fail } from '../fail';
import { encodeHeight } from '../records';
import type { StateStore } from '../store';
import { slashUnbonding } from './unbonding';

/**
 * Punishes a double vote: checks it (`BAD_EVIDENCE`, `DUPLICATE_EVIDENCE`, `UNKNOWN_VALIDATOR`),
 * burns `slashFractionBps` of the stake, applies the `double-vote` reputation event and jails the
 * validator for `jailEpochs`.
 */
export function applyEvidence(
  s: StateStore,
  e: DoubleVoteEvidence,
  acc: BlockAcc,
  ctx: ApplyContext,
  hooks: ConsensusHooks,
): void {
  const id = checkDoubleVoteEvidence(ctx.config.chainId, e.a, e.b, ctx.verify);
  punish(
    s,
    { id, validator: e.a.validator, height: e.a.height, round: e.a.round, what: 'double vote' },
    acc,
    ctx,
    hooks,
  );
}

/**
 * Punishes a double proposal like a double vote: checks it (`BAD_EVIDENCE`, `DUPLICATE_EVIDENCE`,
 * `UNKNOWN_VALIDATOR`), slashes, cuts reputation and jails.
 */
export function applyProposalEvidence(
  s: StateStore,
  e: DoubleProposalEvidence,
  acc: BlockAcc,
  ctx: ApplyContext,
  hooks: ConsensusHooks,
): void {
  const id = checkDoubleProposalEvidence(ctx.config.chainId, e, ctx.verify);
  punish(
    s,
    { id, validator: e.a.proposer, height: e.a.height, round: e.a.round, what: 'double proposal' },
    acc,
    ctx,
    hooks,
  );
}

/** One offence proven by evidence: its id in state, who, where, and what it was (for messages). */
interface Offence {
  id: Hash;
  validator: Address;
  height: number;
  round: number;
  what: 'double vote' | 'double proposal';
}

function punish(s: StateStore, o: Offence, acc: BlockAcc, ctx: ApplyContext, hooks: ConsensusHooks): void {
  if (o.height >= acc.height)
    fail('BAD_EVIDENCE', `evidence for height ${o.height} cannot be in block ${acc.height}`);
  if (s.get(`ev:${o.id}`))
    fail(
      'DUPLICATE_EVIDENCE',
      `this ${o.what} of ${o.validator} at height ${o.height} round ${o.round} was already punished`,
    );
  const v = getValidator(s, o.validator) ?? fail('UNKNOWN_VALIDATOR', `${o.validator} is not a validator`);
  const slash = (v.stake * BigInt(ctx.config.params.slashFractionBps)) / 10_000n;
  putValidator(s, {
    ...v,
    stake: v.stake - slash,
    reputationPpm: clampRep(hooks.reputation(v.reputationPpm, 'double-vote')),
    jailedUntilEpoch: Math.max(v.jailedUntilEpoch, acc.epoch + ctx.config.params.jailEpochs),
  });
  s.set(`ev:${o.id}`, encodeHeight(KIND.evidenceSeen, acc.height));
  acc.burned += slash + slashUnbonding(s, o.validator, o.height, ctx.config.params);
  acc.slashed.push(v.address);
}
