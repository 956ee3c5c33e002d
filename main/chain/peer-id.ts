/**
 * Which libp2p peer ids may connect to a chain's nodes (pure): their text form, checked without
 * libp2p (the chain core imports none), and the state key of a peer registered on chain.
 */

import { PEER_ID_RE } from '../common/peer-id';

export { PEER_ID_RE };

/** Most peer ids a genesis may list. */
export const MAX_GENESIS_PEER_IDS = 10_000;

/** The state key of a peer id registered by HQ (`peer-register`); present while it is active. */
export function peerKey(peerId: string): `peer:${string}` {
  return `peer:${peerId}`;
}

/** True when `s` looks like a libp2p peer id in text form (see `PEER_ID_RE`). */
export function isPeerId(s: string): boolean {
  return PEER_ID_RE.test(s);
}
