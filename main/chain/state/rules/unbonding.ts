/**
 * Unbonding (pure): tokens a validator unstakes stay slashable for `unbondingBlocks`, then return to
 * its balance at the end of the block that completes them. Evidence of an offence at height h slashes,
 * besides the stake, every unbonding entry whose tokens still counted in the validator set that
 * signed at h (`powerCountedAt`), as Cosmos SDK "follows the stake" into unbonding delegations.
 * `unbondingBlocks` 0 (genesis documents from before unbonding existed) returns unstaked tokens at once.
 */
import { type ChainParams, epochOf } from '../../params';
import type { Address } from '../../types';
import { credit } from '../access';
import {
  type UnbondingEntry,
  decodeUnbonding,
  decodeUnbondingDue,
  encodeUnbonding,
  encodeUnbondingDue,
} from '../records';
import type { StateReader, StateStore } from '../store';

/** A validator's unbonding entries, oldest first. */
export function getUnbonding(s: StateReader, address: Address): UnbondingEntry[] {
  const raw = s.get(`ubd:${address}`);
  return raw ? decodeUnbonding(raw) : [];
}

/** The tokens a validator has unbonding. */
export function unbondingTotal(s: StateReader, address: Address): bigint {
  return getUnbonding(s, address).reduce((sum, e) => sum + e.amount, 0n);
}

function putUnbonding(s: StateStore, address: Address, entries: readonly UnbondingEntry[]): void {
  s.set(`ubd:${address}`, entries.length > 0 ? encodeUnbonding(entries) : null);
}

/**
 * Starts unbonding `amount` (already taken from the stake) at `height`; with no unbonding period it
 * goes straight to the balance.
 */
export function startUnbonding(
  s: StateStore,
  address: Address,
  amount: bigint,
  height: number,
  params: Pick<ChainParams, 'unbondingBlocks'>,
): void {
  if (params.unbondingBlocks === 0 || amount === 0n) {
    credit(s, address, amount);
    return;
  }
  const completeHeight = height + params.unbondingBlocks;
  const entries = getUnbonding(s, address);
  // Two unstakes in one block make one entry.
  const same = entries.find((e) => e.startHeight === height);
  if (same) same.amount += amount;
  else entries.push({ amount, startHeight: height, completeHeight });
  putUnbonding(s, address, entries);
  const due = s.get(`ubq:${completeHeight}`);
  const addrs = due ? decodeUnbondingDue(due) : [];
  if (!addrs.includes(address))
    s.set(`ubq:${completeHeight}`, encodeUnbondingDue([...addrs, address].sort()));
}

/**
 * At the end of block `height`: the entries that complete there go back to their validators'
 * balances. Only the validators listed for this height are read, so the work is bounded by the
 * unstakes of block `height − unbondingBlocks`.
 */
export function completeUnbonding(s: StateStore, height: number): void {
  const due = s.get(`ubq:${height}`);
  if (!due) return;
  for (const address of decodeUnbondingDue(due)) {
    const entries = getUnbonding(s, address);
    const done = entries.filter((e) => e.completeHeight <= height);
    putUnbonding(
      s,
      address,
      entries.filter((e) => e.completeHeight > height),
    );
    credit(
      s,
      address,
      done.reduce((sum, e) => sum + e.amount, 0n),
    );
  }
  s.set(`ubq:${height}`, null);
}

/**
 * The height at whose end the stakes behind the validator set of `offenceHeight` were counted: the
 * set of epoch e is chosen at the end of epoch e − 2 (`closeBlock`), and epochs 0 and 1 run on the
 * genesis set (height 0). Tokens unstaked after that height still gave the offender its voting
 * power at `offenceHeight`, even when they were unstaked before the offence. Cosmos SDK does the
 * same with `infractionHeight − ValidatorUpdateDelay`; here the delay is up to two epochs.
 */
export function powerCountedAt(
  offenceHeight: number,
  params: Pick<ChainParams, 'epochLengthBlocks'>,
): number {
  const epoch = epochOf(offenceHeight, params);
  return epoch < 2 ? 0 : (epoch - 1) * params.epochLengthBlocks;
}

/**
 * Slashes `fractionBps` of each unbonding entry of `address` that started after
 * `powerCountedAt(offenceHeight)` (an unstake in that very block came before the set was chosen);
 * returns the tokens burned.
 */
export function slashUnbonding(
  s: StateStore,
  address: Address,
  offenceHeight: number,
  params: Pick<ChainParams, 'epochLengthBlocks' | 'slashFractionBps'>,
): bigint {
  const countedAt = powerCountedAt(offenceHeight, params);
  const entries = getUnbonding(s, address);
  let burned = 0n;
  for (const e of entries) {
    if (e.startHeight <= countedAt) continue;
    const cut = (e.amount * BigInt(params.slashFractionBps)) / 10_000n;
    e.amount -= cut;
    burned += cut;
  }
  if (burned > 0n) putUnbonding(s, address, entries);
  return burned;
}
