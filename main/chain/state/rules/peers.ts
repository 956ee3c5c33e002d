/**
 * The peer rule: HQ registers (or retires) a franchise node's libp2p peer id; the nodes admit
 * connections only from registered peers and those the genesis lists (pure; HQ's authority is
 * checked before, in `stateless-checks.ts`).
 */
import type { PayloadOf } from '../../tx/types';
import { setPeerRegistered } from '../access';
import type { StateStore } from '../store';

/** Records `p.peerId` as registered (`active`) or removes its registration. */
export function registerPeer(s: StateStore, p: PayloadOf<'peer-register'>): void {
  setPeerRegistered(s, p.peerId, p.active);
}
