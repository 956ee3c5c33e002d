/**
 * Core value types shared by the chain and consensus modules. Pure (no I/O).
 * Byte strings travel as lowercase 0x-prefixed hex in objects that cross boundaries (JSON, IPC);
 * encodings work on Uint8Array.
 */

/** Lowercase 0x-prefixed hex string. */
export type Hex = `0x${string}`;
/** 20-byte account address, lowercase 0x hex inside the system; EIP-55 checksummed only when shown. */
export type Address = Hex;
/** 32-byte hash (keccak-256 unless said otherwise), lowercase 0x hex. */
export type Hash = Hex;

/** The two vote steps of a Tendermint round. */
export type VoteType = 'prevote' | 'precommit';

/**
 * A signed consensus vote. `blockHash === null` is a vote for nil.
 * Sign bytes: `voteSignBytes(chainId, vote)` in `main/chain/vote.ts` (domain-separated, deterministic).
 */
export interface Vote {
  type: VoteType;
  height: number;
  round: number;
  blockHash: Hash | null;
  validator: Address;
  /** 65-byte recoverable secp256k1 signature (r ‖ s ‖ v), hex. */
  signature: Hex;
}

/**
 * A signed block proposal for (height, round). `polRound` is the proof-of-lock round (-1 if none),
 * as in Tendermint's PROPOSAL message. The block itself travels beside it (encoded) in the driver.
 */
export interface Proposal {
  height: number;
  round: number;
  blockHash: Hash;
  polRound: number;
  proposer: Address;
  signature: Hex;
}

/** One member of the active validator set with its voting power (an integer ≥ 1). */
export interface ValidatorPower {
  address: Address;
  votingPower: number;
}
