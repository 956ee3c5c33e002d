/**
 * Which rule runs a transaction's payload: the dispatcher from tx type to its family's rule (pure).
 * One file per family beside this one: transfer, stake (stake, unstake), franchise (register,
 * update), sales, media, kyc, evidence, audit, peers. A new tx type adds a family file and a case here.
 */
import type { Tx } from '../../tx/types';
import type { ApplyContext, BlockAcc } from '../apply-context';
import type { ConsensusHooks } from '../consensus-hooks';
import type { StateStore } from '../store';
import { anchorAudit } from './audit';
import { applyEvidence, applyProposalEvidence } from './evidence';
import { registerPeer } from './peers';
import { registerFranchise, updateFranchise } from './franchise';
import { attestKyc } from './kyc';
import { anchorMedia } from './media';
import { recordSales } from './sales';
import { applyStake, applyUnstake } from './stake';
import { applyTransfer } from './transfer';

/**
 * Runs `tx`'s payload against `s` (its fee and nonce were already taken). Throws the typed
 * `ChainError` of the rule it fails; the caller discards what `s` recorded then.
 */
export function executePayload(
  s: StateStore,
  tx: Tx,
  acc: BlockAcc,
  ctx: ApplyContext,
  hooks: ConsensusHooks,
): void {
  const p = tx.payload;
  switch (p.type) {
    case 'transfer':
      return applyTransfer(s, tx.sender, p);
    case 'stake':
      return applyStake(s, tx.sender, p, ctx.config.params);
    case 'unstake':
      return applyUnstake(s, tx.sender, p, acc, ctx.config.params);
    case 'franchise-register':
      return registerFranchise(s, p);
    case 'franchise-update':
      return updateFranchise(s, p);
    case 'record-sales':
      return recordSales(s, tx.sender, p, acc, ctx.config);
    case 'anchor-media':
      return anchorMedia(s, tx.sender, p, acc.height);
    case 'kyc-attest':
      return attestKyc(s, p, acc.height);
    case 'evidence':
      return applyEvidence(s, p.evidence, acc, ctx, hooks);
    case 'proposal-evidence':
      return applyProposalEvidence(s, p.evidence, acc, ctx, hooks);
    case 'anchor-audit':
      return anchorAudit(s, tx.sender, p, acc);
    case 'peer-register':
      return registerPeer(s, p);
  }
}
