/**
 * The text form of a libp2p peer id, checked without libp2p (the pure chain core and the API contract
 * both check it): base58btc, 46 (`Qm…`, RSA) to 64 characters (`12D3KooW…`, Ed25519, is 52).
 */
export const PEER_ID_RE = /^[1-9A-HJ-NP-Za-km-z]{46,64}$/;
