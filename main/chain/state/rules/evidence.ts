/**
 * The evidence rule: a double vote, whether a block carries it or an `evidence` transaction does,
 * slashes the validator's stake, cuts its reputation and jails it (pure). The same double vote is
 * punished once.
 */
import { KIND } from '../../encoding';
import { type DoubleVoteEvidence, checkDoubleVoteEvidence } from '../../vote';
import { getValidator, putValidator } from '../access';
import type { ApplyContext, BlockAcc } from '../apply-context';
import { type ConsensusHooks, clampRep } from '../consensus-hooks';
import { fail } from '../fail';
import { encodeHeight } from '../records';
import type { StateStore } from '../store';

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
  if (e.a.height >= acc.height)
    fail('BAD_EVIDENCE', `evidence for height ${e.a.height} cannot be in block ${acc.height}`);
  if (s.get(`ev:${id}`))
    fail(
      'DUPLICATE_EVIDENCE',
      `this double vote of ${e.a.validator} at height ${e.a.height} round ${e.a.round} was already punished`,
    );
  const v =
    getValidator(s, e.a.validator) ?? fail('UNKNOWN_VALIDATOR', `${e.a.validator} is not a validator`);
  const slash = (v.stake * BigInt(ctx.config.params.slashFractionBps)) / 10_000n;
  putValidator(s, {
    ...v,
    stake: v.stake - slash,
    reputationPpm: clampRep(hooks.reputation(v.reputationPpm, 'double-vote')),
    jailedUntilEpoch: Math.max(v.jailedUntilEpoch, acc.epoch + ctx.config.params.jailEpochs),
  });
  s.set(`ev:${id}`, encodeHeight(KIND.evidenceSeen, acc.height));
  acc.burned += slash;
  acc.slashed.push(v.address);
}
