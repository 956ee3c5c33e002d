/**
 * The double-sign guard every driver runs before a signature leaves the node (ARCHITECTURE §4,
 * "Signer state"): pure rules over the last signed (height, round, step). The driver persists the
 * new record durably *before* signing; after a crash it reloads it, refuses anything that would
 * contradict it, and derives where the round state machine resumes (`resumeFrom`).
 */
import type { Hash } from '../chain/types';
import type { ResumeInfo, TimeoutStep } from './machine';

/** Signer steps in signing order. */
export type SignStep = TimeoutStep;
const ORDER: Record<SignStep, number> = { propose: 0, prevote: 1, precommit: 2 };

/** What the signer persisted last. */
export interface SignerRecord {
  height: number;
  round: number;
  step: SignStep;
  /** The signed value (a proposal's block hash, or a vote's block hash / null). */
  blockHash: Hash | null;
  /** The signature given out, returned again for an identical request. */
  signature: string;
  /** The last non-nil precommit signed at `height` (a lock the machine must keep after a restart). */
  lock: { round: number; blockHash: Hash } | null;
}

/** Answer of `checkSign`. */
export type SignDecision =
  /** Nothing was signed at or after this (height, round, step): persist the new record, then sign. */
  | { kind: 'sign' }
  /** The very same value was signed already: send the stored signature again. */
  | { kind: 'reuse'; signature: string }
  /** Signing would contradict what was signed: refuse. */
  | { kind: 'refuse'; reason: string };

/**
 * May the node sign `value` at (height, round, step), given its last record? Like CometBFT's
 * privval: strictly later positions sign, the same position with the same value re-sends the
 * stored signature, anything else is refused.
 *
 * @example checkSign(last, { height: 5, round: 0, step: 'prevote', blockHash: h })
 */
export function checkSign(
  last: SignerRecord | null,
  req: { height: number; round: number; step: SignStep; blockHash: Hash | null },
): SignDecision {
  if (last === null) return { kind: 'sign' };
  const cmp = req.height - last.height || req.round - last.round || ORDER[req.step] - ORDER[last.step];
  if (cmp > 0) return { kind: 'sign' };
  if (cmp === 0 && req.blockHash === last.blockHash) return { kind: 'reuse', signature: last.signature };
  const what =
    cmp === 0
      ? `a different value at height ${req.height} round ${req.round} ${req.step}`
      : `height ${req.height} round ${req.round} ${req.step}, behind the last signed height ${last.height} round ${last.round} ${last.step}`;
  return { kind: 'refuse', reason: `refusing to sign ${what} (the signer state forbids it)` };
}

/** The record to persist before signing `req` (keeps the lock of the same height). */
export function nextRecord(
  last: SignerRecord | null,
  req: { height: number; round: number; step: SignStep; blockHash: Hash | null },
  signature: string,
): SignerRecord {
  let lock = last !== null && last.height === req.height ? last.lock : null;
  if (req.step === 'precommit' && req.blockHash !== null)
    lock = { round: req.round, blockHash: req.blockHash };
  return { height: req.height, round: req.round, step: req.step, blockHash: req.blockHash, signature, lock };
}

/** Where the machine resumes inside `height` after a restart, or undefined to start at round 0. */
export function resumeFrom(last: SignerRecord | null, height: number): ResumeInfo | undefined {
  if (last === null || last.height !== height) return undefined;
  return {
    round: last.round,
    step: last.step,
    lockedRound: last.lock?.round ?? -1,
    lockedHash: last.lock?.blockHash ?? null,
  };
}
