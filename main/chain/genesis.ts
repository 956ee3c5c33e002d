/**
 * Genesis: the document that starts a chain, its validation, its hash, and the initial state (pure).
 *
 * The document is JSON; amounts are decimal strings (token base units), addresses are 0x hex (EIP-55
 * checksums are checked when mixed case). `parseGenesis` fills parameter defaults and returns a
 * fully specified `Genesis`; its hash is keccak-256 of a canonical binary encoding (validators and
 * balances sorted by address), so two files that say the same thing have the same hash.
 */
import { z } from 'zod';
import { keccak256, toHex } from './bytes';
import { KIND, writer } from './encoding';
import { ChainError } from './errors';
import { parseAddress, privateKeyToAddress } from './keys';
import { MAX_GENESIS_PEER_IDS, PEER_ID_RE } from './peer-id';
import { type ChainConfig, type ChainParams, DEFAULT_PARAMS } from './params';
import { DEFAULT_HOOKS, checkSet } from './state/consensus-hooks';
import { writeGenesisState } from './state/genesis-state';
import type { ValidatorRecord } from './state/records';
import { StateOverlay, type StateReader, type WriteSet } from './state/store';
import type { Address, Hash, ValidatorPower } from './types';
import { MAX_CHAIN_ID_BYTES } from './vote';

/** One initial validator. */
export interface GenesisValidator {
  address: Address;
  stake: bigint;
  region: string;
  /** Voting power for epochs 0 and 1; by default stake / minStake (the default selection rule). */
  votingPower?: number;
}

/** A parsed, complete genesis document. */
export interface Genesis {
  chainId: string;
  genesisTimeMs: number;
  hqAuthority: Address;
  complianceAuthority: Address;
  validators: GenesisValidator[];
  balances: { address: Address; amount: bigint }[];
  params: ChainParams;
  /**
   * The libp2p peer ids of the franchise's nodes that may connect (with those HQ registers on chain by
   * `peer-register`). Absent: the chain is open to any peer that speaks its protocols (chains made
   * before the list existed). Part of the genesis hash only when present, so older genesis files keep
   * their hashes.
   */
  peerIds?: string[];
}

const amount = z
  .union([
    z.string().regex(/^(0|[1-9][0-9]{0,77})$/, 'an amount is a decimal string of base units, like "1000"'),
    z.bigint().nonnegative(),
  ])
  .transform((v) => BigInt(v));
const address = z.string().transform((v, ctx) => {
  try {
    return parseAddress(v);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: e instanceof Error ? e.message : 'bad address' });
    return z.NEVER;
  }
});
const ms = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const count = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const D = DEFAULT_PARAMS;
const paramsSchema = z
  .object({
    maxTxBytes: count.default(D.maxTxBytes),
    maxBlockBytes: count.default(D.maxBlockBytes),
    maxBlockTxs: count.default(D.maxBlockTxs),
    maxItems: count.default(D.maxItems),
    minTxFee: amount.default(D.minTxFee),
    epochLengthBlocks: count.default(D.epochLengthBlocks),
    maxValidators: count.default(D.maxValidators),
    minScorePpm: z.number().int().min(0).max(1_000_000).default(D.minScorePpm),
    minStake: amount.default(D.minStake),
    jailEpochs: z.number().int().min(0).max(1_000_000).default(D.jailEpochs),
    slashFractionBps: z.number().int().min(0).max(10_000).default(D.slashFractionBps),
    // Absent means 0, not the default: a document that does not name it predates unbonding, and its
    // chain's blocks were applied with unstaked tokens returned at once.
    unbondingBlocks: z.number().int().min(0).max(100_000_000).default(0),
    initialReputationPpm: z.number().int().min(0).max(1_000_000).default(D.initialReputationPpm),
    timeouts: z
      .object({
        proposeBaseMs: ms.default(D.timeouts.proposeBaseMs),
        proposeDeltaMs: ms.default(D.timeouts.proposeDeltaMs),
        prevoteBaseMs: ms.default(D.timeouts.prevoteBaseMs),
        prevoteDeltaMs: ms.default(D.timeouts.prevoteDeltaMs),
        precommitBaseMs: ms.default(D.timeouts.precommitBaseMs),
        precommitDeltaMs: ms.default(D.timeouts.precommitDeltaMs),
        commitMs: ms.default(D.timeouts.commitMs),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

const genesisSchema = z
  .object({
    chainId: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9-]{0,62}$/,
        'a chain id is 1–63 of a-z 0-9 and -, starting with a letter or digit',
      ),
    genesisTimeMs: ms,
    hqAuthority: address,
    complianceAuthority: address,
    validators: z
      .array(
        z
          .object({
            address,
            stake: amount,
            region: z.string().min(1).max(64),
            votingPower: count.optional(),
          })
          .strict(),
      )
      .min(1, 'a chain needs at least one validator'),
    balances: z.array(z.object({ address, amount }).strict()).default([]),
    params: paramsSchema,
    peerIds: z
      .array(z.string().regex(PEER_ID_RE, 'a peer id is a libp2p peer id in base58btc, like "12D3KooW…"'))
      .max(MAX_GENESIS_PEER_IDS)
      .optional(),
  })
  .strict();

/**
 * Validates a genesis document (parsed JSON) and fills parameter defaults. Throws `BAD_GENESIS`
 * listing every problem with its path, e.g. `validators.0.stake: an amount is a decimal string…`.
 */
export function parseGenesis(doc: unknown): Genesis {
  const r = genesisSchema.safeParse(doc);
  if (!r.success) {
    const problems = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ChainError('BAD_GENESIS', `the genesis document is not valid: ${problems.join('; ')}`, {
      problems,
    });
  }
  const g = r.data as Genesis;
  const dup = (list: { address: Address }[], what: string): void => {
    const seen = new Set<string>();
    for (const x of list) {
      if (seen.has(x.address))
        throw new ChainError('BAD_GENESIS', `the genesis document lists ${what} ${x.address} twice`, {
          address: x.address,
        });
      seen.add(x.address);
    }
  };
  dup(g.validators, 'validator');
  if (g.peerIds && new Set(g.peerIds).size !== g.peerIds.length)
    throw new ChainError('BAD_GENESIS', 'the genesis document lists a peer id twice in peerIds');
  dup(g.balances, 'balance for');
  for (const v of g.validators) {
    if (v.stake < g.params.minStake)
      throw new ChainError(
        'BAD_GENESIS',
        `validator ${v.address} stakes ${v.stake}, below minStake ${g.params.minStake}`,
        { address: v.address },
      );
  }
  if (g.validators.length > g.params.maxValidators)
    throw new ChainError(
      'BAD_GENESIS',
      `${g.validators.length} validators exceed maxValidators ${g.params.maxValidators}`,
    );
  if (new TextEncoder().encode(g.chainId).length > MAX_CHAIN_ID_BYTES)
    throw new ChainError('BAD_GENESIS', 'the chain id is too long');
  return g;
}

/** The JSON form of a genesis (amounts as decimal strings), which `parseGenesis` reads back. */
export function genesisToJson(g: Genesis): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(g, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
  ) as Record<string, unknown>;
}

/** The genesis hash: keccak-256 of the canonical encoding. It is the previousHash of block 1. */
export function genesisHash(g: Genesis): Hash {
  const p = g.params;
  const t = p.timeouts;
  const byAddr = <T extends { address: Address }>(xs: T[]): T[] =>
    [...xs].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  const w = writer(KIND.genesis)
    .string(g.chainId, MAX_CHAIN_ID_BYTES)
    .uint(g.genesisTimeMs)
    .hex(g.hqAuthority, 20)
    .hex(g.complianceAuthority, 20);
  w.list(byAddr(g.validators), Number.MAX_SAFE_INTEGER, (ww, v) =>
    ww
      .hex(v.address, 20)
      .amount(v.stake)
      .string(v.region, 64)
      .uint(v.votingPower ?? 0),
  );
  w.list(byAddr(g.balances), Number.MAX_SAFE_INTEGER, (ww, b) => ww.hex(b.address, 20).amount(b.amount));
  w.uint(p.maxTxBytes)
    .uint(p.maxBlockBytes)
    .uint(p.maxBlockTxs)
    .uint(p.maxItems)
    .amount(p.minTxFee)
    .uint(p.epochLengthBlocks)
    .uint(p.maxValidators);
  w.uint(p.minScorePpm)
    .amount(p.minStake)
    .uint(p.jailEpochs)
    .uint(p.slashFractionBps)
    .uint(p.initialReputationPpm);
  w.uint(t.proposeBaseMs)
    .uint(t.proposeDeltaMs)
    .uint(t.prevoteBaseMs)
    .uint(t.prevoteDeltaMs)
    .uint(t.precommitBaseMs)
    .uint(t.precommitDeltaMs)
    .uint(t.commitMs);
  // Appended only when present: a genesis without the list keeps the hash it had before the field existed.
  if (g.peerIds !== undefined)
    w.list([...g.peerIds].sort(), MAX_GENESIS_PEER_IDS, (ww, id) => ww.string(id, 64));
  // Likewise a genesis without unbonding (0) keeps its hash; the name tags the field.
  if (p.unbondingBlocks !== 0) w.string('unbondingBlocks', 32).uint(p.unbondingBlocks);
  return toHex(keccak256(w.finish()));
}

/** The ledger configuration (chain id, authorities, parameters) of a genesis. */
export function genesisConfig(g: Genesis): ChainConfig {
  return {
    chainId: g.chainId,
    hqAuthority: g.hqAuthority,
    complianceAuthority: g.complianceAuthority,
    params: g.params,
  };
}

/** The validator set of epochs 0 and 1. */
export function initialValidatorSet(g: Genesis): ValidatorPower[] {
  const config = genesisConfig(g);
  const defaults = new Map(
    DEFAULT_HOOKS.selectValidators(genesisValidatorRecords(g), 0, config).map((v) => [
      v.address,
      v.votingPower,
    ]),
  );
  return checkSet(
    g.validators.map((v) => ({
      address: v.address,
      votingPower: v.votingPower ?? defaults.get(v.address) ?? 1,
    })),
  );
}

function genesisValidatorRecords(g: Genesis): ValidatorRecord[] {
  return g.validators.map((v) => ({
    address: v.address,
    stake: v.stake,
    reputationPpm: g.params.initialReputationPpm,
    region: v.region,
    jailedUntilEpoch: 0,
  }));
}

/**
 * The state at height 0: balances, validators with stake and initial reputation, total supply, and the
 * validator set of epochs 0 and 1. `view` must be empty; returns the writes to persist.
 */
export function applyGenesis(
  view: StateReader,
  g: Genesis,
): { genesisHash: Hash; stateRoot: Hash; writes: WriteSet } {
  if (view.get('meta'))
    throw new ChainError(
      'BAD_GENESIS',
      'the state already holds a chain; genesis applies only to an empty store',
    );
  const s = new StateOverlay(view);
  const hash = genesisHash(g);
  const stateRoot = writeGenesisState(s, {
    balances: g.balances,
    validators: genesisValidatorRecords(g),
    initialSet: initialValidatorSet(g),
    genesisHash: hash,
    genesisTimeMs: g.genesisTimeMs,
  });
  return { genesisHash: hash, stateRoot, writes: s.writes };
}

/**
 * A single-validator development genesis: the key's address is the validator, the HQ and the
 * compliance authority, and holds `balance` tokens (for `hotpot init --dev`).
 *
 * @example const g = makeDevGenesis({ privateKey, genesisTimeMs: Date.now() });
 */
export function makeDevGenesis(opts: {
  privateKey: Uint8Array;
  genesisTimeMs: number;
  chainId?: string;
  region?: string;
  stake?: bigint;
  balance?: bigint;
  params?: Partial<ChainParams>;
  /** The node's own libp2p peer id (and any others) that may connect; absent: open to any peer. */
  peerIds?: string[];
}): Genesis {
  const addr = privateKeyToAddress(opts.privateKey);
  const epochLengthBlocks = opts.params?.epochLengthBlocks ?? 1_000;
  // Unbonding outlasts the two epochs unstaked tokens keep backing a validator, plus one for evidence.
  const params = {
    ...DEFAULT_PARAMS,
    epochLengthBlocks,
    unbondingBlocks: 3 * epochLengthBlocks,
    ...opts.params,
  };
  return parseGenesis(
    genesisToJson({
      chainId: opts.chainId ?? 'hotpot-dev',
      genesisTimeMs: opts.genesisTimeMs,
      hqAuthority: addr,
      complianceAuthority: addr,
      validators: [
        { address: addr, stake: opts.stake ?? params.minStake * 10n, region: opts.region ?? 'dev' },
      ],
      balances: [{ address: addr, amount: opts.balance ?? 1_000_000_000_000n }],
      params,
      ...(opts.peerIds ? { peerIds: opts.peerIds } : {}),
    }),
  );
}
