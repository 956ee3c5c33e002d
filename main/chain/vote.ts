/**
 * Votes, proposals and double-vote evidence: canonical encodings, sign bytes and checks (pure).
 *
 * Sign bytes are `domainTag ‖ chainId ‖ fields without the signature`; the signed message is the
 * keccak-256 of the sign bytes (see `keys.ts`). Votes and proposals carry recoverable 65-byte
 * signatures, verified by recovering the signer's address and comparing it with the named validator.
 */
import { compareBytes, fromHex, keccak256, toHex, utf8ToBytes } from './bytes';
import { KIND, Reader, Writer, decodeWith, writer } from './encoding';
import { ChainError } from './errors';
import {
  DOMAIN,
  type SignatureCheck,
  privateKeyToAddress,
  recoverAddressWith,
  signRecoverable,
} from './keys';
import type { Address, Hash, Hex, Proposal, Vote, VoteType } from './types';

const VOTE_TYPES: readonly VoteType[] = ['prevote', 'precommit'];
/** Longest chain id in bytes. */
export const MAX_CHAIN_ID_BYTES = 64;

/** Two conflicting signed votes of one validator for one (height, round, type). */
export interface DoubleVoteEvidence {
  /** The vote with the smaller block hash (nil sorts first). */
  a: Vote;
  /** The vote with the larger block hash. */
  b: Vote;
}

/** Writes the chain id as the first field of every signed body. */
export function writeChainId(w: Writer, chainId: string): void {
  w.string(chainId, MAX_CHAIN_ID_BYTES, 'chainId');
}

function writeVoteFields(w: Writer, vote: Omit<Vote, 'signature'>): void {
  w.u8(voteTypeCode(vote.type)).uint(vote.height, 'height').uint(vote.round, 'round');
  w.opt(vote.blockHash, (ww, h) => ww.hex(h, 32, 'blockHash'));
  w.hex(vote.validator, 20, 'validator');
}

function voteTypeCode(t: VoteType): number {
  const i = VOTE_TYPES.indexOf(t);
  if (i < 0) throw new ChainError('MALFORMED', `vote type must be prevote or precommit, got ${String(t)}`);
  return i;
}

/** Writes a vote (with signature) inside a larger encoding. */
export function writeVote(w: Writer, vote: Vote): void {
  writeVoteFields(w, vote);
  w.hex(vote.signature, 65, 'signature');
}

/** Reads a vote written by `writeVote`. */
export function readVote(r: Reader): Vote {
  const type = VOTE_TYPES[r.enumCode(2, 'vote type')] as VoteType;
  const height = r.uint('height');
  const round = r.uint('round');
  const blockHash = r.opt((rr) => rr.hex(32, 'blockHash'), 'blockHash marker');
  const validator = r.hex(20, 'validator');
  const signature = r.hex(65, 'signature');
  return { type, height, round, blockHash, validator, signature };
}

/** Canonical encoding of a vote. */
export function encodeVote(vote: Vote): Uint8Array {
  const w = writer(KIND.vote);
  writeVote(w, vote);
  return w.finish();
}

/** Decodes a vote; rejects non-canonical input. */
export function decodeVote(bytes: Uint8Array): Vote {
  if (bytes.length > 256)
    throw new ChainError('MALFORMED', `a vote is at most 256 bytes, got ${bytes.length}`);
  return decodeWith(bytes, KIND.vote, 'vote', readVote);
}

/**
 * The bytes a validator signs for a vote: `"hotpot:vote:v1" ‖ chainId ‖ type ‖ height ‖ round ‖ blockHash? ‖ validator`.
 *
 * @example signRecoverable(keccak256(voteSignBytes('hotpot-dev', vote)), key)
 */
export function voteSignBytes(chainId: string, vote: Omit<Vote, 'signature'>): Uint8Array {
  const w = new Writer().raw(utf8ToBytes(DOMAIN.vote));
  writeChainId(w, chainId);
  writeVoteFields(w, vote);
  return w.finish();
}

/** The bytes a proposer signs: `"hotpot:proposal:v1" ‖ chainId ‖ height ‖ round ‖ blockHash ‖ polRound+1 ‖ proposer`. */
export function proposalSignBytes(chainId: string, proposal: Omit<Proposal, 'signature'>): Uint8Array {
  const w = new Writer().raw(utf8ToBytes(DOMAIN.proposal));
  writeChainId(w, chainId);
  writeProposalFields(w, proposal);
  return w.finish();
}

function writeProposalFields(w: Writer, p: Omit<Proposal, 'signature'>): void {
  if (!Number.isSafeInteger(p.polRound) || p.polRound < -1)
    throw new ChainError('MALFORMED', `polRound must be -1 or a round, got ${p.polRound}`);
  w.uint(p.height, 'height')
    .uint(p.round, 'round')
    .hex(p.blockHash, 32, 'blockHash')
    .uint(p.polRound + 1, 'polRound')
    .hex(p.proposer, 20, 'proposer');
}

/** Writes a signed proposal inside a larger encoding. */
export function writeProposal(w: Writer, p: Proposal): void {
  writeProposalFields(w, p);
  w.hex(p.signature, 65, 'signature');
}

/** Reads a proposal written by `writeProposal`. */
export function readProposal(r: Reader): Proposal {
  const height = r.uint('height');
  const round = r.uint('round');
  const blockHash = r.hex(32, 'blockHash');
  const polRound = r.uint('polRound') - 1;
  const proposer = r.hex(20, 'proposer');
  const signature = r.hex(65, 'signature');
  return { height, round, blockHash, polRound, proposer, signature };
}

/** Canonical encoding of a proposal. */
export function encodeProposal(p: Proposal): Uint8Array {
  const w = writer(KIND.proposal);
  writeProposal(w, p);
  return w.finish();
}

/** Decodes a proposal; rejects non-canonical input. */
export function decodeProposal(bytes: Uint8Array): Proposal {
  if (bytes.length > 256)
    throw new ChainError('MALFORMED', `a proposal is at most 256 bytes, got ${bytes.length}`);
  return decodeWith(bytes, KIND.proposal, 'proposal', readProposal);
}

/**
 * Signs a vote with the validator's key; `validator` is derived from the key.
 *
 * @example const v = signVote('hotpot-dev', { type: 'precommit', height: 5, round: 0, blockHash }, key);
 */
export function signVote(
  chainId: string,
  vote: Omit<Vote, 'signature' | 'validator'>,
  privateKey: Uint8Array,
): Vote {
  const unsigned = { ...vote, validator: privateKeyToAddress(privateKey) };
  const signature = toHex(signRecoverable(keccak256(voteSignBytes(chainId, unsigned)), privateKey));
  return { ...unsigned, signature };
}

/** Signs a proposal with the proposer's key; `proposer` is derived from the key. */
export function signProposal(
  chainId: string,
  proposal: Omit<Proposal, 'signature' | 'proposer'>,
  privateKey: Uint8Array,
): Proposal {
  const unsigned = { ...proposal, proposer: privateKeyToAddress(privateKey) };
  const signature = toHex(signRecoverable(keccak256(proposalSignBytes(chainId, unsigned)), privateKey));
  return { ...unsigned, signature };
}

function verifyRecoverable(
  hash: Uint8Array,
  signature: Hex,
  expected: Address,
  check: SignatureCheck = {},
): boolean {
  const { cache } = check;
  const key = cache ? `s:${toHex(hash)}:${signature}:${expected}` : '';
  if (cache?.has(key)) return true;
  let ok: boolean;
  try {
    ok = recoverAddressWith(hash, fromHex(signature, 65, 'signature'), check.verifier) === expected;
  } catch {
    ok = false;
  }
  if (ok) cache?.add(key);
  return ok;
}

/** True if the vote's signature is by `vote.validator` for this chain. Never throws. */
export function verifyVote(chainId: string, vote: Vote, check?: SignatureCheck): boolean {
  try {
    return verifyRecoverable(keccak256(voteSignBytes(chainId, vote)), vote.signature, vote.validator, check);
  } catch {
    return false;
  }
}

/** True if the proposal's signature is by `proposal.proposer` for this chain. Never throws. */
export function verifyProposal(chainId: string, proposal: Proposal, check?: SignatureCheck): boolean {
  try {
    return verifyRecoverable(
      keccak256(proposalSignBytes(chainId, proposal)),
      proposal.signature,
      proposal.proposer,
      check,
    );
  } catch {
    return false;
  }
}

/** Orders two block hashes: nil first, then by bytes. */
export function blockHashOrder(x: Hash | null, y: Hash | null): number {
  if (x === y) return 0;
  if (x === null) return -1;
  if (y === null) return 1;
  return compareBytes(fromHex(x), fromHex(y));
}

/** Puts two conflicting votes in the canonical evidence order (nil first, then by block hash). */
export function makeDoubleVoteEvidence(v1: Vote, v2: Vote): DoubleVoteEvidence {
  return blockHashOrder(v1.blockHash, v2.blockHash) <= 0 ? { a: v1, b: v2 } : { a: v2, b: v1 };
}

/**
 * Checks that two votes prove a double vote: same validator, height, round and type, different block
 * hashes (nil counts as a value), in canonical order, both validly signed for `chainId`. Returns the
 * evidence id (keccak of validator, height, round, type), which state uses so one double vote is
 * punished once. Throws `BAD_EVIDENCE` saying what is wrong.
 */
export function checkDoubleVoteEvidence(chainId: string, a: Vote, b: Vote, check?: SignatureCheck): Hash {
  const fail = (why: string): never => {
    throw new ChainError('BAD_EVIDENCE', `double-vote evidence rejected: ${why}`, {
      validator: a.validator,
      height: a.height,
      round: a.round,
    });
  };
  if (a.validator !== b.validator) fail('the votes are from different validators');
  if (a.height !== b.height || a.round !== b.round) fail('the votes are for different heights or rounds');
  if (a.type !== b.type) fail('the votes are of different types');
  const order = blockHashOrder(a.blockHash, b.blockHash);
  if (order === 0) fail('the votes are for the same block (no conflict)');
  if (order > 0) fail('the votes are not in canonical order (nil first, then by block hash)');
  if (!verifyVote(chainId, a, check))
    fail('the first vote is not validly signed by the validator for this chain');
  if (!verifyVote(chainId, b, check))
    fail('the second vote is not validly signed by the validator for this chain');
  return evidenceId(a);
}

/** The id of a double vote: keccak(validator ‖ height ‖ round ‖ type). */
export function evidenceId(vote: Pick<Vote, 'validator' | 'height' | 'round' | 'type'>): Hash {
  const w = new Writer()
    .hex(vote.validator, 20, 'validator')
    .uint(vote.height)
    .uint(vote.round)
    .u8(voteTypeCode(vote.type));
  return toHex(keccak256(w.finish()));
}

/** Writes evidence inside a larger encoding. */
export function writeEvidence(w: Writer, e: DoubleVoteEvidence): void {
  writeVote(w, e.a);
  writeVote(w, e.b);
}

/** Reads evidence written by `writeEvidence`. */
export function readEvidence(r: Reader): DoubleVoteEvidence {
  return { a: readVote(r), b: readVote(r) };
}

/** Canonical encoding of a piece of evidence. */
export function encodeEvidence(e: DoubleVoteEvidence): Uint8Array {
  const w = writer(KIND.evidence);
  writeEvidence(w, e);
  return w.finish();
}

/** Decodes a piece of evidence. */
export function decodeEvidence(bytes: Uint8Array): DoubleVoteEvidence {
  if (bytes.length > 512)
    throw new ChainError('MALFORMED', `evidence is at most 512 bytes, got ${bytes.length}`);
  return decodeWith(bytes, KIND.evidence, 'evidence', readEvidence);
}
