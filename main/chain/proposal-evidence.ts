/**
 * Proposal equivocation (pure): two signed proposals of one proposer for one height and round that
 * name different blocks. Like a double vote it slashes and jails; a block carries it after its
 * double votes, or anyone sends it in a `proposal-evidence` transaction.
 */
import { keccak256, toHex, utf8ToBytes } from './bytes';
import { Reader, Writer } from './encoding';
import { ChainError } from './errors';
import type { SignatureCheck } from './keys';
import type { Hash, Proposal } from './types';
import { blockHashOrder, readProposal, verifyProposal, writeProposal } from './vote';

/** Two conflicting signed proposals of one proposer for one (height, round). */
export interface DoubleProposalEvidence {
  /** The proposal with the smaller block hash. */
  a: Proposal;
  /** The proposal with the larger block hash. */
  b: Proposal;
}

/** Puts two conflicting proposals in the canonical order (by block hash). */
export function makeDoubleProposalEvidence(p1: Proposal, p2: Proposal): DoubleProposalEvidence {
  return blockHashOrder(p1.blockHash, p2.blockHash) <= 0 ? { a: p1, b: p2 } : { a: p2, b: p1 };
}

/**
 * Checks that two proposals prove an equivocation: same proposer, height and round, different block
 * hashes in canonical order, both validly signed for `chainId`. Returns the evidence id, which state
 * keeps so one equivocation is punished once. Throws `BAD_EVIDENCE` saying what is wrong.
 */
export function checkDoubleProposalEvidence(
  chainId: string,
  e: DoubleProposalEvidence,
  check?: SignatureCheck,
): Hash {
  const { a, b } = e;
  const fail = (why: string): never => {
    throw new ChainError('BAD_EVIDENCE', `double-proposal evidence rejected: ${why}`, {
      validator: a.proposer,
      height: a.height,
      round: a.round,
    });
  };
  if (a.proposer !== b.proposer) fail('the proposals are from different proposers');
  if (a.height !== b.height || a.round !== b.round) fail('the proposals are for different heights or rounds');
  const order = blockHashOrder(a.blockHash, b.blockHash);
  if (order === 0) fail('the proposals are for the same block (no conflict)');
  if (order > 0) fail('the proposals are not in canonical order (by block hash)');
  if (!verifyProposal(chainId, a, check))
    fail('the first proposal is not validly signed by the proposer for this chain');
  if (!verifyProposal(chainId, b, check))
    fail('the second proposal is not validly signed by the proposer for this chain');
  return proposalEvidenceId(a);
}

const ID_DOMAIN = utf8ToBytes('hotpot/double-proposal');

/**
 * The id of a double proposal: keccak(domain ‖ proposer ‖ height ‖ round). Its input is longer than
 * any double vote's (`evidenceId`), so the two kinds never share an id.
 */
export function proposalEvidenceId(p: Pick<Proposal, 'proposer' | 'height' | 'round'>): Hash {
  const w = new Writer().hex(p.proposer, 20, 'proposer').uint(p.height).uint(p.round);
  return toHex(keccak256(ID_DOMAIN, w.finish()));
}

/** Writes a double proposal inside a larger encoding. */
export function writeProposalEvidence(w: Writer, e: DoubleProposalEvidence): void {
  writeProposal(w, e.a);
  writeProposal(w, e.b);
}

/** Reads a double proposal written by `writeProposalEvidence`. */
export function readProposalEvidence(r: Reader): DoubleProposalEvidence {
  return { a: readProposal(r), b: readProposal(r) };
}
