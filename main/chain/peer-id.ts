/**
 * Which libp2p peer ids may connect to a chain's nodes (pure): their text form, checked without
 * libp2p (the chain core imports none), and the state key of a peer registered on chain.
 */

/** A libp2p peer id as text: base58btc, 46 (`Qm…`, RSA) to 64 characters (`12D3KooW…` is 52, Ed25519). */
export const PEER_ID_RE = /^[1-9A-HJ-NP-Za-km-z]{46,64}$/;

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
