// bin/hotpot bench snapshot [--parts join,restore] [--txs 1000000] [--block-txs 500] [--senders 4000]
//                           [--epoch 100] [--later 3] [--rebuild-chain] [--restore-entries 1000000] [--json]
// Prints one JSON object: a new node joining a chain of --txs transactions from a state snapshot set
// against one joining by full range sync, in the same run. The chain is built fast and cached
// (snapshot/build-chain.ts: one validator's blocks applied directly, transfers signed with
// libsecp256k1; its build time is reported apart and is that of the run that built it). A source
// process serves it over libp2p on 127.0.0.1 as its validator (about a block a second after the
// cached head); each joiner runs in its own process (its peak RSS is its own VmHWM) and reports its
// time to the source's head at its start, the bytes it fetched, its peak RSS, and that its state root
// and the blocks after that head equal the source's. The same file is the source (`--source`) and a
// joiner (`--joiner`). The `restore` part (snapshot/restore.ts) rebuilds a state of
// --restore-entries entries from its chunks, the tree built in one pass against chunk by chunk, in the
// same run. Figures depend on the machine; say when they were taken on a shared one.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseGenesis } from '../../main/chain/genesis';
import { writeGenesis } from '../../main/node/init';
import { LedgerStore } from '../../main/node/ledger-store';
import { ensureSnapshotChain } from './snapshot/build-chain';
import {
  type JoinerConfig,
  type JoinerResult,
  type SourceConfig,
  runJoiner,
  runSource,
} from './snapshot/roles';
import { benchRestore } from './snapshot/restore';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : dflt;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} must be a positive integer`);
  return v;
}

function valueOf(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const flag = (name: string): boolean => process.argv.includes(`--${name}`);
const round = (x: number, d = 2): number => Math.round(x * 10 ** d) / 10 ** d;

/** A child process of this script and the JSON lines it prints. */
class Child {
  private stderr = '';
  private readonly events: Record<string, unknown>[] = [];
  private readonly waiters: Array<() => void> = [];
  readonly exited: Promise<number>;

  constructor(
    readonly name: string,
    readonly proc: ChildProcess,
  ) {
    proc.stderr?.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      try {
        this.events.push(JSON.parse(line) as Record<string, unknown>);
        for (const w of this.waiters.splice(0)) w();
      } catch {
        // not ours
      }
    });
    this.exited = new Promise((r) => proc.on('exit', (code) => r(code ?? 1)));
    void this.exited.then(() => {
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /** The first event named `ev`; throws when the process exits first. */
  async event(ev: string): Promise<Record<string, unknown>> {
    let exited = false;
    void this.exited.then(() => (exited = true));
    for (;;) {
      const e = this.events.find((x) => x.ev === ev);
      if (e) return e;
      if (exited || this.proc.exitCode !== null)
        throw new Error(`${this.name} exited before "${ev}": ${this.stderr}`);
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode !== null) return;
    this.proc.stdin?.end();
    const t = setTimeout(() => this.proc.kill('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(t);
  }
}

function start(name: string, self: string, role: string, cfg: object): Child {
  return new Child(
    name,
    spawn(process.execPath, [self, `--${role}`, JSON.stringify(cfg)], { stdio: ['pipe', 'pipe', 'pipe'] }),
  );
}

function sourceHead(dir: string): number {
  const s = LedgerStore.openReadOnly(join(dir, 'ledger.db'));
  try {
    return s.chainMeta().height;
  } finally {
    s.close();
  }
}

/** The source's state root at `target` and its hashes of the joiner's later blocks. */
function compare(dir: string, r: JoinerResult): { same_state_root: boolean; same_later_blocks: boolean } {
  const s = LedgerStore.openReadOnly(join(dir, 'ledger.db'));
  try {
    const same = Object.entries(r.hashes).every(([h, hash]) => s.blockAt(Number(h))?.hash === hash);
    return { same_state_root: s.blockAt(r.target)?.stateRoot === r.state_root, same_later_blocks: same };
  } finally {
    s.close();
  }
}

/** The join part: a snapshot joiner and a full-sync joiner of the same cached chain. */
async function joinPart(): Promise<{ figures: Record<string, unknown>; ok: boolean }> {
  const self = fileURLToPath(import.meta.url);
  const o = {
    txs: arg('txs', 1_000_000),
    blockTxs: arg('block-txs', 500),
    senders: arg('senders', 4_000),
    epochLengthBlocks: arg('epoch', 100),
  };
  const later = arg('later', 3);
  const chain = await ensureSnapshotChain({
    ...o,
    rebuild: flag('rebuild-chain'),
    progress: (line) => process.stderr.write(line + '\n'),
  });
  const work = mkdtempSync(join(tmpdir(), 'hotpot-bench-snapshot-'));
  const children: Child[] = [];
  try {
    const srcDir = join(work, 'source');
    cpSync(chain.dir, srcDir, { recursive: true });
    const genesis = parseGenesis(JSON.parse(readFileSync(join(srcDir, 'genesis.json'), 'utf8')));
    const source = start('source', self, 'source', { dataDir: srcDir } satisfies SourceConfig);
    children.push(source);
    const ready = await source.event('ready');
    const peer = (ready.addrs as string[])[0] as string;
    const runs: Record<string, JoinerResult & ReturnType<typeof compare>> = {};
    for (const mode of ['snapshot', 'full'] as const) {
      const dataDir = join(work, `joiner-${mode}`);
      writeGenesis(dataDir, genesis);
      const cfg: JoinerConfig = {
        dataDir,
        peer,
        mode,
        target: sourceHead(srcDir),
        later,
        backfillTimeoutMs: 600_000,
      };
      process.stderr.write(`bench snapshot: ${mode} joiner to height ${cfg.target}\n`);
      const joiner = start(`joiner-${mode}`, self, 'joiner', cfg);
      children.push(joiner);
      const r = (await joiner.event('result')).result as JoinerResult;
      await joiner.stop();
      runs[mode] = { ...r, ...compare(srcDir, r) };
      rmSync(dataDir, { recursive: true, force: true });
    }
    const snap = runs.snapshot!;
    const full = runs.full!;
    const ok = [snap, full].every((r) => r.same_state_root && r.same_later_blocks);
    return {
      ok,
      figures: {
        chain: {
          txs: chain.info.txs,
          blocks: chain.info.blocks,
          block_txs: chain.info.blockTxs,
          senders: chain.info.senders,
          epoch_blocks: chain.info.epochLengthBlocks,
          ledger_mib: round(chain.info.ledger_bytes / 2 ** 20, 1),
          build_s: round(chain.info.build_ms / 1000, 1),
          of_which_sign_s: round(chain.info.sign_ms / 1000, 1),
          built_in_this_run: !chain.reused,
        },
        source: { snapshot_height: ready.snapshotHeight, start_and_snapshot_ms: ready.startAndSnapshotMs },
        snapshot: snap,
        full_sync: full,
        snapshot_vs_full: {
          time_to_head: round(snap.time_to_head_s / full.time_to_head_s, 3),
          bytes_to_head: round(snap.bytes_to_head / full.bytes_to_head, 4),
          peak_rss: round(snap.peak_rss_mib / full.peak_rss_mib, 3),
        },
        all_match: ok,
      },
    };
  } finally {
    for (const c of children.reverse()) await c.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const parts = new Set((valueOf('parts') ?? 'join,restore').split(','));
  for (const p of parts)
    if (p !== 'join' && p !== 'restore') throw new Error(`--parts takes join and restore, not ${p}`);
  const load0 = loadavg()[0] as number;
  const join = parts.has('join') ? await joinPart() : undefined;
  const restore = parts.has('restore')
    ? benchRestore(arg('restore-entries', 1_000_000), (line) => process.stderr.write(line + '\n'))
    : undefined;
  process.stdout.write(
    JSON.stringify({
      bench: 'snapshot',
      ...join?.figures,
      ...(restore ? { restore } : {}),
      machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version },
      load_avg_1m: { start: round(load0), end: round(loadavg()[0] as number) },
    }) + '\n',
  );
  if (join && !join.ok)
    throw new Error('a joiner ended with another state root or other blocks than the source');
  if (restore && !restore.same_root) throw new Error('a restored state has another root than its manifest');
}

const sourceFlag = process.argv.indexOf('--source');
const joinerFlag = process.argv.indexOf('--joiner');
if (sourceFlag >= 0) {
  await runSource(JSON.parse(process.argv[sourceFlag + 1] ?? '{}') as SourceConfig);
} else if (joinerFlag >= 0) {
  await runJoiner(JSON.parse(process.argv[joinerFlag + 1] ?? '{}') as JoinerConfig);
} else {
  await main();
  process.exit(0);
}
