/** The part of the `secp256k1` package (native libsecp256k1 bindings) that the node uses. */
declare module 'secp256k1/bindings.js' {
  /** True iff `sig` (64-byte r ‖ s, low-S) signs `msg32` under `pubkey` (33 or 65 bytes). Throws on unparsable input. */
  export function ecdsaVerify(sig: Uint8Array, msg32: Uint8Array, pubkey: Uint8Array): boolean;
  /** The public key that made `sig` with recovery id `recid` over `msg32`; throws when none. */
  export function ecdsaRecover(
    sig: Uint8Array,
    recid: number,
    msg32: Uint8Array,
    compressed?: boolean,
  ): Uint8Array;
}
