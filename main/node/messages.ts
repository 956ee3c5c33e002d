/**
 * Byte layouts the driver puts on the network (the chain's canonical encodings inside a small frame):
 * - a `proposal` gossip message: `u32 proposal length ‖ encodeProposal ‖ encodeBlock`;
 * - one block served to a syncing peer: `u32 block length ‖ encodeBlock ‖ encodeCommit`.
 * Sizes are checked before anything is decoded.
 *
 * Votes and proposals travel inside a gossip envelope `u64 sequence ‖ payload`: a node re-sends its
 * own votes and proposal until the height is decided (Tendermint needs eventual delivery), and
 * gossipsub drops byte-identical messages it has seen, so each re-send carries a new sequence number.
 */
import { type Block, type Commit, type DecodedBlock, decodeBlock, decodeCommit } from '../chain/block';
import type { EncodingLimits } from '../chain/encoding';
import { ChainError } from '../chain/errors';
import type { Proposal } from '../chain/types';
import { decodeProposal } from '../chain/vote';

function frame(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + a.length + b.length);
  new DataView(out.buffer).setUint32(0, a.length);
  out.set(a, 4);
  out.set(b, 4 + a.length);
  return out;
}

function unframe(bytes: Uint8Array, what: string, maxFirst: number): [Uint8Array, Uint8Array] {
  if (bytes.length < 4)
    throw new ChainError('MALFORMED', `${what} is ${bytes.length} bytes, too short for its frame`);
  const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
  if (n > maxFirst || 4 + n > bytes.length)
    throw new ChainError('MALFORMED', `${what} frame says ${n} bytes, which does not fit`);
  return [bytes.subarray(4, 4 + n), bytes.subarray(4 + n)];
}

/** Frames an encoded proposal with its encoded block. */
export function encodeProposalMessage(proposal: Uint8Array, block: Uint8Array): Uint8Array {
  return frame(proposal, block);
}

/**
 * Splits a proposal message into the decoded proposal and the block's bytes, without decoding the
 * block: gossip admission checks the proposal's signer and signature (which names the block hash)
 * first, and decodes the block only then (`decodeProposalBlock`).
 */
export function splitProposalMessage(bytes: Uint8Array): { proposal: Proposal; blockBytes: Uint8Array } {
  const [p, b] = unframe(bytes, 'a proposal message', 256);
  return { proposal: decodeProposal(p), blockBytes: b };
}

/** Decodes the block of a proposal message split by `splitProposalMessage` (size limit checked first). */
export function decodeProposalBlock(blockBytes: Uint8Array, limits: EncodingLimits): DecodedBlock {
  return decodeBlock(blockBytes, limits);
}

/** Decodes a proposal message: its proposal and its block (the block's size limit is checked first). */
export function decodeProposalMessage(
  bytes: Uint8Array,
  limits: EncodingLimits,
): { proposal: Proposal; block: DecodedBlock; blockBytes: Uint8Array } {
  const { proposal, blockBytes } = splitProposalMessage(bytes);
  return { proposal, block: decodeProposalBlock(blockBytes, limits), blockBytes };
}

/** Frames an encoded block with the encoded commit that finalized it (one sync item). */
export function encodeSyncItem(block: Uint8Array, commit: Uint8Array): Uint8Array {
  return frame(block, commit);
}

/** One decoded sync item: a finalized block and its commit, with their bytes. */
export interface SyncItem {
  block: DecodedBlock;
  blockBytes: Uint8Array;
  commit: Commit;
  commitBytes: Uint8Array;
}

/** Decodes one sync item. */
export function decodeSyncItem(bytes: Uint8Array, limits: EncodingLimits): SyncItem {
  const [b, c] = unframe(bytes, 'a synced block', limits.maxBlockBytes);
  return { block: decodeBlock(b, limits), blockBytes: b, commit: decodeCommit(c, limits), commitBytes: c };
}

export type { Block };

/** Wraps a vote or proposal payload for gossip with a sequence number (see the module comment). */
export function wrapGossip(seq: bigint, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + payload.length);
  new DataView(out.buffer).setBigUint64(0, BigInt.asUintN(64, seq));
  out.set(payload, 8);
  return out;
}

/** The payload of a gossip envelope. */
export function unwrapGossip(bytes: Uint8Array): Uint8Array {
  if (bytes.length < 9)
    throw new ChainError(
      'MALFORMED',
      `a gossip message is ${bytes.length} bytes, too short for its envelope`,
    );
  return bytes.subarray(8);
}
