/**
 * The audit rule: a franchise's owner anchors the head of its store's audit log, each anchor above
 * the last, so a log rolled back later cannot be covered by anchoring an older head again (pure).
 */
import type { PayloadOf } from '../../tx/types';
import type { Address } from '../../types';
import { getAuditAnchor, putAuditAnchor } from '../access';
import type { BlockAcc } from '../apply-context';
import { fail } from '../fail';
import type { StateStore } from '../store';
import { ownedActiveFranchise } from './franchise';

/**
 * Records `p`'s head as the franchise's latest audit anchor at this block (`UNKNOWN_FRANCHISE`,
 * `UNAUTHORIZED`, `FRANCHISE_INACTIVE`, or `STALE_AUDIT_ANCHOR` when `seq` is not above the last one).
 */
export function anchorAudit(
  s: StateStore,
  sender: Address,
  p: PayloadOf<'anchor-audit'>,
  acc: Pick<BlockAcc, 'height' | 'timeMs'>,
): void {
  ownedActiveFranchise(s, sender, p.franchiseId);
  const last = getAuditAnchor(s, p.franchiseId);
  if (last && p.seq <= last.seq)
    fail(
      'STALE_AUDIT_ANCHOR',
      `franchise ${p.franchiseId} already anchored audit entry ${last.seq} (height ${last.height}); a new anchor must be above it, got ${p.seq}`,
      { franchiseId: p.franchiseId, lastSeq: last.seq, got: p.seq },
    );
  putAuditAnchor(s, p.franchiseId, { seq: p.seq, hash: p.hash, height: acc.height, timeMs: acc.timeMs });
}
