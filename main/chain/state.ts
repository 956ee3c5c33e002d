/**
 * The state machine (pure): balances, nonces, stakes, validators, franchises, KYC, anchors, orders,
 * evidence seen, validator sets per epoch and total supply, kept as key/value entries in a
 * `StateStore` that the node driver persists.
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
 * Supply: total supply = Σ balances + Σ stakes. It grows only by sales minting (franchise
 * tokenomics) and shrinks only by slashing on double-vote evidence; fees move from senders to the
 * proposer. `ApplyResult.minted`/`burned` report both so the invariant can be checked.
 */
import { keccak256, toHex } from './bytes';
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
} from './block';
import { KIND, Reader, Writer, decodeWith, writer } from './encoding';
import { ChainError, type ChainErrorCode } from './errors';
import { type ChainConfig, epochOf } from './params';
import { updateTree } from './smt';
import {
  type Franchise,
  type KycStatus,
  type Tx,
  type VerifyOptions,
  checkTxStateless,
  decodeTx,
  encodeTx,
  readFranchise,
  txHashOfBytes,
  writeFranchise,
} from './tx';
import type { Address, Hash, ValidatorPower } from './types';
import { type DoubleVoteEvidence, checkDoubleVoteEvidence } from './vote';

/**
 * The typed key space. Every key except `meta` and the tree's own `smt:` nodes is committed to by
 * the state root.
 */
export type StateKey =
  | `acct:${Address}`
  | `val:${Address}`
  | 'vals'
  | `fr:${string}`
  | `kyc:${Address}`
  | `anc:${Hash}`
  | `ord:${Hash}`
  | `ev:${Hash}`
  | `vs:${number}`
  | 'supply'
  | 'meta'
  | `smt:${string}`;

/** Read access to state. */
export interface StateReader {
  get(key: StateKey): Uint8Array | undefined;
}

/** Read/write access to state; `null` deletes. The node driver backs it with SQLite. */
export interface StateStore extends StateReader {
  set(key: StateKey, value: Uint8Array | null): void;
}

/** Changed keys and their new values (null = deleted), in the order they were last written. */
export type WriteSet = Map<StateKey, Uint8Array | null>;

/** A state view that records writes over a base reader without touching it. */
export class StateOverlay implements StateStore {
  constructor(
    private readonly base: StateReader,
    readonly writes: WriteSet = new Map(),
  ) {}

  get(key: StateKey): Uint8Array | undefined {
    const w = this.writes.get(key);
    if (w !== undefined) return w ?? undefined;
    return this.base.get(key);
  }

  set(key: StateKey, value: Uint8Array | null): void {
    this.writes.set(key, value);
  }

  /** Copies this overlay's writes into `target`. */
  commitTo(target: StateStore): void {
    for (const [k, v] of this.writes) target.set(k, v);
  }
}

/** An in-memory state store (tests, the simulation, benchmarks). */
export class MemoryStateStore implements StateStore {
  readonly entries = new Map<StateKey, Uint8Array>();

  get(key: StateKey): Uint8Array | undefined {
    return this.entries.get(key);
  }

  set(key: StateKey, value: Uint8Array | null): void {
    if (value === null) this.entries.delete(key);
    else this.entries.set(key, value);
  }

  /** Applies a write-set. */
  apply(writes: WriteSet): void {
    for (const [k, v] of writes) this.set(k, v);
  }
}

// ---------------------------------------------------------------- records

/** An account. */
export interface Account {
  balance: bigint;
  /** The next nonce this account must use. */
  nonce: number;
}

/** A validator candidate's record. */
export interface ValidatorRecord {
  address: Address;
  stake: bigint;
  /** Reputation in ppm, 0…1,000,000 (≙ 0…1). */
  reputationPpm: number;
  region: string;
  /** Jailed while the current epoch is below this. */
  jailedUntilEpoch: number;
}

/** A KYC attestation by the compliance authority. */
export interface KycRecord {
  level: number;
  status: KycStatus;
  documentHash: Hash;
  expiresAtMs: number;
  attestedAtHeight: number;
}

/** An anchored media segment. */
export interface AnchorRecord {
  franchiseId: string;
  cameraId: string;
  cid: string;
  height: number;
}

/** Chain position, outside the state root. */
export interface ChainMeta {
  height: number;
  lastBlockHash: Hash;
  lastTimeMs: number;
  stateRoot: Hash;
  genesisHash: Hash;
}

function enc(kind: number, body: (w: Writer) => void): Uint8Array {
  const w = writer(kind);
  body(w);
  return w.finish();
}

function dec<T>(bytes: Uint8Array, kind: number, what: string, body: (r: Reader) => T): T {
  try {
    return decodeWith(bytes, kind, what, body);
  } catch (cause) {
    throw new ChainError(
      'STATE_CORRUPT',
      `stored ${what} cannot be decoded; the state store is damaged (restore it from the chain)`,
      {},
      { cause },
    );
  }
}

/** Encodes an account record. */
export const encodeAccount = (a: Account): Uint8Array =>
  enc(KIND.account, (w) => w.amount(a.balance).uint(a.nonce));
/** Decodes an account record. */
export const decodeAccount = (b: Uint8Array): Account =>
  dec(b, KIND.account, 'account', (r) => ({ balance: r.amount(), nonce: r.uint() }));

/** Encodes a validator record. */
export const encodeValidator = (v: ValidatorRecord): Uint8Array =>
  enc(KIND.validator, (w) =>
    w.hex(v.address, 20).amount(v.stake).uint(v.reputationPpm).string(v.region, 64).uint(v.jailedUntilEpoch),
  );
/** Decodes a validator record. */
export const decodeValidator = (b: Uint8Array): ValidatorRecord =>
  dec(b, KIND.validator, 'validator', (r) => ({
    address: r.hex(20),
    stake: r.amount(),
    reputationPpm: r.uint(),
    region: r.string(64),
    jailedUntilEpoch: r.uint(),
  }));

const KYC_STATUS: readonly KycStatus[] = ['verified', 'revoked'];
const encodeKyc = (k: KycRecord): Uint8Array =>
  enc(KIND.kyc, (w) =>
    w
      .u8(k.level)
      .u8(KYC_STATUS.indexOf(k.status))
      .hex(k.documentHash, 32)
      .uint(k.expiresAtMs)
      .uint(k.attestedAtHeight),
  );
const decodeKyc = (b: Uint8Array): KycRecord =>
  dec(b, KIND.kyc, 'kyc', (r) => ({
    level: r.u8(),
    status: KYC_STATUS[r.enumCode(2, 'status')] as KycStatus,
    documentHash: r.hex(32),
    expiresAtMs: r.uint(),
    attestedAtHeight: r.uint(),
  }));

const encodeAnchor = (a: AnchorRecord): Uint8Array =>
  enc(KIND.anchor, (w) =>
    w.string(a.franchiseId, 64).string(a.cameraId, 64).string(a.cid, 128).uint(a.height),
  );
const decodeAnchor = (b: Uint8Array): AnchorRecord =>
  dec(b, KIND.anchor, 'anchor', (r) => ({
    franchiseId: r.string(64),
    cameraId: r.string(64),
    cid: r.string(128),
    height: r.uint(),
  }));

/** Encodes a validator set (as stored per epoch). */
export const encodeValidatorSet = (set: readonly ValidatorPower[]): Uint8Array =>
  enc(KIND.epochSet, (w) =>
    w.list(set, Number.MAX_SAFE_INTEGER, (ww, v) => ww.hex(v.address, 20).uint(v.votingPower)),
  );
/** Decodes a stored validator set. */
export const decodeValidatorSet = (b: Uint8Array): ValidatorPower[] =>
  dec(b, KIND.epochSet, 'validator set', (r) =>
    r.list(Number.MAX_SAFE_INTEGER, (rr) => ({ address: rr.hex(20), votingPower: rr.uint() })),
  );

const encodeMeta = (m: ChainMeta): Uint8Array =>
  enc(KIND.chainMeta, (w) =>
    w.uint(m.height).hex(m.lastBlockHash, 32).uint(m.lastTimeMs).hex(m.stateRoot, 32).hex(m.genesisHash, 32),
  );
const decodeMeta = (b: Uint8Array): ChainMeta =>
  dec(b, KIND.chainMeta, 'chain meta', (r) => ({
    height: r.uint(),
    lastBlockHash: r.hex(32),
    lastTimeMs: r.uint(),
    stateRoot: r.hex(32),
    genesisHash: r.hex(32),
  }));

const encodeHeight = (kind: number, height: number): Uint8Array => enc(kind, (w) => w.uint(height));
const encodeAmount = (kind: number, v: bigint): Uint8Array => enc(kind, (w) => w.amount(v));

// ---------------------------------------------------------------- typed accessors

/** The account of `address` (zero balance and nonce if never seen). */
export function getAccount(s: StateReader, address: Address): Account {
  const raw = s.get(`acct:${address}`);
  return raw ? decodeAccount(raw) : { balance: 0n, nonce: 0 };
}

/** The validator record of `address`, or null. */
export function getValidator(s: StateReader, address: Address): ValidatorRecord | null {
  const raw = s.get(`val:${address}`);
  return raw ? decodeValidator(raw) : null;
}

/** Every validator candidate's record, sorted by address. */
export function listValidators(s: StateReader): ValidatorRecord[] {
  return readValidatorIndex(s)
    .map((a) => getValidator(s, a))
    .filter((v): v is ValidatorRecord => v !== null);
}

/** The franchise with `id`, or null. */
export function getFranchise(s: StateReader, id: string): Franchise | null {
  const raw = s.get(`fr:${id}`);
  return raw ? dec(raw, KIND.franchise, 'franchise', readFranchise) : null;
}

/** The KYC attestation of `address`, or null. */
export function getKyc(s: StateReader, address: Address): KycRecord | null {
  const raw = s.get(`kyc:${address}`);
  return raw ? decodeKyc(raw) : null;
}

/** The anchor of a segment's sha256, or null. */
export function getAnchor(s: StateReader, sha256: Hash): AnchorRecord | null {
  const raw = s.get(`anc:${sha256}`);
  return raw ? decodeAnchor(raw) : null;
}

/** Total supply (Σ balances + Σ stakes). */
export function getSupply(s: StateReader): bigint {
  const raw = s.get('supply');
  return raw ? dec(raw, KIND.supply, 'supply', (r) => r.amount()) : 0n;
}

/** The validator set that decides blocks of `epoch`, or null if none is stored. */
export function getValidatorSet(s: StateReader, epoch: number): ValidatorPower[] | null {
  const raw = s.get(`vs:${epoch}`);
  return raw ? decodeValidatorSet(raw) : null;
}

/** The chain position (height 0 right after genesis). Throws `STATE_CORRUPT` if genesis was never applied. */
export function getChainMeta(s: StateReader): ChainMeta {
  const raw = s.get('meta');
  if (!raw) throw new ChainError('STATE_CORRUPT', 'the state has no chain position: apply the genesis first');
  return decodeMeta(raw);
}

/** The id under which an order is remembered (keccak of franchise, terminal and order id). */
export function orderKey(franchiseId: string, terminalId: string, orderId: string): Hash {
  return toHex(
    keccak256(new Writer().string(franchiseId, 64).string(terminalId, 64).string(orderId, 128).finish()),
  );
}

function putAccount(s: StateStore, address: Address, a: Account): void {
  s.set(`acct:${address}`, encodeAccount(a));
}

/** Addresses of every validator record, sorted (the `vals` entry). */
function readValidatorIndex(s: StateReader): Address[] {
  const raw = s.get('vals');
  return raw
    ? dec(raw, KIND.validatorIndex, 'validator index', (r) =>
        r.list(Number.MAX_SAFE_INTEGER, (rr) => rr.hex(20)),
      )
    : [];
}

function putValidator(s: StateStore, v: ValidatorRecord): void {
  if (!s.get(`val:${v.address}`)) {
    const addrs = [...readValidatorIndex(s), v.address].sort();
    s.set(
      'vals',
      enc(KIND.validatorIndex, (w) => w.list(addrs, Number.MAX_SAFE_INTEGER, (ww, a) => ww.hex(a, 20))),
    );
  }
  s.set(`val:${v.address}`, encodeValidator(v));
}

function putSupply(s: StateStore, v: bigint): void {
  s.set('supply', encodeAmount(KIND.supply, v));
}

function credit(s: StateStore, address: Address, amount: bigint): void {
  if (amount === 0n) return;
  const a = getAccount(s, address);
  putAccount(s, address, { ...a, balance: a.balance + amount });
}

function fail(code: ChainErrorCode, message: string, data: Record<string, unknown> = {}): never {
  throw new ChainError(code, message, data);
}

// ---------------------------------------------------------------- hooks

/** What changes a validator's reputation. */
export type ReputationEvent = 'signed' | 'missed' | 'proposed' | 'double-vote';

/**
 * How the consensus layer plugs its rules into state. Both are optional; the defaults are documented
 * on `DEFAULT_HOOKS`. They must be pure and deterministic: every node runs them on every block.
 */
export interface ConsensusHooks {
  /** New reputation (ppm) after `event`; the result is clamped to [0, 1,000,000] and floored. */
  reputation(currentPpm: number, event: ReputationEvent): number;
  /**
   * The validator set for `effectiveEpoch`, computed from the candidates at the end of the epoch
   * before the previous one (the set chosen at the end of epoch e takes effect at e + 2). Must be
   * non-empty with unique addresses and integer voting power ≥ 1.
   */
  selectValidators(
    candidates: readonly ValidatorRecord[],
    effectiveEpoch: number,
    config: ChainConfig,
  ): ValidatorPower[];
}

/**
 * Defaults: +1,000 ppm per precommit in a committed block, −5,000 per missed one, +2,000 per
 * proposal, −500,000 on double-vote evidence. Selection: candidates with stake ≥ minStake that are not
 * jailed in the effective epoch, by stake then address, at most maxValidators, voting power =
 * stake / minStake (capped at 10^9).
 */
export const DEFAULT_HOOKS: ConsensusHooks = {
  reputation(current, event) {
    const delta = { signed: 1_000, missed: -5_000, proposed: 2_000, 'double-vote': -500_000 }[event];
    return current + delta;
  },
  selectValidators(candidates, effectiveEpoch, config) {
    const p = config.params;
    return candidates
      .filter((c) => c.stake >= p.minStake && c.jailedUntilEpoch <= effectiveEpoch)
      .sort((a, b) => (a.stake === b.stake ? (a.address < b.address ? -1 : 1) : a.stake > b.stake ? -1 : 1))
      .slice(0, p.maxValidators)
      .map((c) => {
        const power = c.stake / (p.minStake > 0n ? p.minStake : 1n);
        return {
          address: c.address,
          votingPower: Number(power > 1_000_000_000n ? 1_000_000_000n : power < 1n ? 1n : power),
        };
      });
  },
};

// ---------------------------------------------------------------- apply

/** Inputs of block application besides the state and the block. */
export interface ApplyContext {
  config: ChainConfig;
  /** Signature verifier and cache (noble and no cache by default). */
  verify?: VerifyOptions;
  /** Consensus rules for reputation and validator selection. */
  hooks?: Partial<ConsensusHooks>;
}

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

interface BlockAcc {
  height: number;
  epoch: number;
  proposer: Address;
  minted: bigint;
  burned: bigint;
  fees: bigint;
  reward: bigint;
  slashed: Address[];
}

function clampRep(v: number): number {
  return Math.max(0, Math.min(1_000_000, Math.floor(v)));
}

function hooksOf(ctx: ApplyContext): ConsensusHooks {
  return { ...DEFAULT_HOOKS, ...ctx.hooks };
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
    evidenceHash: evidenceHash(draft.evidence, ctx.config.params),
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
  const { config } = ctx;
  const params = config.params;
  const hooks = hooksOf(ctx);
  const h = block.header;
  const meta = getChainMeta(view);
  const bad = (msg: string, data: Record<string, unknown> = {}): never =>
    fail('BAD_BLOCK', `block ${h.height}: ${msg}`, { height: h.height, ...data });

  if (h.chainId !== config.chainId)
    fail(
      'WRONG_CHAIN',
      `block ${h.height} is for chain ${JSON.stringify(h.chainId)}, this is ${JSON.stringify(config.chainId)}`,
    );
  if (h.height !== meta.height + 1) bad(`expected height ${meta.height + 1}`);
  if (h.previousHash !== meta.lastBlockHash)
    bad(`previousHash ${h.previousHash} is not the last block ${meta.lastBlockHash}`);
  if (h.timeMs < meta.lastTimeMs) bad(`time ${h.timeMs} is before the previous block's ${meta.lastTimeMs}`);
  if (block.txs.length > params.maxBlockTxs)
    fail(
      'TOO_MANY_ITEMS',
      `block ${h.height} has ${block.txs.length} txs; at most ${params.maxBlockTxs} are allowed`,
    );
  if (encoded && encoded.txBytes.length !== block.txs.length)
    bad('the encoded transactions do not match the block');
  const txBytes = encoded?.txBytes ?? block.txs.map((t) => encodeTx(t, params));
  encodeBlockWithTxBytes(block, txBytes, params); // throws BLOCK_TOO_LARGE past the limit
  const txHashes = encoded?.txHashes ?? txBytes.map(txHashOfBytes);
  if (h.txRoot !== txRoot(txHashes)) bad('txRoot does not match the transactions');
  if (h.lastCommitHash !== commitHash(block.lastCommit, params))
    bad('lastCommitHash does not match lastCommit');
  if (h.evidenceHash !== evidenceHash(block.evidence, params))
    bad('evidenceHash does not match the evidence');

  const epoch = epochOf(h.height, params);
  const set =
    getValidatorSet(view, epoch) ?? fail('STATE_CORRUPT', `no validator set is stored for epoch ${epoch}`);
  if (h.validatorSetHash !== validatorSetHash(set))
    bad(`validatorSetHash is not the hash of epoch ${epoch}'s set`);
  if (!set.some((v) => v.address === h.proposer)) bad(`proposer ${h.proposer} is not in the validator set`);

  const s = new StateOverlay(view);
  const acc: BlockAcc = {
    height: h.height,
    epoch,
    proposer: h.proposer,
    minted: 0n,
    burned: 0n,
    fees: 0n,
    reward: 0n,
    slashed: [],
  };

  // Participation: who precommitted the previous block, and who proposed this one.
  let signers: Address[] = [];
  if (h.height === 1) {
    if (block.lastCommit !== null) bad('the first block has no lastCommit');
  } else {
    const c = block.lastCommit ?? bad('lastCommit is missing');
    if (c.height !== h.height - 1 || c.blockHash !== h.previousHash)
      bad('lastCommit is not for the previous block');
    const prevSet =
      getValidatorSet(view, epochOf(h.height - 1, params)) ??
      fail('STATE_CORRUPT', 'no validator set is stored for the previous block');
    signers = verifyCommit(config.chainId, c, prevSet, ctx.verify).signers;
    const signed = new Set(signers);
    for (const v of prevSet)
      adjustReputation(s, v.address, signed.has(v.address) ? 'signed' : 'missed', hooks);
  }
  adjustReputation(s, h.proposer, 'proposed', hooks);

  for (const [i, e] of block.evidence.entries()) {
    try {
      applyEvidence(s, e, acc, ctx, hooks);
    } catch (err) {
      if (err instanceof ChainError) bad(`evidence ${i} is invalid: ${err.message}`, { evidenceIndex: i });
      throw err;
    }
  }

  const receipts: TxReceipt[] = [];
  for (const [i, bytes] of txBytes.entries()) {
    // Execute the decoded canonical bytes, not the caller's object: what runs is exactly what was
    // hashed and signed (addresses lowercase, no extra fields). Txs decoded with their bytes already are.
    const tx = canonicalTxs ? (block.txs[i] as Tx) : decodeTx(bytes, params);
    receipts.push(applyTx(s, tx, bytes, txHashes[i] as Hash, i, acc, ctx, hooks));
  }

  credit(s, h.proposer, acc.fees + acc.reward);
  if (acc.minted !== 0n || acc.burned !== 0n) putSupply(s, getSupply(s) + acc.minted - acc.burned);

  // At the end of epoch e, choose the set for e + 2.
  if (h.height % params.epochLengthBlocks === 0) {
    const effective = epoch + 2;
    const chosen = hooks.selectValidators(listValidators(s), effective, config);
    s.set(
      `vs:${effective}`,
      encodeValidatorSet(checkSet(chosen.length > 0 ? chosen : (getValidatorSet(s, epoch + 1) ?? set))),
    );
  }

  const changes: [StateKey, Uint8Array | null][] = [...s.writes];
  const stateRoot = updateTree(s, changes);
  if (checkRoot && stateRoot !== h.stateRoot)
    bad(`stateRoot ${h.stateRoot} does not match the computed ${stateRoot}`, { expected: stateRoot });
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

/** Validates a validator set: non-empty, unique addresses, integer power ≥ 1. */
export function checkSet(set: readonly ValidatorPower[]): ValidatorPower[] {
  if (set.length === 0) fail('BAD_BLOCK', 'a validator set cannot be empty');
  const seen = new Set<string>();
  for (const v of set) {
    if (seen.has(v.address)) fail('BAD_BLOCK', `validator ${v.address} appears twice in the set`);
    if (!Number.isSafeInteger(v.votingPower) || v.votingPower < 1)
      fail(
        'BAD_BLOCK',
        `validator ${v.address} has voting power ${v.votingPower}; it must be an integer ≥ 1`,
      );
    seen.add(v.address);
  }
  return [...set];
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

function applyEvidence(
  s: StateStore,
  e: DoubleVoteEvidence,
  acc: BlockAcc,
  ctx: ApplyContext,
  hooks: ConsensusHooks,
): void {
  const id = checkDoubleVoteEvidence(ctx.config.chainId, e.a, e.b, ctx.verify);
  if (e.a.height >= acc.height)
    fail('BAD_EVIDENCE', `evidence for height ${e.a.height} cannot be in block ${acc.height}`);
  if (s.get(`ev:${id}`))
    fail(
      'DUPLICATE_EVIDENCE',
      `this double vote of ${e.a.validator} at height ${e.a.height} round ${e.a.round} was already punished`,
    );
  const v =
    getValidator(s, e.a.validator) ?? fail('UNKNOWN_VALIDATOR', `${e.a.validator} is not a validator`);
  const slash = (v.stake * BigInt(ctx.config.params.slashFractionBps)) / 10_000n;
  putValidator(s, {
    ...v,
    stake: v.stake - slash,
    reputationPpm: clampRep(hooks.reputation(v.reputationPpm, 'double-vote')),
    jailedUntilEpoch: Math.max(v.jailedUntilEpoch, acc.epoch + ctx.config.params.jailEpochs),
  });
  s.set(`ev:${id}`, encodeHeight(KIND.evidenceSeen, acc.height));
  acc.burned += slash;
  acc.slashed.push(v.address);
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

function applyTx(
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

function executePayload(
  s: StateStore,
  tx: Tx,
  acc: BlockAcc,
  ctx: ApplyContext,
  hooks: ConsensusHooks,
): void {
  const p = tx.payload;
  const config = ctx.config;
  const debit = (amount: bigint): Account => {
    const a = getAccount(s, tx.sender);
    if (a.balance < amount)
      fail('INSUFFICIENT_FUNDS', `${tx.sender} has ${a.balance} after the fee and cannot spend ${amount}`, {
        balance: a.balance.toString(),
        amount: amount.toString(),
      });
    putAccount(s, tx.sender, { ...a, balance: a.balance - amount });
    return a;
  };
  const ownedActiveFranchise = (id: string): Franchise => {
    const f =
      getFranchise(s, id) ?? fail('UNKNOWN_FRANCHISE', `no franchise ${JSON.stringify(id)} is registered`);
    if (f.owner !== tx.sender)
      fail('UNAUTHORIZED', `${tx.sender} is not the owner of franchise ${id} (${f.owner})`);
    if (f.status !== 'active')
      fail('FRANCHISE_INACTIVE', `franchise ${id} is ${f.status}; only an active franchise may do this`);
    return f;
  };
  switch (p.type) {
    case 'transfer':
      debit(p.amount);
      credit(s, p.to, p.amount);
      return;
    case 'stake': {
      debit(p.amount);
      const v = getValidator(s, tx.sender) ?? {
        address: tx.sender,
        stake: 0n,
        reputationPpm: config.params.initialReputationPpm,
        region: p.region,
        jailedUntilEpoch: 0,
      };
      putValidator(s, { ...v, stake: v.stake + p.amount, region: p.region });
      return;
    }
    case 'unstake': {
      const v = getValidator(s, tx.sender) ?? fail('UNKNOWN_VALIDATOR', `${tx.sender} has no stake`);
      if (v.jailedUntilEpoch > acc.epoch)
        fail(
          'VALIDATOR_JAILED',
          `${tx.sender} is jailed until epoch ${v.jailedUntilEpoch} and cannot unstake before then`,
        );
      if (v.stake < p.amount)
        fail('INSUFFICIENT_STAKE', `${tx.sender} has ${v.stake} staked and cannot unstake ${p.amount}`);
      putValidator(s, { ...v, stake: v.stake - p.amount });
      credit(s, tx.sender, p.amount);
      return;
    }
    case 'franchise-register':
      if (getFranchise(s, p.franchise.id))
        fail('FRANCHISE_EXISTS', `franchise ${p.franchise.id} is already registered; use franchise-update`);
      s.set(
        `fr:${p.franchise.id}`,
        enc(KIND.franchise, (w) => writeFranchise(w, p.franchise)),
      );
      return;
    case 'franchise-update':
      if (!getFranchise(s, p.franchise.id))
        fail(
          'UNKNOWN_FRANCHISE',
          `no franchise ${JSON.stringify(p.franchise.id)} is registered; register it first`,
        );
      s.set(
        `fr:${p.franchise.id}`,
        enc(KIND.franchise, (w) => writeFranchise(w, p.franchise)),
      );
      return;
    case 'record-sales': {
      const f = ownedActiveFranchise(p.franchiseId);
      const t = f.tokenomics;
      for (const sale of p.sales) {
        if (sale.currency !== t.currency)
          fail(
            'CURRENCY_MISMATCH',
            `sale ${sale.orderId} is in ${sale.currency}; franchise ${f.id} sells in ${t.currency}`,
          );
        const key = `ord:${orderKey(f.id, sale.terminalId, sale.orderId)}` as const;
        if (s.get(key))
          fail(
            'DUPLICATE_ORDER',
            `order ${sale.orderId} of terminal ${sale.terminalId} was already recorded`,
            { orderId: sale.orderId },
          );
        s.set(key, encodeHeight(KIND.order, acc.height));
        const minted = sale.amountMinor * t.tokensPerMinorUnit;
        const royalty = (minted * BigInt(t.royaltyBps)) / 10_000n;
        const reward = (minted * BigInt(t.validatorRewardBps)) / 10_000n;
        const customerPart = sale.customer ? minted - royalty - reward : 0n;
        credit(s, config.hqAuthority, royalty);
        if (sale.customer) credit(s, sale.customer, customerPart);
        acc.reward += reward;
        acc.minted += royalty + reward + customerPart;
      }
      return;
    }
    case 'anchor-media': {
      ownedActiveFranchise(p.franchiseId);
      for (const seg of p.segments) {
        if (s.get(`anc:${seg.sha256}`))
          fail('DUPLICATE_ANCHOR', `segment ${seg.sha256} was already anchored`, { sha256: seg.sha256 });
        s.set(
          `anc:${seg.sha256}`,
          encodeAnchor({
            franchiseId: p.franchiseId,
            cameraId: p.cameraId,
            cid: seg.cid,
            height: acc.height,
          }),
        );
      }
      return;
    }
    case 'kyc-attest':
      s.set(
        `kyc:${p.subject}`,
        encodeKyc({
          level: p.level,
          status: p.status,
          documentHash: p.documentHash,
          expiresAtMs: p.expiresAtMs,
          attestedAtHeight: acc.height,
        }),
      );
      return;
    case 'evidence':
      applyEvidence(s, p.evidence, acc, ctx, hooks);
      return;
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

/** Writes the genesis state into an empty overlay; used by `genesis.ts`. */
export function writeGenesisState(
  s: StateOverlay,
  g: {
    balances: readonly { address: Address; amount: bigint }[];
    validators: readonly ValidatorRecord[];
    initialSet: readonly ValidatorPower[];
    genesisHash: Hash;
    genesisTimeMs: number;
  },
): Hash {
  let supply = 0n;
  for (const b of g.balances) {
    credit(s, b.address, b.amount);
    supply += b.amount;
  }
  for (const v of g.validators) {
    putValidator(s, v);
    supply += v.stake;
  }
  putSupply(s, supply);
  const set = encodeValidatorSet(checkSet(g.initialSet));
  s.set('vs:0', set);
  s.set('vs:1', set);
  const root = updateTree(s, [...s.writes]);
  s.set(
    'meta',
    encodeMeta({
      height: 0,
      lastBlockHash: g.genesisHash,
      lastTimeMs: g.genesisTimeMs,
      stateRoot: root,
      genesisHash: g.genesisHash,
    }),
  );
  return root;
}
