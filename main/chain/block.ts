/**
 * Blocks, headers, commits and Merkle roots (pure).
 *
 * A block is a header, its transactions, `lastCommit` (the +2/3 precommit signatures of the previous
 * block; null at height 1) and double-vote evidence. The header commits to all of them (tx root,
 * lastCommit hash, evidence hash), so the block hash — keccak-256 of the header encoding — binds
 * everything that can change state. The state root in a header is the root *after* applying the block.
 */
import { compareBytes, fromHex, keccak256, toHex } from './bytes';
import { KIND, type EncodingLimits, DEFAULT_LIMITS, Reader, Writer, decodeWith, writer } from './encoding';
import { ChainError } from './errors';
import type { SignatureCheck } from './keys';
import { decodeTx, encodeTx, txHashOfBytes } from './tx/codec';
import type { Tx } from './tx/types';
import type { Address, Hash, Hex, ValidatorPower, Vote } from './types';
import {
  type DoubleProposalEvidence,
  readProposalEvidence,
  writeProposalEvidence,
} from './proposal-evidence';
import { type DoubleVoteEvidence, MAX_CHAIN_ID_BYTES, readEvidence, verifyVote, writeEvidence } from './vote';

/** A block header. */
export interface BlockHeader {
  chainId: string;
  height: number;
  /** The consensus round the block was decided in. */
  round: number;
  /** Proposer's time, ms since the Unix epoch. */
  timeMs: number;
  /** Hash of the previous block; the genesis hash at height 1. */
  previousHash: Hash;
  /** Merkle root of the transaction hashes (`merkleRoot`). */
  txRoot: Hash;
  /** State root after applying this block. */
  stateRoot: Hash;
  proposer: Address;
  /** `validatorSetHash` of the set that decides this block. */
  validatorSetHash: Hash;
  /** `commitHash(lastCommit)`, or the zero hash at height 1. */
  lastCommitHash: Hash;
  /** `evidenceHash(evidence, limits, proposalEvidence)`. */
  evidenceHash: Hash;
}

/** One validator's precommit signature in a commit. */
export interface CommitSig {
  validator: Address;
  /** 65-byte r ‖ s ‖ v over the precommit's sign bytes. */
  signature: Hex;
}

/**
 * Precommits for one block from more than 2/3 of the voting power. Signatures are sorted by
 * validator address (strictly ascending): one canonical commit per set of signers.
 */
export interface Commit {
  height: number;
  round: number;
  blockHash: Hash;
  signatures: CommitSig[];
}

/** A full block. */
export interface Block {
  header: BlockHeader;
  txs: Tx[];
  lastCommit: Commit | null;
  evidence: DoubleVoteEvidence[];
  /**
   * Double proposals. Encoded after `evidence` only when there are some, so blocks without them
   * (every block before proposal evidence existed) keep their bytes and hashes.
   */
  proposalEvidence?: DoubleProposalEvidence[];
}

/** 32 zero bytes as hex. */
export const ZERO_HASH: Hash = `0x${'00'.repeat(32)}`;

/**
 * RFC 6962 Merkle tree hash with keccak-256: leaf = keccak(0x00 ‖ item), node = keccak(0x01 ‖ left ‖ right),
 * split at the largest power of two below n; the empty tree is keccak("").
 */
export function merkleRoot(items: readonly Uint8Array[]): Hash {
  return toHex(mth(items, 0, items.length));
}

function mth(items: readonly Uint8Array[], start: number, end: number): Uint8Array {
  const n = end - start;
  if (n === 0) return keccak256(new Uint8Array(0));
  if (n === 1) return keccak256(Uint8Array.of(0), items[start] as Uint8Array);
  let k = 1;
  while (k * 2 < n) k *= 2;
  return keccak256(Uint8Array.of(1), mth(items, start, start + k), mth(items, start + k, end));
}

/** The tx root of a list of transaction hashes. */
export function txRoot(txHashes: readonly Hash[]): Hash {
  return merkleRoot(txHashes.map((h) => fromHex(h, 32, 'tx hash')));
}

function writeHeader(w: Writer, h: BlockHeader): void {
  w.string(h.chainId, MAX_CHAIN_ID_BYTES, 'chainId')
    .uint(h.height, 'height')
    .uint(h.round, 'round')
    .uint(h.timeMs, 'timeMs');
  w.hex(h.previousHash, 32, 'previousHash')
    .hex(h.txRoot, 32, 'txRoot')
    .hex(h.stateRoot, 32, 'stateRoot')
    .hex(h.proposer, 20, 'proposer');
  w.hex(h.validatorSetHash, 32, 'validatorSetHash')
    .hex(h.lastCommitHash, 32, 'lastCommitHash')
    .hex(h.evidenceHash, 32, 'evidenceHash');
}

function readHeader(r: Reader): BlockHeader {
  return {
    chainId: r.string(MAX_CHAIN_ID_BYTES, 'chainId'),
    height: r.uint('height'),
    round: r.uint('round'),
    timeMs: r.uint('timeMs'),
    previousHash: r.hex(32, 'previousHash'),
    txRoot: r.hex(32, 'txRoot'),
    stateRoot: r.hex(32, 'stateRoot'),
    proposer: r.hex(20, 'proposer'),
    validatorSetHash: r.hex(32, 'validatorSetHash'),
    lastCommitHash: r.hex(32, 'lastCommitHash'),
    evidenceHash: r.hex(32, 'evidenceHash'),
  };
}

/** Canonical encoding of a header. */
export function encodeHeader(h: BlockHeader): Uint8Array {
  const w = writer(KIND.header);
  writeHeader(w, h);
  return w.finish();
}

/** Decodes a header. */
export function decodeHeader(bytes: Uint8Array): BlockHeader {
  if (bytes.length > 1024)
    throw new ChainError('MALFORMED', `a header is at most 1024 bytes, got ${bytes.length}`);
  return decodeWith(bytes, KIND.header, 'header', readHeader);
}

/** The block hash: keccak-256 of the header encoding. */
export function blockHash(header: BlockHeader): Hash {
  return toHex(keccak256(encodeHeader(header)));
}

function writeCommit(w: Writer, c: Commit, limits: EncodingLimits): void {
  w.uint(c.height, 'height').uint(c.round, 'round').hex(c.blockHash, 32, 'blockHash');
  w.list(
    c.signatures,
    limits.maxItems,
    (ww, s) => ww.hex(s.validator, 20, 'validator').hex(s.signature, 65, 'signature'),
    'signatures',
  );
}

function readCommit(r: Reader, limits: EncodingLimits): Commit {
  const height = r.uint('height');
  const round = r.uint('round');
  const hash = r.hex(32, 'blockHash');
  const signatures = r.list(
    limits.maxItems,
    (rr) => ({ validator: rr.hex(20, 'validator'), signature: rr.hex(65, 'signature') }),
    'signatures',
  );
  for (let i = 1; i < signatures.length; i++) {
    if ((signatures[i - 1] as CommitSig).validator >= (signatures[i] as CommitSig).validator) {
      throw new ChainError(
        'NON_CANONICAL',
        'commit signatures must be sorted by validator address with no repeats',
      );
    }
  }
  return { height, round, blockHash: hash, signatures };
}

/** Canonical encoding of a commit. */
export function encodeCommit(c: Commit, limits: EncodingLimits = DEFAULT_LIMITS): Uint8Array {
  const w = writer(KIND.commit);
  writeCommit(w, c, limits);
  return w.finish();
}

/** Decodes a commit (signatures must be sorted, no repeats). */
export function decodeCommit(bytes: Uint8Array, limits: EncodingLimits = DEFAULT_LIMITS): Commit {
  return decodeWith(bytes, KIND.commit, 'commit', (r) => readCommit(r, limits));
}

/** keccak of the commit's encoding; the zero hash for no commit. */
export function commitHash(c: Commit | null, limits: EncodingLimits = DEFAULT_LIMITS): Hash {
  return c ? toHex(keccak256(encodeCommit(c, limits))) : ZERO_HASH;
}

/** keccak of the evidence lists' encoding (the double-proposal list only when it is not empty). */
export function evidenceHash(
  evidence: readonly DoubleVoteEvidence[],
  limits: EncodingLimits = DEFAULT_LIMITS,
  proposalEvidence: readonly DoubleProposalEvidence[] = [],
): Hash {
  const w = writer(KIND.evidence).list(evidence, limits.maxItems, writeEvidence, 'evidence');
  if (proposalEvidence.length > 0)
    w.list(proposalEvidence, limits.maxItems, writeProposalEvidence, 'proposalEvidence');
  return toHex(keccak256(w.finish()));
}

/**
 * Builds the canonical commit from precommit votes for one block (sorted, deduplicated by validator).
 * Throws `BAD_COMMIT` if the votes are not all precommits for the same height, round and block.
 */
export function makeCommit(precommits: readonly Vote[]): Commit {
  const first = precommits[0];
  if (!first || first.blockHash === null)
    throw new ChainError('BAD_COMMIT', 'a commit needs at least one precommit for a block');
  const byValidator = new Map<Address, CommitSig>();
  for (const v of precommits) {
    if (
      v.type !== 'precommit' ||
      v.height !== first.height ||
      v.round !== first.round ||
      v.blockHash !== first.blockHash
    ) {
      throw new ChainError(
        'BAD_COMMIT',
        'a commit is made of precommits for one block at one height and round',
      );
    }
    byValidator.set(v.validator, { validator: v.validator, signature: v.signature });
  }
  const signatures = [...byValidator.values()].sort((a, b) => (a.validator < b.validator ? -1 : 1));
  return { height: first.height, round: first.round, blockHash: first.blockHash, signatures };
}

/** The votes a commit is made of. */
export function commitVotes(c: Commit): Vote[] {
  return c.signatures.map((s) => ({
    type: 'precommit',
    height: c.height,
    round: c.round,
    blockHash: c.blockHash,
    validator: s.validator,
    signature: s.signature,
  }));
}

/** Result of checking a commit. */
export interface CommitCheck {
  /** Validators whose precommits are in the commit. */
  signers: Address[];
  signedPower: number;
  totalPower: number;
}

/**
 * Verifies a commit against the validator set that decided the block: every signature is a valid
 * precommit by a member, and the signers hold strictly more than 2/3 of the voting power.
 * Throws `BAD_COMMIT` saying what is wrong.
 */
export function verifyCommit(
  chainId: string,
  commit: Commit,
  validators: readonly ValidatorPower[],
  check?: SignatureCheck,
): CommitCheck {
  const power = new Map(validators.map((v) => [v.address, v.votingPower]));
  const totalPower = validators.reduce((s, v) => s + v.votingPower, 0);
  let signedPower = 0;
  const signers: Address[] = [];
  let prev = '';
  for (const vote of commitVotes(commit)) {
    if (vote.validator <= prev)
      throw new ChainError(
        'BAD_COMMIT',
        'commit signatures must be sorted by validator address with no repeats',
      );
    prev = vote.validator;
    const p = power.get(vote.validator);
    if (p === undefined)
      throw new ChainError(
        'BAD_COMMIT',
        `${vote.validator} signed the commit but is not in the validator set`,
        { validator: vote.validator },
      );
    if (!verifyVote(chainId, vote, check))
      throw new ChainError(
        'BAD_COMMIT',
        `the precommit of ${vote.validator} in the commit has a bad signature`,
        { validator: vote.validator },
      );
    signedPower += p;
    signers.push(vote.validator);
  }
  if (signedPower * 3 <= totalPower * 2) {
    throw new ChainError(
      'BAD_COMMIT',
      `the commit has ${signedPower} of ${totalPower} voting power; more than 2/3 is needed`,
      { signedPower, totalPower },
    );
  }
  return { signers, signedPower, totalPower };
}

/** keccak of the validator set encoding, sorted by address: the same set always has the same hash. */
export function validatorSetHash(validators: readonly ValidatorPower[]): Hash {
  const sorted = [...validators].sort((a, b) => compareBytes(fromHex(a.address), fromHex(b.address)));
  const w = writer(KIND.validatorSet).list(
    sorted,
    Number.MAX_SAFE_INTEGER,
    (ww, v) => ww.hex(v.address, 20, 'validator').uint(v.votingPower, 'votingPower'),
    'validators',
  );
  return toHex(keccak256(w.finish()));
}

/** A decoded block with the encodings and hashes of its transactions (computed once). */
export interface DecodedBlock {
  block: Block;
  hash: Hash;
  txBytes: Uint8Array[];
  txHashes: Hash[];
}

/** Canonical encoding of a block. Throws `BLOCK_TOO_LARGE`, `TX_TOO_LARGE` or `TOO_MANY_ITEMS` past the limits. */
export function encodeBlock(block: Block, limits: EncodingLimits = DEFAULT_LIMITS): Uint8Array {
  return encodeBlockWithTxBytes(
    block,
    block.txs.map((tx) => encodeTx(tx, limits)),
    limits,
  );
}

/** `encodeBlock` when the transactions' encodings are already at hand (they must be `block.txs` encoded). */
export function encodeBlockWithTxBytes(
  block: Block,
  txBytes: readonly Uint8Array[],
  limits: EncodingLimits = DEFAULT_LIMITS,
): Uint8Array {
  const w = writer(KIND.block);
  writeHeader(w, block.header);
  w.list(txBytes, limits.maxBlockTxs, (ww, b) => ww.bytes(b, limits.maxTxBytes, 'tx'), 'txs');
  w.opt(block.lastCommit, (ww, c) => writeCommit(ww, c, limits));
  w.list(block.evidence, limits.maxItems, writeEvidence, 'evidence');
  const proposalEvidence = block.proposalEvidence ?? [];
  if (proposalEvidence.length > 0)
    w.list(proposalEvidence, limits.maxItems, writeProposalEvidence, 'proposalEvidence');
  const bytes = w.finish();
  if (bytes.length > limits.maxBlockBytes)
    throw new ChainError(
      'BLOCK_TOO_LARGE',
      `the block is ${bytes.length} bytes; at most ${limits.maxBlockBytes} are allowed`,
      { bytes: bytes.length, max: limits.maxBlockBytes },
    );
  return bytes;
}

/** Decodes a block; the block size is checked before anything else, then each tx's size. */
export function decodeBlock(bytes: Uint8Array, limits: EncodingLimits = DEFAULT_LIMITS): DecodedBlock {
  if (bytes.length > limits.maxBlockBytes)
    throw new ChainError(
      'BLOCK_TOO_LARGE',
      `the block is ${bytes.length} bytes; at most ${limits.maxBlockBytes} are allowed`,
      { bytes: bytes.length, max: limits.maxBlockBytes },
    );
  const txBytes: Uint8Array[] = [];
  const block = decodeWith(bytes, KIND.block, 'block', (r) => {
    const header = readHeader(r);
    const txs = r.list(
      limits.maxBlockTxs,
      (rr) => {
        const n = rr.uint('tx length');
        if (n > limits.maxTxBytes)
          throw new ChainError(
            'TX_TOO_LARGE',
            `a transaction in the block is ${n} bytes; at most ${limits.maxTxBytes} are allowed`,
            { bytes: n, max: limits.maxTxBytes },
          );
        const b = rr.raw(n, 'tx');
        txBytes.push(b);
        return decodeTx(b, limits);
      },
      'txs',
    );
    const lastCommit = r.opt((rr) => readCommit(rr, limits), 'lastCommit marker');
    const evidence = r.list(limits.maxItems, readEvidence, 'evidence');
    if (r.remaining === 0) return { header, txs, lastCommit, evidence };
    const proposalEvidence = r.list(limits.maxItems, readProposalEvidence, 'proposalEvidence');
    if (proposalEvidence.length === 0)
      throw new ChainError('MALFORMED', 'block: an empty proposalEvidence list is written as nothing');
    return { header, txs, lastCommit, evidence, proposalEvidence };
  });
  return { block, hash: blockHash(block.header), txBytes, txHashes: txBytes.map(txHashOfBytes) };
}
