/**
 * How one transaction applies to state, in a block (`applyTx`) or at mempool admission (`checkTx`)
 * (pure). First the checks that make a block invalid if they fail (the stateless checks, nonce, the
 * balance for the fee); then the fee is taken and the nonce used; then the payload runs in its own
 * overlay, and a payload that fails changes nothing but leaves a failure receipt.
 */
import { ChainError, type ChainErrorCode } from '../errors';
import { epochOf } from '../params';
import { decodeTx, encodeTx } from '../tx/codec';
import { checkTxStateless } from '../tx/stateless-checks';
import type { Tx } from '../tx/types';
import type { Address, Hash } from '../types';
import { getAccount, getChainMeta, putAccount } from './access';
import { type ApplyContext, type BlockAcc, hooksOf } from './apply-context';
import type { ConsensusHooks } from './consensus-hooks';
import { fail } from './fail';
import type { Account } from './records';
import { executePayload } from './rules/execute-payload';
import { StateOverlay, type StateReader } from './store';

/** The outcome of one transaction in a block. */
export interface TxReceipt {
  index: number;
  txHash: Hash;
  sender: Address;
  ok: boolean;
  /** Why the payload failed (fee and nonce were still taken). */
  error: { code: ChainErrorCode; message: string } | null;
  fee: bigint;
  /** Tokens this tx minted (sales). */
  minted: bigint;
}

/**
 * Checks a transaction against the state before execution — what makes a block invalid if it fails:
 * the stateless checks, then nonce (`BAD_NONCE`) and the balance for the fee (`INSUFFICIENT_FUNDS`).
 */
function checkAnte(s: StateReader, tx: Tx, bytes: Uint8Array, ctx: ApplyContext, hash?: Hash): Account {
  checkTxStateless(tx, ctx.config, { ...ctx.verify, limits: ctx.config.params }, bytes, hash);
  const account = getAccount(s, tx.sender);
  const want = account.nonce;
  if (tx.nonce !== want) {
    fail(
      'BAD_NONCE',
      tx.nonce < want
        ? `nonce ${tx.nonce} of ${tx.sender} was already used; the next nonce is ${want}`
        : `nonce ${tx.nonce} of ${tx.sender} is ahead; the next nonce is ${want}`,
      { expected: want, got: tx.nonce },
    );
  }
  if (account.balance < tx.fee)
    fail('INSUFFICIENT_FUNDS', `${tx.sender} has ${account.balance} and cannot pay the fee ${tx.fee}`, {
      balance: account.balance.toString(),
      fee: tx.fee.toString(),
    });
  return account;
}

/**
 * Applies one transaction of block `acc` at `index`: a failed ante check throws (the block is
 * invalid, the error names the tx); otherwise the fee and nonce are taken and the payload runs, and
 * the receipt says whether it succeeded.
 */
export function applyTx(
  s: StateOverlay,
  tx: Tx,
  bytes: Uint8Array,
  hash: Hash,
  index: number,
  acc: BlockAcc,
  ctx: ApplyContext,
  hooks: ConsensusHooks,
): TxReceipt {
  let account: Account;
  try {
    account = checkAnte(s, tx, bytes, ctx, hash);
  } catch (err) {
    if (err instanceof ChainError)
      throw new ChainError(
        err.code,
        `block ${acc.height} tx ${index} (${hash}): ${err.message}`,
        { ...err.data, txIndex: index, txHash: hash },
        { cause: err },
      );
    throw err;
  }
  putAccount(s, tx.sender, { balance: account.balance - tx.fee, nonce: account.nonce + 1 });
  acc.fees += tx.fee;
  const inner = new StateOverlay(s);
  const before = { minted: acc.minted, burned: acc.burned, reward: acc.reward, slashed: acc.slashed.length };
  try {
    executePayload(inner, tx, acc, ctx, hooks);
    inner.commitTo(s);
    return {
      index,
      txHash: hash,
      sender: tx.sender,
      ok: true,
      error: null,
      fee: tx.fee,
      minted: acc.minted - before.minted,
    };
  } catch (err) {
    if (!(err instanceof ChainError)) throw err;
    acc.minted = before.minted;
    acc.burned = before.burned;
    acc.reward = before.reward;
    acc.slashed.length = before.slashed;
    return {
      index,
      txHash: hash,
      sender: tx.sender,
      ok: false,
      error: { code: err.code, message: err.message },
      fee: tx.fee,
      minted: 0n,
    };
  }
}

/**
 * The mempool's admission check: everything `applyBlock` would check for this tx at the next height,
 * including its payload, against `view`. Throws the typed `ChainError` that explains the rejection.
 * Writes nothing to `view`. With `into` (an overlay the mempool keeps over the committed state), an
 * accepted tx's effects (fee, nonce, payload) are written there, so the sender's next pending tx is
 * checked against them; start a new overlay after each commit.
 *
 * @example
 * const pending = new StateOverlay(store);
 * checkTx(store, tx, ctx, { into: pending }); // throws BAD_NONCE, INSUFFICIENT_FUNDS, …
 */
export function checkTx(
  view: StateReader,
  tx: Tx,
  ctx: ApplyContext,
  opts: {
    into?: StateOverlay;
    bytes?: Uint8Array;
    /** `tx` was decoded from `bytes` (so it is canonical) and this is their hash: skips both again. */
    decodedWithHash?: Hash;
  } = {},
): void {
  const bytes = opts.bytes ?? encodeTx(tx, ctx.config.params);
  const known = opts.bytes && opts.decodedWithHash ? opts.decodedWithHash : undefined;
  const canonical = known ? tx : decodeTx(bytes, ctx.config.params);
  const s = new StateOverlay(opts.into ?? view);
  const meta = getChainMeta(s);
  const account = checkAnte(s, canonical, bytes, ctx, known);
  putAccount(s, canonical.sender, { balance: account.balance - canonical.fee, nonce: account.nonce + 1 });
  const height = meta.height + 1;
  const acc: BlockAcc = {
    height,
    timeMs: meta.lastTimeMs,
    epoch: epochOf(height, ctx.config.params),
    proposer: ctx.config.hqAuthority,
    minted: 0n,
    burned: 0n,
    fees: 0n,
    reward: 0n,
    slashed: [],
  };
  executePayload(s, canonical, acc, ctx, hooksOf(ctx));
  if (opts.into) s.commitTo(opts.into);
}
