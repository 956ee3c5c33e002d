// bin/hotpot bench chain [--validators 4] [--seconds 20] [--rate 1200] [--senders 400] [--sales-share 0.2] [--shared-cache] [--verify-workers 1] [--skip-replay]
// Four (N) validators in one process over the in-process network, each with its own ledger.db
// (synchronous=FULL), mempool, verifier cache and consensus driver, under a stream of pre-signed
// transfers and record-sales batches offered at --rate tx/s. Prints one JSON object:
// { tx_per_s, finality_p50_ms, finality_p99_ms, sig_verify_per_s: { ours, openssl, noble }, sig_backend, block_apply_per_s, replay_tx_per_s, … }.
// Finality = from submission to the node that received the tx until the block holding it is stored by
// that node. Figures depend on the machine and its load: report them with that caveat.
import { mkdirSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeBlock, decodeCommit } from '../../main/chain/block';
import { BoundedVerifiedCache } from '../../main/chain/cache';
import {
  type Genesis,
  applyGenesis,
  genesisConfig,
  genesisToJson,
  parseGenesis,
} from '../../main/chain/genesis';
import { getPublicKey, nobleVerifier, privateKeyToAddress } from '../../main/chain/keys';
import { DEFAULT_PARAMS } from '../../main/chain/params';
import { applyBlock } from '../../main/chain/state/apply-block';
import type { Tx } from '../../main/chain/tx/types';
import { encodeTx, txSigningHash } from '../../main/chain/tx/codec';
import { TxBuilder } from '../../main/chain/tx/builder';
import type { Address } from '../../main/chain/types';
import { LedgerStore } from '../../main/node/ledger-store';
import { composeLedgerNode } from '../../main/app/compose-ledger';
import type { NodeService } from '../../main/node/node-service';
import { writeGenesis } from '../../main/node/init';
import { consensusHooks } from '../../main/node/rules';
import { NativeVerifier, OpenSslVerifier, fastVerifier } from '../../main/node/verifier';
import { VerifyPool } from '../../main/node/verify-pool';
import { workerPath } from '../../main/platform/paths';
import { MemoryHub } from '../../main/p2p/memory-network';
import { SILENT_LOG } from '../../main/p2p/types';

const USAGE = `Usage: bin/hotpot bench chain [--validators 4] [--seconds 20] [--rate 1200] [--senders 400]
                             [--sales-share 0.2] [--block-txs 2000] [--shared-cache] [--verify-workers 1]
                             [--skip-replay]
`;

/** The flags, or the usage and exit 2 on a flag it does not know (no stack trace); --help prints the usage. */
function flags() {
  try {
    const { values } = parseArgs({
      options: {
        validators: { type: 'string', default: '4' },
        seconds: { type: 'string', default: '20' },
        rate: { type: 'string', default: '1200' },
        senders: { type: 'string', default: '400' },
        'sales-share': { type: 'string', default: '0.2' },
        'shared-cache': { type: 'boolean', default: false },
        'block-txs': { type: 'string', default: '2000' },
        'verify-workers': { type: 'string', default: '1' },
        'skip-replay': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    if (values.help) {
      process.stdout.write(USAGE);
      process.exit(0);
    }
    return values;
  } catch (err) {
    process.stderr.write(`bench chain: ${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}
const values = flags();
const N = Number(values.validators);
const SECONDS = Number(values.seconds);
const RATE = Number(values.rate);
const SENDERS = Number(values.senders);
const SALES_SHARE = Number(values['sales-share']);
const BLOCK_TXS = Number(values['block-txs']);

function key(i: number): Uint8Array {
  const k = new Uint8Array(32);
  k[0] = 0x22;
  k[28] = (i >> 24) & 0xff;
  k[29] = (i >> 16) & 0xff;
  k[30] = (i >> 8) & 0xff;
  k[31] = (i & 0xff) + 1;
  return k;
}

function pct(xs: number[], p: number): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))] as number);
}

function rateOf(fn: () => void, ms = 1000): number {
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < ms) {
    fn();
    n++;
  }
  return Math.round((n * 1000) / (performance.now() - t0));
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'hotpot-bench-chain-'));
  const vkeys = Array.from({ length: N }, (_, i) => key(i));
  const skeys = Array.from({ length: SENDERS }, (_, i) => key(1000 + i));
  const storeKey = key(900);
  const storeAddr = privateKeyToAddress(storeKey);
  const customer = privateKeyToAddress(key(901));
  const params = {
    ...DEFAULT_PARAMS,
    maxBlockTxs: 10_000,
    timeouts: {
      proposeBaseMs: 1000,
      proposeDeltaMs: 500,
      prevoteBaseMs: 500,
      prevoteDeltaMs: 250,
      precommitBaseMs: 500,
      precommitDeltaMs: 250,
      commitMs: 0,
    },
  };
  const vaddrs = vkeys.map((k) => privateKeyToAddress(k));
  const g: Genesis = parseGenesis(
    genesisToJson({
      chainId: 'hotpot-bench',
      genesisTimeMs: Date.now(),
      hqAuthority: vaddrs[0] as Address,
      complianceAuthority: vaddrs[0] as Address,
      validators: vaddrs.map((address, i) => ({
        address,
        stake: params.minStake * 10n,
        region: ['north', 'south', 'east', 'west'][i % 4] as string,
      })),
      balances: [...vaddrs, storeAddr, ...skeys.map((k) => privateKeyToAddress(k))].map((address) => ({
        address,
        amount: 10n ** 18n,
      })),
      params,
    }),
  );
  const fee = params.minTxFee;

  // Pre-sign the whole load before timing.
  const total = Math.ceil(RATE * SECONDS);
  const t0sign = performance.now();
  const builders = skeys.map((k) => new TxBuilder({ chainId: g.chainId, privateKey: k, fee }));
  const nonces = new Array<number>(SENDERS).fill(0);
  const store = new TxBuilder({ chainId: g.chainId, privateKey: storeKey, fee });
  let storeNonce = 0;
  let salesSeq = 1;
  const hq = new TxBuilder({ chainId: g.chainId, privateKey: vkeys[0] as Uint8Array, fee });
  const franchise = {
    id: 'bench-store',
    owner: storeAddr,
    status: 'active' as const,
    city: 'Bench',
    region: 'north',
    tokenomics: { currency: 'USD', tokensPerMinorUnit: 10n, royaltyBps: 500, validatorRewardBps: 200 },
  };
  const setup = encodeTx(hq.registerFranchise(0, franchise));
  const load: Array<{ bytes: Uint8Array; node: number }> = [];
  let order = 0;
  for (let i = 0; i < total; i++) {
    if (Math.random() < SALES_SHARE) {
      const sales = Array.from({ length: 3 }, (_, j) => ({
        terminalId: 'pos-1',
        orderId: `o-${i}-${j}`,
        amountMinor: 1000n + BigInt(j),
        currency: 'USD',
        timeMs: Date.now(),
        customer: j === 0 ? customer : null,
      }));
      const firstSeq = salesSeq;
      salesSeq += sales.length;
      load.push({
        bytes: encodeTx(store.recordSales(storeNonce++, { franchiseId: 'bench-store', firstSeq, sales })),
        node: 0,
      });
    } else {
      const s = i % SENDERS;
      load.push({
        bytes: encodeTx((builders[s] as TxBuilder).transfer(nonces[s]!++, { to: customer, amount: 1n })),
        node: s % N,
      });
    }
    order++;
  }
  const signMs = performance.now() - t0sign;

  const hub = new MemoryHub({ delayMs: 1 });
  const shared = values['shared-cache'] ? new BoundedVerifiedCache(1_000_000) : undefined;
  // One pool of signature workers for the process (the four nodes share the second core).
  const pool = VerifyPool.create(Number(values['verify-workers']), () => workerPath('verify'));
  const submitAt = new Map<string, number>();
  const finality: number[] = [];
  let committedTxs = 0;
  let blocks = 0;
  let measureFrom = 0;
  let measureTo = Infinity;
  let inWindowTxs = 0;
  const nodes = vkeys.map((k, i) => {
    const dir = join(root, `v${i}`);
    mkdirSync(dir, { recursive: true });
    writeGenesis(dir, g);
    return composeLedgerNode(
      { dataDir: dir, mempool: { maxTxs: 200_000 } },
      {
        log: process.env['BENCH_DEBUG']
          ? {
              debug() {},
              info: (o: object, m: string) => console.error('info', i, m, JSON.stringify(o)),
              warn: (o: object, m: string) => console.error('warn', i, m, JSON.stringify(o)),
              error: (o: object, m: string) => console.error('error', i, m, JSON.stringify(o)),
            }
          : SILENT_LOG,
        network: hub.node(`v${i}`, g.chainId),
        privateKey: k,
        ...(shared ? { cache: shared } : {}),
        verifyPool: pool,
        onCommit: (b) => {
          if (i !== 0) return;
          const now = performance.now();
          if (process.env['BENCH_DEBUG'])
            console.error(
              `commit h=${b.height} r=${b.round} txs=${b.txHashes.length} t=${Math.round(now)} pool=${nodes.map((n) => n.mempool.size).join(',')}`,
            );
          blocks++;
          for (const h of b.txHashes) {
            const t = submitAt.get(h);
            committedTxs++;
            if (t !== undefined) {
              finality.push(now - t);
              submitAt.delete(h);
            }
            if (now >= measureFrom && now <= measureTo) inWindowTxs++;
          }
        },
      },
    );
  });
  // Driver options: bigger blocks than the default reap size.
  await Promise.all(nodes.map((n) => n.start()));
  for (const n of nodes)
    (n.driver as unknown as { opts: { maxBlockTxs?: number } }).opts.maxBlockTxs = BLOCK_TXS;
  const node0 = nodes[0] as NodeService;
  const { txHash } = await node0.submit(setup);
  await node0.waitForTx(txHash, 30_000);

  // Offer the load at RATE tx/s in 10 ms slices; sales go through node 0, each sender through one node.
  const start = performance.now();
  measureFrom = start + 2_000; // skip the warm-up
  let next = 0;
  let refused = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(load.length, Math.floor(((performance.now() - start) / 1000) * RATE));
      for (; next < due; next++) {
        const item = load[next]!;
        const node = nodes[item.node] as NodeService;
        const at = performance.now();
        node.submit(item.bytes).then(
          ({ txHash }) => submitAt.set(txHash, at),
          () => refused++,
        );
      }
      if (next >= load.length) return resolve();
      setTimeout(tick, 10);
    };
    tick();
  });
  measureTo = performance.now();
  const offeredMs = measureTo - start;
  // Let the tail drain (bounded).
  const drainEnd = performance.now() + 15_000;
  while (submitAt.size > 0 && performance.now() < drainEnd) await new Promise((r) => setTimeout(r, 50));
  const endHeight = node0.store.chainMeta().height;
  const roots = new Set(
    nodes.map((n) => n.store.blockAt(Math.min(...nodes.map((x) => x.store.chainMeta().height)))?.stateRoot),
  );
  const stats = nodes.map((n) => ({ ...n.driver.stats }));
  await Promise.all(nodes.map((n) => n.stop()));
  const workers = pool.active ? Number(values['verify-workers']) : 0;
  await pool.close();

  // Signature verification: our path (libsecp256k1, else OpenSSL) vs OpenSSL vs plain noble, on transaction signing hashes.
  const sample: Tx[] = builders
    .slice(0, 50)
    .map((b, i) => b.transfer(10_000_000 + i, { to: customer, amount: 1n }));
  const msgs = sample.map((t) => txSigningHash(t));
  const pubs = skeys.slice(0, 50).map((k) => getPublicKey(k));
  const sigs = sample.map((t) => Uint8Array.from(Buffer.from(t.signature.slice(2), 'hex')));
  const fast = fastVerifier();
  const ossl = new OpenSslVerifier();
  let j = 0;
  const ours = rateOf(() => {
    fast.verify(sigs[j % 50]!, msgs[j % 50]!, pubs[j % 50]!);
    j++;
  });
  j = 0;
  const openssl = rateOf(() => {
    ossl.verify(sigs[j % 50]!, msgs[j % 50]!, pubs[j % 50]!);
    j++;
  });
  j = 0;
  const noble = rateOf(() => {
    nobleVerifier.verify(sigs[j % 50]!, msgs[j % 50]!, pubs[j % 50]!);
    j++;
  });

  // Replay: apply node 0's blocks to a fresh ledger with full checks (cold signature cache) and store them.
  const src = LedgerStore.open(join(root, 'v0', 'ledger.db'));
  const dstDir = join(root, 'replay');
  mkdirSync(dstDir);
  const dst = LedgerStore.open(join(dstDir, 'ledger.db'));
  const gw = applyGenesis(dst, g);
  dst.initGenesis(g, gw.genesisHash, gw.writes);
  const ctx = {
    config: genesisConfig(g),
    verify: { verifier: fastVerifier(), cache: new BoundedVerifiedCache(1_000_000) },
    hooks: consensusHooks(),
  };
  let replayTxs = 0;
  let applyMs = 0;
  const tReplay = performance.now();
  for (let h = 1; h <= (values['skip-replay'] ? 0 : endHeight); h++) {
    const b = src.blockAt(h)!;
    const d = decodeBlock(b.block, g.params);
    const ta = performance.now();
    const result = applyBlock(dst, d.block, ctx);
    applyMs += performance.now() - ta;
    dst.commitBlock({
      height: h,
      hash: d.hash,
      timeMs: d.block.header.timeMs,
      proposer: d.block.header.proposer,
      stateRoot: result.stateRoot,
      blockBytes: b.block,
      commitBytes: b.commit,
      txs: d.block.txs,
      txBytes: d.txBytes,
      result,
    });
    void decodeCommit(b.commit, g.params);
    replayTxs += d.block.txs.length;
  }
  const replayMs = performance.now() - tReplay;
  src.close();
  dst.close();
  rmSync(root, { recursive: true, force: true });

  const windowS = (measureTo - measureFrom) / 1000;
  process.stdout.write(
    `${JSON.stringify({
      validators: N,
      seconds: SECONDS,
      offered_tx_per_s: Math.round((load.length * 1000) / offeredMs),
      tx_per_s: Math.round(inWindowTxs / windowS),
      txs_committed: committedTxs - 1,
      txs_refused_at_submit: refused,
      txs_not_final_at_end: submitAt.size,
      finality_p50_ms: pct(finality, 0.5),
      finality_p99_ms: pct(finality, 0.99),
      blocks,
      avg_block_txs: Math.round(committedTxs / Math.max(1, blocks)),
      identical_state_roots: roots.size === 1,
      sig_verify_per_s: { ours, openssl, noble },
      sig_backend: fast instanceof NativeVerifier ? 'libsecp256k1' : 'openssl',
      block_apply_per_s: Math.round((endHeight * 1000) / applyMs),
      replay_tx_per_s: Math.round((replayTxs * 1000) / replayMs),
      replay_blocks: endHeight,
      presign_ms: Math.round(signMs),
      shared_verified_cache: Boolean(shared),
      verify_workers: workers,
      driver_stats: stats[0],
      note: 'four validators in one process on a 2-core machine shared with other work; figures vary with load',
    })}\n`,
  );
  void order;
}

main().catch((err: unknown) => {
  process.stderr.write(
    `bench chain failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
