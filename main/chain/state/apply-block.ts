/**
 * How a block applies to state (pure): `applyBlock` for every node, `buildBlock` for the proposer.
 * State holds balances, nonces, stakes, validators, franchises, KYC, anchors, orders, evidence seen,
 * validator sets per epoch and total supply, kept as key/value entries in a `StateStore` that the
 * node driver persists (`store.ts`, `records.ts`, `access.ts`); each transaction applies through
 * `apply-tx.ts`, whose payload rules are in `rules/`.
 *
 * `applyBlock(view, block, ctx)` never writes to `view`: it returns the new state root, the
 * write-set (every changed key, tree nodes included, to persist in one transaction), and a receipt
 * per transaction. Block validity vs. transaction failure:
 * - The block is INVALID (applyBlock throws, nothing is written) if its header does not follow the
 *   state (chain id, height, previous hash, roots, validator set, proposer), its lastCommit does not
 *   hold +2/3 valid precommits for the previous block, its evidence is bad or already used, or any
 *   transaction fails the checks the mempool makes on admission before execution: decoding and size,
 *   chain id, fee, signature, authority (HQ/compliance), payload fields, nonce, and the balance to pay
 *   the fee. A proposer that includes such a transaction is faulty.
 * - A transaction that passes those checks but whose payload fails against the state at its position
 *   (e.g. INSUFFICIENT_FUNDS for the amount, UNKNOWN_FRANCHISE, DUPLICATE_ORDER) stays in the block
 *   with a failure receipt carrying the typed code: its fee is paid and its nonce used, and its payload
 *   changes nothing. The mempool runs the payload too (`checkTx`), so it rejects such a tx up front.
 *
 * Supply: total supply = Σ balances + Σ stakes + Σ unbonding. It grows only by sales minting (franchise
 * tokenomics) and shrinks only by slashing on evidence; fees move from senders to the
 * proposer. `ApplyResult.minted`/`burned` report both so the invariant can be checked.
 */
import {
  type Block,
  type BlockHeader,
  blockHash,
  commitHash,
  encodeBlockWithTxBytes,
  evidenceHash,
  txRoot,
  validatorSetHash,
  verifyCommit,
} from '../block';
import { ChainError } from '../errors';
import { epochOf } from '../params';
import { updateTree } from '../smt';
import { decodeTx, encodeTx, txHashOfBytes } from '../tx/codec';
import type { Tx } from '../tx/types';
import type { Address, Hash, ValidatorPower } from '../types';
import {
  credit,
  getChainMeta,
  getSupply,
  getValidator,
  getValidatorSet,
  listValidators,
  putSupply,
  putValidator,
} from './access';
import { type ApplyContext, type BlockAcc, hooksOf } from './apply-context';
import { type TxReceipt, applyTx } from './apply-tx';
import { type ConsensusHooks, type ReputationEvent, checkSet, clampRep } from './consensus-hooks';
import { fail } from './fail';
import { type ChainMeta, encodeMeta, encodeValidatorSet } from './records';
import { applyEvidence, applyProposalEvidence } from './rules/evidence';
import { completeUnbonding } from './rules/unbonding';
import { type StateKey, StateOverlay, type StateReader, type StateStore, type WriteSet } from './store';

/** What applying a block produced. */
export interface ApplyResult {
  blockHash: Hash;
  stateRoot: Hash;
  /** Every changed key (state entries, tree nodes and `meta`) to persist in one transaction. */
  writes: WriteSet;
  receipts: TxReceipt[];
  minted: bigint;
  burned: bigint;
  fees: bigint;
  /** Validators that precommitted the previous block (from lastCommit). */
  signers: Address[];
  /** Validators punished by evidence in this block. */
  slashed: Address[];
}

/**
 * Applies a block to the state `view` without writing to it. Throws a `ChainError` if the block is
 * invalid (see the module comment); otherwise returns the write-set, receipts and the new state root,
 * which must equal `block.header.stateRoot`.
 *
 * @example
 * const r = applyBlock(store, block, { config, verify: { verifier, cache } });
 * store.apply(r.writes); // or persist r.writes in one SQLite transaction
 */
export function applyBlock(
  view: StateReader,
  block: Block,
  ctx: ApplyContext,
  decoded?: DecodedTxs,
): ApplyResult {
  return execute(view, block, ctx, true, decoded);
}

/**
 * The encodings and hashes of a block's transactions exactly as `decodeBlock` returned them with the
 * block (`block.txs[i]` decoded from `txBytes[i]`, canonical by construction). Passing them to
 * `applyBlock` saves re-encoding, re-decoding and re-hashing every transaction; never build one by hand.
 */
export interface DecodedTxs {
  txBytes: readonly Uint8Array[];
  txHashes: readonly Hash[];
}

/**
 * Builds a block for the proposer: executes `draft` (its `stateRoot`, `txRoot`, `lastCommitHash`,
 * `evidenceHash` and `validatorSetHash` are filled in) and returns the completed block with the same
 * result `applyBlock` would give. Throws like `applyBlock` if a tx or the evidence is invalid — the
 * mempool should have refused it.
 */
export function buildBlock(
  view: StateReader,
  draft: Omit<Block, 'header'> & { header: Pick<BlockHeader, 'height' | 'round' | 'timeMs' | 'proposer'> },
  ctx: ApplyContext,
  /** The draft's txs' encodings and hashes when each tx was decoded from its bytes (the mempool's). */
  decoded?: DecodedTxs,
): { block: Block; result: ApplyResult } {
  const meta = getChainMeta(view);
  const epoch = epochOf(draft.header.height, ctx.config.params);
  const set =
    getValidatorSet(view, epoch) ?? fail('STATE_CORRUPT', `no validator set is stored for epoch ${epoch}`);
  const known = decoded && decoded.txBytes.length === draft.txs.length ? decoded : undefined;
  const txBytes = known ? [...known.txBytes] : draft.txs.map((t) => encodeTx(t, ctx.config.params));
  const txHashes = known ? [...known.txHashes] : txBytes.map(txHashOfBytes);
  const header: BlockHeader = {
    chainId: ctx.config.chainId,
    ...draft.header,
    previousHash: meta.lastBlockHash,
    txRoot: txRoot(txHashes),
    stateRoot: `0x${'00'.repeat(32)}`,
    validatorSetHash: validatorSetHash(set),
    lastCommitHash: commitHash(draft.lastCommit, ctx.config.params),
    evidenceHash: evidenceHash(draft.evidence, ctx.config.params, draft.proposalEvidence),
  };
  const block: Block = { ...draft, header };
  const pre = execute(view, block, ctx, false, { txBytes, txHashes }, known !== undefined);
  const done: Block = { ...block, header: { ...header, stateRoot: pre.stateRoot } };
  const result = { ...pre, blockHash: blockHash(done.header) };
  // execute() recorded the hash of the draft header; the meta must name the completed block.
  result.writes.set(
    'meta',
    encodeMeta({ ...getChainMeta(new StateOverlay(view, pre.writes)), lastBlockHash: result.blockHash }),
  );
  return { block: done, result };
}

function execute(
  view: StateReader,
  block: Block,
  ctx: ApplyContext,
  checkRoot: boolean,
  encoded?: DecodedTxs,
  /** True when `encoded` came from `decodeBlock` with `block`, so `block.txs` are already canonical. */
  canonicalTxs = encoded !== undefined,
): ApplyResult {
  const hooks = hooksOf(ctx);
  const h = block.header;
  const meta = getChainMeta(view);
  const { txBytes, txHashes, epoch, set } = checkHeader(view, block, ctx, meta, encoded);

  const s = new StateOverlay(view);
  const acc: BlockAcc = {
    height: h.height,
    timeMs: h.timeMs,
    epoch,
    proposer: h.proposer,
    minted: 0n,
    burned: 0n,
    fees: 0n,
    reward: 0n,
    slashed: [],
  };
  const signers = applyParticipation(view, s, block, ctx, hooks);
  applyBlockEvidence(s, block, acc, ctx, hooks);

  const receipts: TxReceipt[] = [];
  for (const [i, bytes] of txBytes.entries()) {
    // Execute the decoded canonical bytes, not the caller's object: what runs is exactly what was
    // hashed and signed (addresses lowercase, no extra fields). Txs decoded with their bytes already are.
    const tx = canonicalTxs ? (block.txs[i] as Tx) : decodeTx(bytes, ctx.config.params);
    receipts.push(applyTx(s, tx, bytes, txHashes[i] as Hash, i, acc, ctx, hooks));
  }

  closeBlock(s, acc, set, ctx, hooks);
  const { hash, stateRoot } = seal(s, h, meta, checkRoot);
  return {
    blockHash: hash,
    stateRoot,
    writes: s.writes,
    receipts,
    minted: acc.minted,
    burned: acc.burned,
    fees: acc.fees,
    signers,
    slashed: acc.slashed,
  };
}

function bad(height: number, msg: string, data: Record<string, unknown> = {}): never {
  return fail('BAD_BLOCK', `block ${height}: ${msg}`, { height, ...data });
}

/**
 * Checks the header against the state and the block's body: chain id, height, previous hash, time,
 * size, tx root, lastCommit and evidence hashes, validator set and proposer. Returns the txs'
 * encodings and hashes, the block's epoch and its validator set.
 */
function checkHeader(
  view: StateReader,
  block: Block,
  ctx: ApplyContext,
  meta: ChainMeta,
  encoded: DecodedTxs | undefined,
): { txBytes: readonly Uint8Array[]; txHashes: readonly Hash[]; epoch: number; set: ValidatorPower[] } {
  const { config } = ctx;
  const params = config.params;
  const h = block.header;

  if (h.chainId !== config.chainId)
    fail(
      'WRONG_CHAIN',
      `block ${h.height} is for chain ${JSON.stringify(h.chainId)}, this is ${JSON.stringify(config.chainId)}`,
    );
  if (h.height !== meta.height + 1) bad(h.height, `expected height ${meta.height + 1}`);
  if (h.previousHash !== meta.lastBlockHash)
    bad(h.height, `previousHash ${h.previousHash} is not the last block ${meta.lastBlockHash}`);
  if (h.timeMs < meta.lastTimeMs)
    bad(h.height, `time ${h.timeMs} is before the previous block's ${meta.lastTimeMs}`);
  if (block.txs.length > params.maxBlockTxs)
    fail(
      'TOO_MANY_ITEMS',
      `block ${h.height} has ${block.txs.length} txs; at most ${params.maxBlockTxs} are allowed`,
    );
  if (encoded && encoded.txBytes.length !== block.txs.length)
    bad(h.height, 'the encoded transactions do not match the block');
  const txBytes = encoded?.txBytes ?? block.txs.map((t) => encodeTx(t, params));
  encodeBlockWithTxBytes(block, txBytes, params); // throws BLOCK_TOO_LARGE past the limit
  const txHashes = encoded?.txHashes ?? txBytes.map(txHashOfBytes);
  if (h.txRoot !== txRoot(txHashes)) bad(h.height, 'txRoot does not match the transactions');
  if (h.lastCommitHash !== commitHash(block.lastCommit, params))
    bad(h.height, 'lastCommitHash does not match lastCommit');
  if (h.evidenceHash !== evidenceHash(block.evidence, params, block.proposalEvidence))
    bad(h.height, 'evidenceHash does not match the evidence');

  const epoch = epochOf(h.height, params);
  const set =
    getValidatorSet(view, epoch) ?? fail('STATE_CORRUPT', `no validator set is stored for epoch ${epoch}`);
  if (h.validatorSetHash !== validatorSetHash(set))
    bad(h.height, `validatorSetHash is not the hash of epoch ${epoch}'s set`);
  if (!set.some((v) => v.address === h.proposer))
    bad(h.height, `proposer ${h.proposer} is not in the validator set`);
  return { txBytes, txHashes, epoch, set };
}

/**
 * Participation: who precommitted the previous block (checked against its validator set, each
 * signing or missing one's reputation adjusted), and the proposer's reputation for this one.
 * Returns the signers.
 */
function applyParticipation(
  view: StateReader,
  s: StateOverlay,
  block: Block,
  ctx: ApplyContext,
  hooks: ConsensusHooks,
): Address[] {
  const { config } = ctx;
  const params = config.params;
  const h = block.header;
  // Participation: who precommitted the previous block, and who proposed this one.
  let signers: Address[] = [];
  if (h.height === 1) {
    if (block.lastCommit !== null) bad(h.height, 'the first block has no lastCommit');
  } else {
    const c = block.lastCommit ?? bad(h.height, 'lastCommit is missing');
    if (c.height !== h.height - 1 || c.blockHash !== h.previousHash)
      bad(h.height, 'lastCommit is not for the previous block');
    const prevSet =
      getValidatorSet(view, epochOf(h.height - 1, params)) ??
      fail('STATE_CORRUPT', 'no validator set is stored for the previous block');
    signers = verifyCommit(config.chainId, c, prevSet, ctx.verify).signers;
    const signed = new Set(signers);
    for (const v of prevSet)
      adjustReputation(s, v.address, signed.has(v.address) ? 'signed' : 'missed', hooks);
  }
  adjustReputation(s, h.proposer, 'proposed', hooks);
  return signers;
}

/** Applies the block's evidence; a bad one makes the block invalid, naming its index. */
function applyBlockEvidence(
  s: StateOverlay,
  block: Block,
  acc: BlockAcc,
  ctx: ApplyContext,
  hooks: ConsensusHooks,
): void {
  for (const [i, e] of block.evidence.entries()) {
    try {
      applyEvidence(s, e, acc, ctx, hooks);
    } catch (err) {
      if (err instanceof ChainError)
        bad(acc.height, `evidence ${i} is invalid: ${err.message}`, { evidenceIndex: i });
      throw err;
    }
  }
  for (const [i, e] of (block.proposalEvidence ?? []).entries()) {
    try {
      applyProposalEvidence(s, e, acc, ctx, hooks);
    } catch (err) {
      if (err instanceof ChainError)
        bad(acc.height, `proposal evidence ${i} is invalid: ${err.message}`, { proposalEvidenceIndex: i });
      throw err;
    }
  }
}

/**
 * The end of the block: the proposer gets the fees and the sales reward, unbonding that completes here
 * returns to balances, the supply follows what was minted and burned, and at the end of an epoch the set two epochs ahead is chosen.
 */
function closeBlock(
  s: StateOverlay,
  acc: BlockAcc,
  set: ValidatorPower[],
  ctx: ApplyContext,
  hooks: ConsensusHooks,
): void {
  const { config } = ctx;
  const params = config.params;
  credit(s, acc.proposer, acc.fees + acc.reward);
  completeUnbonding(s, acc.height);
  if (acc.minted !== 0n || acc.burned !== 0n) putSupply(s, getSupply(s) + acc.minted - acc.burned);

  // At the end of epoch e, choose the set for e + 2.
  if (acc.height % params.epochLengthBlocks === 0) {
    const effective = acc.epoch + 2;
    const chosen = hooks.selectValidators(listValidators(s), effective, config);
    s.set(
      `vs:${effective}`,
      encodeValidatorSet(checkSet(chosen.length > 0 ? chosen : (getValidatorSet(s, acc.epoch + 1) ?? set))),
    );
  }
}

/**
 * Computes the state root over every change (checked against the header's when `checkRoot`) and
 * records the new chain position. Returns the block's hash and the root.
 */
function seal(
  s: StateOverlay,
  h: BlockHeader,
  meta: ChainMeta,
  checkRoot: boolean,
): { hash: Hash; stateRoot: Hash } {
  const changes: [StateKey, Uint8Array | null][] = [...s.writes];
  const stateRoot = updateTree(s, changes);
  if (checkRoot && stateRoot !== h.stateRoot)
    bad(h.height, `stateRoot ${h.stateRoot} does not match the computed ${stateRoot}`, {
      expected: stateRoot,
    });
  const hash = blockHash(h);
  s.set(
    'meta',
    encodeMeta({
      height: h.height,
      lastBlockHash: hash,
      lastTimeMs: h.timeMs,
      stateRoot,
      genesisHash: meta.genesisHash,
    }),
  );
  return { hash, stateRoot };
}

function adjustReputation(
  s: StateStore,
  address: Address,
  event: ReputationEvent,
  hooks: ConsensusHooks,
): void {
  const v = getValidator(s, address);
  if (!v) return;
  const next = clampRep(hooks.reputation(v.reputationPpm, event));
  if (next !== v.reputationPpm) putValidator(s, { ...v, reputationPpm: next });
}
