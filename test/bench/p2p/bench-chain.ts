/**
 * A real chain for the sync benchmark: a single-validator `NodeService` (alone on an in-process
 * network, fast timeouts) fed with pre-signed transfers until it has committed `blocks` blocks of
 * `txPerBlock` transactions each (the genesis `maxBlockTxs`). Every block is built, signed, voted
 * and committed by the node's own consensus driver, so the blocks, commits and state roots are what
 * a store would serve.
 *
 * Producing 10,000 blocks takes minutes, so the result is kept in
 * `test/.tmp/bench-chain-10k/<version>/` (genesis.json + ledger.db + chain.json) and reused; the
 * version string names the chain's shape, and `rebuild` forces a new one (e.g. after the block
 * format changed: the sync then fails with SYNC_FAILED and says so).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appRoot } from '../../../main/platform/paths';
import { type Genesis, genesisToJson, parseGenesis } from '../../../main/chain/genesis';
import { privateKeyToAddress } from '../../../main/chain/keys';
import { type ChainParams, DEFAULT_PARAMS } from '../../../main/chain/params';
import { encodeTx } from '../../../main/chain/tx/codec';
import { TxBuilder } from '../../../main/chain/tx/builder';
import type { Address } from '../../../main/chain/types';
import { writeGenesis } from '../../../main/node/init';
import { LedgerStore } from '../../../main/node/ledger-store';
import { composeLedgerNode } from '../../../main/app/compose-ledger';
import { MemoryHub } from '../../../main/p2p/memory-network';
import { SILENT_LOG } from '../../../main/p2p/types';

/** Bump when the way the cached chain is made changes (its data dir is keyed by it). */
export const BENCH_CHAIN_FORMAT = 'v1';

/** The shape of the benchmark chain. */
export interface BenchChainOptions {
  blocks: number;
  txPerBlock: number;
  /** Distinct senders (each sends `blocks * txPerBlock / senders` transfers in nonce order). */
  senders: number;
  /** Ignore a cached chain and make a new one. */
  rebuild?: boolean;
  /** Progress lines go here (stderr in the bench). */
  progress?: (line: string) => void;
}

/** What `chain.json` records about a cached chain. */
export interface BenchChainInfo {
  version: string;
  chainId: string;
  /** Blocks asked for. */
  target: number;
  /** Blocks stored (the head; the producer may commit one more than asked before it stops). */
  blocks: number;
  txs: number;
  txPerBlock: number;
  senders: number;
  validators: number;
  build_ms: number;
  presign_ms: number;
  madeAt: string;
}

/**
 * Deterministic bench keys (never use such keys outside tests and benches); `family` keeps the
 * chains of different benches apart.
 */
export function benchKey(i: number, family = 0x33): Uint8Array {
  const k = new Uint8Array(32);
  k[0] = family;
  k[29] = (i >> 16) & 0xff;
  k[30] = (i >> 8) & 0xff;
  k[31] = (i & 0xff) + 1;
  return k;
}

/** The genesis of the benchmark chain: one validator, `senders` funded accounts, `txPerBlock` per block. */
export function benchGenesis(o: Pick<BenchChainOptions, 'txPerBlock' | 'senders'>): Genesis {
  const params = {
    ...DEFAULT_PARAMS,
    maxBlockTxs: o.txPerBlock,
    timeouts: {
      proposeBaseMs: 400,
      proposeDeltaMs: 200,
      prevoteBaseMs: 200,
      prevoteDeltaMs: 100,
      precommitBaseMs: 200,
      precommitDeltaMs: 100,
      commitMs: 0,
    },
  };
  return oneValidatorGenesis('hotpot-bench-sync', 0x33, o.senders, params);
}

/**
 * A bench chain's genesis: key 0 of `family` its one validator (and authority), keys 1…`senders`
 * funded with 10^18 each.
 */
export function oneValidatorGenesis(
  chainId: string,
  family: number,
  senders: number,
  params: ChainParams,
): Genesis {
  const validator = privateKeyToAddress(benchKey(0, family));
  const funded = Array.from({ length: senders }, (_, i) => privateKeyToAddress(benchKey(1 + i, family)));
  return parseGenesis(
    genesisToJson({
      chainId,
      genesisTimeMs: 1_750_000_000_000,
      hqAuthority: validator,
      complianceAuthority: validator,
      validators: [{ address: validator, stake: params.minStake * 10n, region: 'north' }],
      balances: [validator, ...funded].map((address) => ({ address, amount: 10n ** 18n })),
      params,
    }),
  );
}

/** The cache key of a chain shape. */
export function benchChainVersion(o: Pick<BenchChainOptions, 'blocks' | 'txPerBlock' | 'senders'>): string {
  return `${BENCH_CHAIN_FORMAT}-${o.blocks}b-${o.txPerBlock}tx-${o.senders}s`;
}

/** Returns the data dir of a cached benchmark chain, making it first when there is none. */
export async function ensureBenchChain(o: BenchChainOptions): Promise<{ dir: string; info: BenchChainInfo }> {
  const version = benchChainVersion(o);
  const root = join(appRoot(), 'test', '.tmp', 'bench-chain-10k');
  const dir = join(root, version);
  const infoFile = join(dir, 'chain.json');
  if (!o.rebuild && existsSync(infoFile)) {
    const info = JSON.parse(readFileSync(infoFile, 'utf8')) as BenchChainInfo;
    if (info.version === version && info.blocks >= o.blocks) return { dir, info };
  }
  const work = `${dir}.partial-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    const info = await buildChain(work, version, o);
    writeFileSync(join(work, 'chain.json'), JSON.stringify(info, null, 2) + '\n');
    rmSync(dir, { recursive: true, force: true });
    renameSync(work, dir);
    return { dir, info };
  } catch (err) {
    rmSync(work, { recursive: true, force: true });
    throw err;
  }
}

async function buildChain(dir: string, version: string, o: BenchChainOptions): Promise<BenchChainInfo> {
  const g = benchGenesis(o);
  writeGenesis(dir, g);
  const total = o.blocks * o.txPerBlock;
  const rounds = Math.ceil(total / o.senders);
  const builders = Array.from(
    { length: o.senders },
    (_, i) => new TxBuilder({ chainId: g.chainId, privateKey: benchKey(1 + i), fee: g.params.minTxFee }),
  );
  const addrs: Address[] = builders.map((b) => b.address);
  let committedBlocks = 0;
  let committedTxs = 0;
  const hub = new MemoryHub({ delayMs: 0 });
  const node = composeLedgerNode(
    { dataDir: dir, mempool: { maxTxs: 100_000 }, verifyWorkers: 1 },
    {
      log: SILENT_LOG,
      network: hub.node('producer', g.chainId),
      privateKey: benchKey(0),
      onCommit: (b) => {
        // Count only up to the target: the node may commit one more before it is stopped.
        if (b.height <= o.blocks) {
          committedBlocks = b.height;
          committedTxs += b.txHashes.length;
        }
      },
    },
  );
  const t0 = performance.now();
  let presignMs = 0;
  let lastReport = t0;
  await node.start();
  try {
    // Round r: every sender's transfer at nonce r (to the next sender), signed just before it is offered.
    let round = 0;
    let stopAt = Infinity;
    while (committedBlocks < o.blocks) {
      if (round < rounds && node.mempool.size < 4 * o.senders) {
        const ts = performance.now();
        const txs = builders.map((b, s) =>
          encodeTx(b.transfer(round, { to: addrs[(s + 1) % addrs.length] as Address, amount: 1n }), g.params),
        );
        presignMs += performance.now() - ts;
        // Left to run with consensus: offering a round must not wait for blocks.
        await Promise.all(txs.map((t) => node.submit(t)));
        round++;
        continue;
      }
      if (round >= rounds && stopAt === Infinity) stopAt = performance.now() + 120_000;
      if (performance.now() > stopAt)
        throw new Error(`the bench chain stalled at ${committedBlocks} of ${o.blocks} blocks`);
      await new Promise((r) => setTimeout(r, 5));
      if (o.progress && performance.now() - lastReport > 10_000) {
        lastReport = performance.now();
        o.progress(
          `bench chain: ${committedBlocks}/${o.blocks} blocks, ${committedTxs} txs, ${Math.round((performance.now() - t0) / 1000)} s`,
        );
      }
    }
  } finally {
    await node.stop();
  }
  // The node may have committed past the target; the observer's target is the stored head.
  const store = LedgerStore.open(join(dir, 'ledger.db'));
  const head = store.chainMeta().height;
  let txs = 0;
  for (let h = 1; h <= head; h += 500) for (const b of store.blocksFrom(h, 500)) txs += b.txCount;
  store.close();
  return {
    version,
    chainId: g.chainId,
    target: o.blocks,
    blocks: head,
    txs,
    txPerBlock: o.txPerBlock,
    senders: o.senders,
    validators: 1,
    build_ms: Math.round(performance.now() - t0),
    presign_ms: Math.round(presignMs),
    madeAt: new Date().toISOString(),
  };
}
