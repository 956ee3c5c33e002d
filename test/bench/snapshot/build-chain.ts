/**
 * A large chain for the snapshot benchmark, built fast: one validator's blocks are made directly with
 * `buildBlock` (no consensus, no network) from transfers signed with libsecp256k1, each committed with
 * the validator's own precommit and stored through the node's `storeBlock` (headers apart, set proofs
 * kept at epoch ends), many blocks per SQLite transaction. The transfers' signatures are not checked
 * while building (the builder signed them); the full-sync joiner checks every one.
 *
 * The result is cached in `test/.tmp/bench-snapshot/<version>/` (genesis.json, ledger.db,
 * chain.json) and reused; `rebuild` makes a new one.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { appRoot } from '../../../main/platform/paths';
import { encodeBlockWithTxBytes, makeCommit } from '../../../main/chain/block';
import { type Genesis, applyGenesis, genesisConfig } from '../../../main/chain/genesis';
import { getRawPublicKey, privateKeyToAddress } from '../../../main/chain/keys';
import { DEFAULT_PARAMS } from '../../../main/chain/params';
import { buildBlock } from '../../../main/chain/state/apply-block';
import { encodeTx, txHashOfBytes, txSigningHash } from '../../../main/chain/tx/codec';
import type { Tx, UnsignedTx } from '../../../main/chain/tx/types';
import { toHex } from '../../../main/chain/bytes';
import type { Address, Hash } from '../../../main/chain/types';
import { signVote } from '../../../main/chain/vote';
import { consensusHooks } from '../../../main/consensus/hooks';
import { type CommitDeps, storeBlock } from '../../../main/node/commit-block';
import { writeGenesis } from '../../../main/node/init';
import { LedgerStore } from '../../../main/node/ledger-store';
import { benchKey, oneValidatorGenesis } from '../p2p/bench-chain';
import { installNativeKeccak } from '../../../main/node/native-keccak';
import { fastVerifier } from '../../../main/node/verifier';

/** Bump when the way the cached chain is made changes. */
export const SNAPSHOT_CHAIN_FORMAT = 'v1';

/** The shape of the chain. */
export interface SnapshotChainOptions {
  txs: number;
  /** Transactions per block. */
  blockTxs: number;
  senders: number;
  epochLengthBlocks: number;
  rebuild?: boolean;
  progress?: (line: string) => void;
}

/** What `chain.json` records. */
export interface SnapshotChainInfo {
  version: string;
  chainId: string;
  blocks: number;
  txs: number;
  senders: number;
  blockTxs: number;
  epochLengthBlocks: number;
  /** Building it all (signing included), ms. */
  build_ms: number;
  /** Of which signing and encoding the transfers. */
  sign_ms: number;
  ledger_bytes: number;
  madeAt: string;
}

/** The snapshot bench's keys (a family of their own). */
export function snapshotBenchKey(i: number): Uint8Array {
  return benchKey(i, SNAPSHOT_KEY_FAMILY);
}

const SNAPSHOT_KEY_FAMILY = 0x44;

/** One validator, `senders` funded accounts, blocks of `blockTxs`, a 1 s pause between later blocks. */
export function snapshotBenchGenesis(
  o: Pick<SnapshotChainOptions, 'blockTxs' | 'senders' | 'epochLengthBlocks'>,
): Genesis {
  const params = {
    ...DEFAULT_PARAMS,
    maxBlockTxs: o.blockTxs,
    epochLengthBlocks: o.epochLengthBlocks,
    // The serving validator goes on making (empty) blocks about once a second once the joiners run.
    timeouts: { ...DEFAULT_PARAMS.timeouts, commitMs: 1_000 },
  };
  return oneValidatorGenesis('hotpot-bench-snapshot', SNAPSHOT_KEY_FAMILY, o.senders, params);
}

/** Returns the data dir of the cached chain, building it first when there is none. */
export async function ensureSnapshotChain(
  o: SnapshotChainOptions,
): Promise<{ dir: string; info: SnapshotChainInfo; reused: boolean }> {
  const version = `${SNAPSHOT_CHAIN_FORMAT}-${o.txs}tx-${o.blockTxs}b-${o.senders}s-${o.epochLengthBlocks}e`;
  const dir = join(appRoot(), 'test', '.tmp', 'bench-snapshot', version);
  const infoFile = join(dir, 'chain.json');
  if (!o.rebuild && existsSync(infoFile))
    return { dir, info: JSON.parse(readFileSync(infoFile, 'utf8')) as SnapshotChainInfo, reused: true };
  const work = `${dir}.partial-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    const info = build(work, version, o);
    info.ledger_bytes = statSync(join(work, 'ledger.db')).size;
    writeFileSync(join(work, 'chain.json'), JSON.stringify(info, null, 2) + '\n');
    rmSync(dir, { recursive: true, force: true });
    renameSync(work, dir);
    return { dir, info, reused: false };
  } catch (err) {
    rmSync(work, { recursive: true, force: true });
    throw err;
  }
}

type Libsecp = { ecdsaSign(msg32: Uint8Array, seckey: Uint8Array): { signature: Uint8Array } };

function build(dir: string, version: string, o: SnapshotChainOptions): SnapshotChainInfo {
  installNativeKeccak();
  const secp = createRequire(import.meta.url)('secp256k1') as Libsecp;
  const g = snapshotBenchGenesis(o);
  writeGenesis(dir, g);
  const config = genesisConfig(g);
  const store = LedgerStore.open(join(dir, 'ledger.db'));
  const t0 = performance.now();
  let signMs = 0;
  try {
    const gen = applyGenesis(store, g);
    store.initGenesis(g, gen.genesisHash, gen.writes);
    // Every transfer was signed here: a cache that knows them all spares re-checking while building.
    const signed = new Set<string>();
    const ctx = {
      config,
      verify: { verifier: fastVerifier(), cache: { has: (k: string) => signed.has(k), add: () => {} } },
      hooks: consensusHooks(),
    };
    const deps = { store, config, ctx } as unknown as CommitDeps;
    const validatorKey = snapshotBenchKey(0);
    const validator = privateKeyToAddress(validatorKey);
    const keys = Array.from({ length: o.senders }, (_, i) => snapshotBenchKey(1 + i));
    const pubs = keys.map((k) => toHex(getRawPublicKey(k)));
    const addrs = keys.map((k) => privateKeyToAddress(k));
    const blocks = Math.ceil(o.txs / o.blockTxs);
    let lastCommit: ReturnType<typeof makeCommit> | null = null;
    let made = 0;
    let lastReport = t0;
    const PER_TRANSACTION = 50;
    for (let first = 1; first <= blocks; first += PER_TRANSACTION) {
      store.batch(() => {
        for (let h = first; h < Math.min(first + PER_TRANSACTION, blocks + 1); h++) {
          const ts = performance.now();
          const n = Math.min(o.blockTxs, o.txs - made);
          const txs: Tx[] = [];
          const txBytes: Uint8Array[] = [];
          const txHashes: Hash[] = [];
          for (let j = 0; j < n; j++) {
            const i = made + j;
            const s = i % o.senders;
            const unsigned: UnsignedTx = {
              chainId: g.chainId,
              nonce: Math.floor(i / o.senders),
              fee: g.params.minTxFee,
              sender: addrs[s] as Address,
              publicKey: pubs[s] as UnsignedTx['publicKey'],
              payload: { type: 'transfer', to: addrs[(s + 1) % o.senders] as Address, amount: 1n },
            };
            const digest = createHash('sha256').update(txSigningHash(unsigned, config.params)).digest();
            const tx: Tx = {
              ...unsigned,
              signature: toHex(secp.ecdsaSign(digest, keys[s] as Uint8Array).signature),
            };
            const bytes = encodeTx(tx, config.params);
            const hash = txHashOfBytes(bytes);
            signed.add(`t:${hash}`);
            txs.push(tx);
            txBytes.push(bytes);
            txHashes.push(hash);
          }
          made += n;
          signMs += performance.now() - ts;
          const { block, result } = buildBlock(
            store,
            {
              header: { height: h, round: 0, timeMs: g.genesisTimeMs + h, proposer: validator },
              txs,
              lastCommit,
              evidence: [],
            },
            ctx,
            { txBytes, txHashes },
          );
          const vote = signVote(
            g.chainId,
            { type: 'precommit', height: h, round: 0, blockHash: result.blockHash },
            validatorKey,
          );
          const commit = makeCommit([vote]);
          storeBlock(
            {
              block,
              bytes: encodeBlockWithTxBytes(block, txBytes, config.params),
              hash: result.blockHash,
              txBytes,
              txHashes,
              valid: true,
              result,
            },
            commit,
            deps,
          );
          lastCommit = commit;
        }
      });
      if (o.progress && performance.now() - lastReport > 10_000) {
        lastReport = performance.now();
        o.progress(`snapshot bench chain: ${made}/${o.txs} txs, ${Math.round((lastReport - t0) / 1000)} s`);
      }
    }
    const head = store.chainMeta().height;
    return {
      version,
      chainId: g.chainId,
      blocks: head,
      txs: made,
      senders: o.senders,
      blockTxs: o.blockTxs,
      epochLengthBlocks: o.epochLengthBlocks,
      build_ms: Math.round(performance.now() - t0),
      sign_ms: Math.round(signMs),
      ledger_bytes: 0,
      madeAt: new Date().toISOString(),
    };
  } finally {
    store.close();
  }
}
