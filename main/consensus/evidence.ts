/**
 * Vote tallies and double-vote evidence. Pure and immutable: `addVote` returns a new set.
 *
 * A vote set holds one vote per validator per (height, round, type) — the first one it saw — and
 * counts each validator once in the "any value" totals (L34, L47, the f+1 round skip). A second
 * vote from the same validator for the same (height, round, type) with a different `blockHash`
 * (a value vs. another value, or a value vs. nil) is a double vote: it is kept as evidence, and it
 * is also counted in its own value's tally, like CometBFT's peer-claimed majorities. That is safe:
 * Tendermint's quorum-intersection argument is per value, and a Byzantine validator may sit in two
 * quorums anyway. It is what keeps a split vote from stalling rounds: a node that first saw the
 * Byzantine "nil" can still see the polka the rest of the network saw. At most
 * `MAX_VALUES_PER_VALIDATOR` values per validator per (round, type) are counted (a memory bound).
 */
import type { Address, Hash, ValidatorPower, Vote, VoteType } from '../chain/types';
import { ConsensusError } from './errors';

/** Two conflicting votes by one validator, in canonical order (`a.blockHash` sorts first; nil first). */
export interface DoubleVoteEvidence {
  a: Vote;
  b: Vote;
}

/** Key of a block-hash bucket in a tally: the hash, or `'nil'`. */
export type HashKey = Hash | 'nil';

/** The key of a vote's value. */
export function hashKey(blockHash: Hash | null): HashKey {
  return blockHash === null ? 'nil' : blockHash;
}

/** Values counted per validator per (round, type), conflicting ones included. */
export const MAX_VALUES_PER_VALIDATOR = 3;

/** The votes of one (round, type) and their power per block hash. */
export interface RoundVotes {
  /** The first vote of each validator. */
  readonly votes: ReadonlyMap<Address, Vote>;
  /** Every counted vote per value (a double-voter appears under each value it voted for). */
  readonly votesByHash: ReadonlyMap<HashKey, ReadonlyMap<Address, Vote>>;
  readonly powerByHash: ReadonlyMap<HashKey, number>;
  /** Power of the distinct validators that voted here, whatever the value. */
  readonly totalPower: number;
}

/** The votes of one height. Immutable; build with `emptyVoteSet` and `addVote`. */
export interface VoteSet {
  readonly height: number;
  readonly powers: ReadonlyMap<Address, number>;
  readonly totalPower: number;
  /** Keyed by `${round}:${type}`. */
  readonly rounds: ReadonlyMap<string, RoundVotes>;
  /** One evidence pair per (validator, round, type) that double-voted, in detection order. */
  readonly evidence: readonly DoubleVoteEvidence[];
}

/** What `addVote` did with a vote. */
export type AddVoteOutcome = 'added' | 'duplicate' | 'conflict' | 'unknown-validator' | 'wrong-height';

const EMPTY_ROUND: RoundVotes = {
  votes: new Map(),
  votesByHash: new Map(),
  powerByHash: new Map(),
  totalPower: 0,
};

/** An empty vote set for `height` over `validators`. */
export function emptyVoteSet(height: number, validators: readonly ValidatorPower[]): VoteSet {
  const powers = new Map<Address, number>();
  let total = 0;
  for (const v of validators) {
    powers.set(v.address, v.votingPower);
    total += v.votingPower;
  }
  return { height, powers, totalPower: total, rounds: new Map(), evidence: [] };
}

function roundKey(round: number, type: VoteType): string {
  return `${round}:${type}`;
}

/** Stable identity of a double vote: `${validator}:${height}:${round}:${type}`. */
export function evidenceKey(e: DoubleVoteEvidence | Vote): string {
  const v = 'a' in e ? e.a : e;
  return `${v.validator}:${v.height}:${v.round}:${v.type}`;
}

/**
 * Evidence if `a` and `b` are a double vote: same validator, height, round and type, different
 * `blockHash` (nil counts as a value). `null` otherwise. Signatures are not checked here.
 */
export function detectDoubleVote(a: Vote, b: Vote): DoubleVoteEvidence | null {
  if (a.validator !== b.validator || a.height !== b.height || a.round !== b.round || a.type !== b.type)
    return null;
  if (a.blockHash === b.blockHash) return null;
  // nil first, then by hash, so every node builds the same pair.
  if (a.blockHash === null) return { a, b };
  if (b.blockHash === null) return { a: b, b: a };
  return a.blockHash < b.blockHash ? { a, b } : { a: b, b: a };
}

/**
 * Checks that `e` is valid evidence: a real double vote, canonical order, both signatures valid
 * for the validator (`verify` answers whether a vote's signature is by `vote.validator`).
 * Throws `INVALID_EVIDENCE` saying what is wrong.
 */
export function validateEvidence(e: DoubleVoteEvidence, verify: (vote: Vote) => boolean): void {
  const d = detectDoubleVote(e.a, e.b);
  if (d === null) {
    throw new ConsensusError(
      'INVALID_EVIDENCE',
      'the two votes are not a double vote (they must share validator, height, round and type and differ in block hash)',
      { key: evidenceKey(e) },
    );
  }
  if (d.a !== e.a)
    throw new ConsensusError(
      'INVALID_EVIDENCE',
      'evidence votes are not in canonical order (the lower block hash, or nil, comes first)',
      { key: evidenceKey(e) },
    );
  if (!verify(e.a) || !verify(e.b)) {
    throw new ConsensusError(
      'BAD_SIGNATURE',
      `a vote in the evidence against ${e.a.validator} is not signed by it`,
      { key: evidenceKey(e) },
    );
  }
}

/**
 * Adds a vote. Returns the new set (or the same one when nothing changed), what happened, and the
 * evidence when the vote conflicts with the one already held for its validator.
 */
export function addVote(
  set: VoteSet,
  vote: Vote,
): { set: VoteSet; outcome: AddVoteOutcome; evidence?: DoubleVoteEvidence } {
  if (vote.height !== set.height) return { set, outcome: 'wrong-height' };
  const power = set.powers.get(vote.validator);
  if (power === undefined) return { set, outcome: 'unknown-validator' };
  const key = roundKey(vote.round, vote.type);
  const rv = set.rounds.get(key) ?? EMPTY_ROUND;
  const existing = rv.votes.get(vote.validator);
  const hk = hashKey(vote.blockHash);
  if (existing !== undefined) {
    const evidence = detectDoubleVote(existing, vote);
    if (evidence === null) return { set, outcome: 'duplicate' };
    const bucket = rv.votesByHash.get(hk);
    if (bucket?.has(vote.validator)) return { set, outcome: 'duplicate' };
    let values = 0;
    for (const b of rv.votesByHash.values()) if (b.has(vote.validator)) values++;
    let next = set;
    if (values < MAX_VALUES_PER_VALIDATOR) {
      const rounds = new Map(set.rounds);
      rounds.set(key, withValueVote(rv, hk, vote, power, false));
      next = { ...set, rounds };
    }
    const ek = evidenceKey(evidence);
    if (set.evidence.some((x) => evidenceKey(x) === ek)) return { set: next, outcome: 'conflict' };
    return { set: { ...next, evidence: [...set.evidence, evidence] }, outcome: 'conflict', evidence };
  }
  const rounds = new Map(set.rounds);
  rounds.set(key, withValueVote(rv, hk, vote, power, true));
  return { set: { ...set, rounds }, outcome: 'added' };
}

function withValueVote(rv: RoundVotes, hk: HashKey, vote: Vote, power: number, first: boolean): RoundVotes {
  const bucket = new Map(rv.votesByHash.get(hk) ?? []);
  bucket.set(vote.validator, vote);
  const votesByHash = new Map(rv.votesByHash);
  votesByHash.set(hk, bucket);
  const powerByHash = new Map(rv.powerByHash);
  powerByHash.set(hk, (powerByHash.get(hk) ?? 0) + power);
  if (!first) return { ...rv, votesByHash, powerByHash };
  const votes = new Map(rv.votes);
  votes.set(vote.validator, vote);
  return { votes, votesByHash, powerByHash, totalPower: rv.totalPower + power };
}

/** The votes of (round, type); an empty tally when none arrived. */
export function roundVotes(set: VoteSet, round: number, type: VoteType): RoundVotes {
  return set.rounds.get(roundKey(round, type)) ?? EMPTY_ROUND;
}

/** True when `power` is strictly more than two thirds of `total` (integer-exact). */
export function isTwoThirdsPlus(power: number, total: number): boolean {
  return power * 3 > total * 2;
}

/** True when `power` is strictly more than one third of `total` (f + 1 when n = 3f + 1). */
export function isOneThirdPlus(power: number, total: number): boolean {
  return power * 3 > total;
}

/** True when the votes for `blockHash` (nil for null) in (round, type) hold +2/3 of the power. */
export function hasTwoThirdsFor(
  set: VoteSet,
  round: number,
  type: VoteType,
  blockHash: Hash | null,
): boolean {
  return isTwoThirdsPlus(
    roundVotes(set, round, type).powerByHash.get(hashKey(blockHash)) ?? 0,
    set.totalPower,
  );
}

/**
 * A block hash (or nil) holding +2/3 of the power in (round, type), if any. With double-voters
 * counted under each of their values two values can both pass; ask `hasTwoThirdsFor` about a
 * specific value when that matters.
 */
export function twoThirdsMajority(
  set: VoteSet,
  round: number,
  type: VoteType,
): { blockHash: Hash | null } | null {
  for (const [k, p] of roundVotes(set, round, type).powerByHash) {
    if (isTwoThirdsPlus(p, set.totalPower)) return { blockHash: k === 'nil' ? null : k };
  }
  return null;
}

/** Power of distinct validators that sent any vote (either type) in `round`. */
export function roundParticipationPower(set: VoteSet, round: number): number {
  const pv = roundVotes(set, round, 'prevote').votes;
  const pc = roundVotes(set, round, 'precommit').votes;
  let power = 0;
  for (const [addr] of pv) power += set.powers.get(addr) ?? 0;
  for (const [addr] of pc) if (!pv.has(addr)) power += set.powers.get(addr) ?? 0;
  return power;
}

/** Every vote held in the set (all rounds, both types, conflicting ones included), in a stable order. */
export function allVotes(set: VoteSet): Vote[] {
  const out: Vote[] = [];
  for (const rv of set.rounds.values())
    for (const b of rv.votesByHash.values()) for (const v of b.values()) out.push(v);
  return out;
}

/** The votes for `blockHash` in (round, type), a double-voter's conflicting vote included. */
export function votesFor(set: VoteSet, round: number, type: VoteType, blockHash: Hash | null): Vote[] {
  return [...(roundVotes(set, round, type).votesByHash.get(hashKey(blockHash))?.values() ?? [])];
}
