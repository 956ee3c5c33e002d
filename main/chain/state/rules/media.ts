/** The media rule: a franchise's camera anchors its recording segments, each segment once (pure). */
import type { PayloadOf } from '../../tx/types';
import type { Address } from '../../types';
import { fail } from '../fail';
import { encodeAnchor } from '../records';
import type { StateStore } from '../store';
import { ownedActiveFranchise } from './franchise';

/** Anchors each segment of the batch at `height` under the sender's active franchise (`DUPLICATE_ANCHOR`). */
export function anchorMedia(
  s: StateStore,
  sender: Address,
  p: PayloadOf<'anchor-media'>,
  height: number,
): void {
  ownedActiveFranchise(s, sender, p.franchiseId);
  for (const seg of p.segments) {
    if (s.get(`anc:${seg.sha256}`))
      fail('DUPLICATE_ANCHOR', `segment ${seg.sha256} was already anchored`, { sha256: seg.sha256 });
    s.set(
      `anc:${seg.sha256}`,
      encodeAnchor({
        franchiseId: p.franchiseId,
        cameraId: p.cameraId,
        cid: seg.cid,
        height,
      }),
    );
  }
}
