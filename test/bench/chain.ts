// bin/hotpot bench chain [--json] [--validators 4] [--step-seconds 8] [--from 200] [--max 20000] [--precision 0.1]
//                        [--max-steps 12] [--rate R --seconds 20] [--senders 400] [--sales-share 0.2] …
// Four (N) validators in one process over the in-process network, each with its own ledger.db
// (synchronous=FULL), mempool, verifier cache and consensus driver, under a stream of pre-signed
// transfers and record-sales batches. By default it sweeps the offered rate — doubling from --from
// until a step breaks the bounds (finality p50 ≤ 1 s, p99 ≤ 2 s, nothing refused or left unfinished),
// then bisecting — and prints the sweep and the edge: the highest offered rate that kept the bounds,
// with the step below and above it, set against this machine's single-core signature verification
// rate (the verifier the node uses), so runs on different machines compare. With --rate it offers one
// fixed rate for --seconds and prints the old figures (plus a replay of the chain). Progress goes to
// stderr, one JSON object to stdout.
// Finality = from submission to the node that received the tx until the block holding it is stored by
// node 0. Figures depend on the machine and its load: report them with that caveat.
import { mkdirSync, rmSync, mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
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
import type { Address, Hash } from '../../main/chain/types';
import { LedgerStore } from '../../main/node/ledger-store';
import { composeLedgerNode } from '../../main/app/compose-ledger';
import type { NodeService } from '../../main/node/node-service';
import { writeGenesis } from '../../main/node/init';
import { consensusHooks } from '../../main/consensus/hooks';
import { NativeVerifier, OpenSslVerifier, fastVerifier } from '../../main/node/verifier';
import { VerifyPool } from '../../main/node/verify-pool';
import { workerPath } from '../../main/platform/paths';
import { MemoryHub } from '../../main/p2p/memory-network';
import { SILENT_LOG } from '../../main/p2p/types';
import { BOUNDS, passes, RateSweep } from './chain/rate-sweep';

const USAGE = `Usage: bin/hotpot bench chain [--json] [options]

Sweeps the offered transaction rate and prints the edge: the highest rate whose finality stays within
p50 ≤ 1 s and p99 ≤ 2 s (nothing refused, everything final), the steps around it, and the edge ÷ this
machine's single-core signature verification rate. Progress goes to stderr.

  --validators N     validators in the process (default 4)
  --step-seconds S   how long each step offers its rate (default 8)
  --from R           the first rate, tx/s; doubled until a step fails, then bisected (default 200)
  --max R            the highest rate tried (default 20000)
  --precision P      bisection stops when first failing ÷ last passing ≤ 1 + P (default 0.1)
  --max-steps N      at most this many steps (default 12)
  --rate R           no sweep: offer R tx/s for --seconds (default 20), then replay the chain
  --senders N        accounts sending transfers in each step (default 400)
  --sales-share F    share of record-sales batches in the load (default 0.2)
  --block-txs N      most transactions a proposer puts in a block (default 2000)
  --shared-cache     one verified-signature cache for all validators
  --verify-workers N signature worker threads (default 1)
  --skip-replay      with --rate: skip the replay
`;

/** The flags, or the usage and exit 2 on a flag it does not know (no stack trace); --help prints the usage. */
function flags() {
  try {
    const { values } = parseArgs({
      options: {
        validators: { type: 'string', default: '4' },
        'step-seconds': { type: 'string', default: '8' },
        from: { type: 'string', default: '200' },
        max: { type: 'string', default: '20000' },
        precision: { type: 'string', default: '0.1' },
        'max-steps': { type: 'string', default: '12' },
        rate: { type: 'string' },
        seconds: { type: 'string', default: '20' },
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
    for (const name of [
      'validators',
      'step-seconds',
      'from',
      'max',
      'max-steps',
      'seconds',
      'senders',
      'block-txs',
    ] as const) {
      const v = Number(values[name]);
      if (!Number.isFinite(v) || v <= 0)
        throw new Error(`--${name} must be a number > 0, got "${values[name]}"`);
    }
    if (values.rate !== undefined && !(Number(values.rate) > 0))
      throw new Error(`--rate must be a number > 0, got "${values.rate}"`);
    return values;
  } catch (err) {
    process.stderr.write(`bench chain: ${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}
const values = flags();
const N = Number(values.validators);
const FIXED_RATE = values.rate === undefined ? null : Number(values.rate);
const STEP_SECONDS = FIXED_RATE === null ? Number(values['step-seconds']) : Number(values.seconds);
const MAX_STEPS = FIXED_RATE === null ? Number(values['max-steps']) : 1;
const SENDERS = Number(values.senders);
const SALES_SHARE = Number(values['sales-share']);
const BLOCK_TXS = Number(values['block-txs']);
/** How long a step's transactions may take to become final after it stops offering. */
const DRAIN_MS = 15_000;
/** How long the network may take to clear every mempool and line up the validators' heights after a step. */
const SETTLE_MS = 30_000;

function key(i: number): Uint8Array {
  const k = new Uint8Array(32);
  k[0] = 0x22;
  k[28] = (i >> 24) & 0xff;
  k[29] = (i >> 16) & 0xff;
  k[30] = (i >> 8) & 0xff;
  k[31] = (i & 0xff) + 1;
  return k;
}
/** Step `s`'s transfer senders and its store (each step has its own, so a refusal in one never gaps another's nonces). */
const senderKey = (s: number, i: number) => key(1000 + s * SENDERS + i);
const storeKey = (s: number) => key(500 + s);

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

const progress = (line: string) => process.stderr.write(`bench chain: ${line}\n`);

/** One step's figures. */
interface StepResult {
  offered_target_tx_per_s: number;
  offered_tx_per_s: number;
  /** Transactions finalized while the step offered its rate, per second (any step's, in practice its own). */
  tx_per_s: number;
  /** The step's own transactions finalized, per second from its start to the last of them (the tail included). */
  tx_per_s_to_last_final: number;
  finality_p50_ms: number;
  finality_p99_ms: number;
  txs_offered: number;
  txs_refused_at_submit: number;
  txs_not_final_at_end: number;
  blocks: number;
  /** Blocks decided in a round after the first (a proposal or its votes came late). */
  blocks_after_round_0: number;
  avg_block_txs: number;
  presign_ms: number;
  /** How long the step's tail took to clear from every mempool before the next step. */
  settle_ms: number;
  passed: boolean;
}

async function main(): Promise<void> {
  const wallStart = performance.now();
  const loadAtStart = loadavg()[0] as number;
  const root = mkdtempSync(join(tmpdir(), 'hotpot-bench-chain-'));
  const vkeys = Array.from({ length: N }, (_, i) => key(i));
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
  const funded: Address[] = [...vaddrs];
  for (let s = 0; s < MAX_STEPS; s++) {
    funded.push(privateKeyToAddress(storeKey(s)));
    for (let i = 0; i < SENDERS; i++) funded.push(privateKeyToAddress(senderKey(s, i)));
  }
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
      balances: funded.map((address) => ({ address, amount: 10n ** 18n })),
      params,
    }),
  );
  const fee = params.minTxFee;

  // Signature verification on one core, before the nodes start: our path (libsecp256k1, else OpenSSL,
  // the one the node uses) vs OpenSSL vs plain noble, on transaction signing hashes.
  const sampleKeys = Array.from({ length: 50 }, (_, i) => key(200_000 + i));
  const sample: Tx[] = sampleKeys.map((k, i) =>
    new TxBuilder({ chainId: g.chainId, privateKey: k, fee }).transfer(i, { to: customer, amount: 1n }),
  );
  const msgs = sample.map((t) => txSigningHash(t));
  const pubs = sampleKeys.map((k) => getPublicKey(k));
  const sigs = sample.map((t) => Uint8Array.from(Buffer.from(t.signature.slice(2), 'hex')));
  const fast = fastVerifier();
  const ossl = new OpenSslVerifier();
  let j = 0;
  const ours = rateOf(() => {
    fast.verify(sigs[j % 50]!, msgs[j % 50]!, pubs[j % 50]!);
    j++;
  }, 2000);
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
  const sigBackend = fast instanceof NativeVerifier ? 'libsecp256k1' : 'openssl';
  progress(`one core verifies ${ours} signatures/s (${sigBackend})`);

  const hub = new MemoryHub({ delayMs: 1 });
  const shared = values['shared-cache'] ? new BoundedVerifiedCache(1_000_000) : undefined;
  // One pool of signature workers for the process (the four nodes share the second core).
  const pool = VerifyPool.create(Number(values['verify-workers']), () => workerPath('verify'));
  /** Each pending transaction's submission time, by hash. */
  const submitAt = new Map<string, number>();
  /** The current step's finality samples and commit counts (node 0's commits). */
  let finality: number[] = [];
  let committedTxs = 0;
  let blocks = 0;
  let laterRounds = 0;
  let lastFinalAt = 0;
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
          if (b.round > 0) laterRounds++;
          for (const h of b.txHashes) {
            const t = submitAt.get(h);
            committedTxs++;
            if (t !== undefined) {
              finality.push(now - t);
              lastFinalAt = now;
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
  // HQ registers one franchise per step, each owned by that step's store.
  const hq = new TxBuilder({ chainId: g.chainId, privateKey: vkeys[0] as Uint8Array, fee });
  const setup: Hash[] = [];
  for (let s = 0; s < MAX_STEPS; s++) {
    const tx = hq.registerFranchise(s, {
      id: `bench-store-${s}`,
      owner: privateKeyToAddress(storeKey(s)),
      status: 'active' as const,
      city: 'Bench',
      region: 'north',
      tokenomics: { currency: 'USD', tokensPerMinorUnit: 10n, royaltyBps: 500, validatorRewardBps: 200 },
    });
    setup.push((await node0.submit(encodeTx(tx))).txHash);
  }
  await Promise.all(setup.map((h) => node0.waitForTx(h, 60_000)));

  /** Offers `rate` tx/s for `seconds` with step `s`'s accounts, waits for the tail, and returns the figures. */
  async function offer(s: number, rate: number, seconds: number): Promise<StepResult> {
    // Pre-sign the step's load before timing it.
    const t0sign = performance.now();
    const total = Math.ceil(rate * seconds);
    const builders = Array.from(
      { length: SENDERS },
      (_, i) => new TxBuilder({ chainId: g.chainId, privateKey: senderKey(s, i), fee }),
    );
    const nonces = new Array<number>(SENDERS).fill(0);
    const store = new TxBuilder({ chainId: g.chainId, privateKey: storeKey(s), fee });
    let storeNonce = 0;
    let salesSeq = 1;
    const load: Array<{ bytes: Uint8Array; node: number }> = [];
    for (let i = 0; i < total; i++) {
      if (Math.random() < SALES_SHARE) {
        const sales = Array.from({ length: 3 }, (_, k) => ({
          terminalId: 'pos-1',
          orderId: `o-${i}-${k}`,
          amountMinor: 1000n + BigInt(k),
          currency: 'USD',
          timeMs: Date.now(),
          customer: k === 0 ? customer : null,
        }));
        const firstSeq = salesSeq;
        salesSeq += sales.length;
        const tx = store.recordSales(storeNonce++, { franchiseId: `bench-store-${s}`, firstSeq, sales });
        load.push({ bytes: encodeTx(tx), node: 0 });
      } else {
        const k = i % SENDERS;
        const tx = (builders[k] as TxBuilder).transfer(nonces[k]!++, { to: customer, amount: 1n });
        load.push({ bytes: encodeTx(tx), node: k % N });
      }
    }
    const presignMs = performance.now() - t0sign;

    // Offer the load at `rate` tx/s in 10 ms slices; sales go through node 0, each sender through one node.
    finality = [];
    committedTxs = 0;
    blocks = 0;
    laterRounds = 0;
    lastFinalAt = 0;
    inWindowTxs = 0;
    const stepHashes = new Set<string>();
    const start = performance.now();
    // A cold chain (fixed mode) skips 2 s of warm-up for throughput; the sweep's chain is warm.
    measureFrom = FIXED_RATE === null ? start : start + 2_000;
    measureTo = Infinity;
    let next = 0;
    let refused = 0;
    await new Promise<void>((resolve) => {
      const tick = () => {
        const due = Math.min(load.length, Math.floor(((performance.now() - start) / 1000) * rate));
        for (; next < due; next++) {
          const item = load[next]!;
          const at = performance.now();
          (nodes[item.node] as NodeService).submit(item.bytes).then(
            ({ txHash }) => {
              submitAt.set(txHash, at);
              stepHashes.add(txHash);
            },
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
    const pending = () => [...stepHashes].filter((h) => submitAt.has(h)).length;
    const drainEnd = performance.now() + DRAIN_MS;
    while (pending() > 0 && performance.now() < drainEnd) await new Promise((r) => setTimeout(r, 50));
    const notFinal = pending();
    for (const h of stepHashes) submitAt.delete(h); // a late one must not count in the next step
    const stepBlocks = blocks;
    const stepTxs = committedTxs;
    const finalTxs = finality.length;
    const toLastFinalS = (lastFinalAt - start) / 1000;
    const stepLaterRounds = laterRounds;
    // Settle before the next step: every mempool empty and every validator at node 0's height, then a
    // short pause, so an overloaded step's tail does not weigh on the next one.
    const t0settle = performance.now();
    const settled = () => {
      const heights = nodes.map((n) => n.store.chainMeta().height);
      return nodes.every((n) => n.mempool.size === 0) && Math.max(...heights) - Math.min(...heights) <= 1;
    };
    while (!settled() && performance.now() - t0settle < SETTLE_MS)
      await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1_000));
    const windowS = (measureTo - measureFrom) / 1000;
    const figures = {
      offered_target_tx_per_s: rate,
      offered_tx_per_s: Math.round((load.length * 1000) / offeredMs),
      tx_per_s: Math.round(inWindowTxs / windowS),
      tx_per_s_to_last_final: toLastFinalS > 0 ? Math.round(finalTxs / toLastFinalS) : 0,
      finality_p50_ms: pct(finality, 0.5),
      finality_p99_ms: pct(finality, 0.99),
      txs_offered: load.length,
      txs_refused_at_submit: refused,
      txs_not_final_at_end: notFinal,
      blocks: stepBlocks,
      blocks_after_round_0: stepLaterRounds,
      avg_block_txs: Math.round(stepTxs / Math.max(1, stepBlocks)),
      presign_ms: Math.round(presignMs),
      settle_ms: Math.round(performance.now() - t0settle),
    };
    return { ...figures, passed: passes(figures) };
  }

  const steps: StepResult[] = [];
  const sweep = new RateSweep({
    from: FIXED_RATE ?? Number(values.from),
    max: FIXED_RATE ?? Number(values.max),
    precision: Number(values.precision),
    maxSteps: MAX_STEPS,
  });
  for (let rate = sweep.next(); rate !== null; rate = sweep.next()) {
    progress(`step ${steps.length + 1}: offering ${rate} tx/s for ${STEP_SECONDS} s`);
    const r = await offer(steps.length, rate, STEP_SECONDS);
    steps.push(r);
    sweep.record(rate, r.passed);
    progress(
      `step ${steps.length}: ${r.offered_tx_per_s} tx/s offered, ${r.tx_per_s} final (${r.tx_per_s_to_last_final} with the tail), p50 ${r.finality_p50_ms} ms, p99 ${r.finality_p99_ms} ms, ${r.txs_refused_at_submit} refused, ${r.txs_not_final_at_end} not final: ${r.passed ? 'pass' : 'FAIL'}`,
    );
    if (FIXED_RATE !== null) break;
  }

  const endHeight = node0.store.chainMeta().height;
  const minHeight = Math.min(...nodes.map((x) => x.store.chainMeta().height));
  const roots = new Set(nodes.map((n) => n.store.blockAt(minHeight)?.stateRoot));
  const stats = nodes.map((n) => ({ ...n.driver.stats }));
  await Promise.all(nodes.map((n) => n.stop()));
  const workers = pool.active ? Number(values['verify-workers']) : 0;
  await pool.close();
  const common = {
    validators: N,
    identical_state_roots: roots.size === 1,
    sig_verify_per_s: { ours, openssl, noble },
    sig_backend: sigBackend,
    shared_verified_cache: Boolean(shared),
    verify_workers: workers,
  };

  if (FIXED_RATE === null) {
    rmSync(root, { recursive: true, force: true });
    const { lastPass, firstFail } = sweep.edge();
    const at = (rate: number | null) =>
      rate === null ? null : (steps.find((x) => x.offered_target_tx_per_s === rate) ?? null);
    process.stdout.write(
      `${JSON.stringify({
        mode: 'sweep',
        step_seconds: STEP_SECONDS,
        bounds: { finality_p50_ms: BOUNDS.p50Ms, finality_p99_ms: BOUNDS.p99Ms },
        steps,
        edge_tx_per_s: lastPass,
        edge_finalized_tx_per_s: at(lastPass)?.tx_per_s ?? null,
        edge_per_sig_verify: lastPass === null ? null : Number((lastPass / ours).toFixed(4)),
        last_passing: at(lastPass),
        first_failing: at(firstFail),
        edge_note:
          firstFail === null
            ? `every step passed up to --max ${values.max}: the edge is at least that`
            : lastPass === null
              ? 'no step passed: lower --from'
              : `the edge lies between ${lastPass} and ${firstFail} tx/s offered`,
        ...common,
        chain_height: endHeight,
        load_avg_1m: {
          start: Number(loadAtStart.toFixed(2)),
          end: Number((loadavg()[0] as number).toFixed(2)),
        },
        wall_s: Math.round((performance.now() - wallStart) / 1000),
        driver_stats: stats[0],
        note: 'validators in one process on a machine shared with other work; figures vary with load',
      })}\n`,
    );
    return;
  }

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

  const step = steps[0]!;
  process.stdout.write(
    `${JSON.stringify({
      mode: 'fixed',
      seconds: STEP_SECONDS,
      offered_tx_per_s: step.offered_tx_per_s,
      tx_per_s: step.tx_per_s,
      txs_committed: step.txs_offered - step.txs_refused_at_submit - step.txs_not_final_at_end,
      txs_refused_at_submit: step.txs_refused_at_submit,
      txs_not_final_at_end: step.txs_not_final_at_end,
      finality_p50_ms: step.finality_p50_ms,
      finality_p99_ms: step.finality_p99_ms,
      within_bounds: step.passed,
      blocks: step.blocks,
      avg_block_txs: step.avg_block_txs,
      ...common,
      block_apply_per_s: Math.round((endHeight * 1000) / applyMs),
      replay_tx_per_s: Math.round((replayTxs * 1000) / replayMs),
      replay_blocks: endHeight,
      presign_ms: step.presign_ms,
      driver_stats: stats[0],
      note: 'validators in one process on a machine shared with other work; figures vary with load',
    })}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(
    `bench chain failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
