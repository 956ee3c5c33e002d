import { AppError } from '../common/errors';
import type { FaultSpec } from '../consensus/sim/options';
import type { RunResult } from '../consensus/sim/report';
import { runMany } from '../consensus/sim/run-many';
import { WAN_SIZES, type WanRow, runWanSweep, wanHeights } from '../consensus/sim/wan-sweep';
import { DEFAULT_WAN } from '../consensus/sim/wan';
import { fastVerifier } from '../node/verifier';
import { parseFlags } from './args';

export const summary =
  'deterministic consensus simulation: sim --validators N --faults byzantine:K|crash:K --runs R --seed S --heights H [--json]; sim --wan for finality against validator count';

const USAGE = `Usage: bin/hotpot sim [options]

  --validators N            validators in the simulated network (default 4)
  --faults KIND:K           none | byzantine:K | crash:K (default none)
  --runs R                  number of seeded runs; run i uses seed S + i (default 10)
  --seed S                  first seed, 0..4294967295 (default 1)
  --heights H               every honest node that is up at the end must commit height H (default 20)
  --json                    print one JSON line (default: a short text summary)
  --verbose                 print every run's result on stderr
  --wan                     instead: finality against validator count on a wide-area network (below)
  --validators-list A,B,…   validator counts of --wan (default ${WAN_SIZES.join(',')}; each 1..100)

Each run: the real ledger (chain blocks with signed transfers and evidence, applied with the
chain's own rules and consensus hooks) on a simulated network with delays, drops, reordering and
(in most runs) a partition that heals; byzantine:K nodes double-vote, propose conflicting blocks and forge votes; crash:K nodes
crash (sometimes between persisting the signer state and sending a vote) and restart with only
their signer state and committed blocks. Checks: no two different committed blocks at one height,
identical state roots, every run reaches H after the network heals, evidence of every double vote
that reached honest nodes committed. A failing run prints its seed on stderr; replay it with
--runs 1 --seed X. Exit codes: 0 every check passed, 1 a check failed, 2 bad usage.

--wan: validators spread round-robin over ${DEFAULT_WAN.regions.length} regions (${DEFAULT_WAN.regions.join(', ')}) with
one-way latencies of 3 ms inside a region and 20–150 ms between regions, ±${DEFAULT_WAN.jitter * 100} % jitter and
${DEFAULT_WAN.loss * 100} % loss; the chain's default step timeouts; nodes re-send their status, votes and proposal every
second; no faults, no partition. One seeded run per validator count (heights: ${wanHeights(4)} up to 16
validators, ${wanHeights(31)} up to 50, ${wanHeights(100)} above). Finality = each honest node's time from entering a
height to committing it (p50/p99 over every node and height, virtual ms); messages per block = all
messages sent ÷ heights committed. Prints a table (one JSON line with --json).
`;

class SimCliError extends AppError<'BAD_USAGE'> {
  override readonly name = 'SimCliError';
}

function int(text: string | undefined, name: string, def: number, min: number, max: number): number {
  if (text === undefined) return def;
  if (!/^\d+$/.test(text))
    throw new SimCliError('BAD_USAGE', `--${name} must be a whole number, got "${text}"`);
  const n = Number(text);
  if (n < min || n > max)
    throw new SimCliError('BAD_USAGE', `--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

function parseFaults(text: string | undefined, validators: number): FaultSpec {
  if (text === undefined || text === 'none') return { kind: 'none', count: 0 };
  const m = /^(byzantine|crash):(\d+)$/.exec(text);
  if (m === null)
    throw new SimCliError('BAD_USAGE', `--faults must be none, byzantine:K or crash:K, got "${text}"`);
  const count = Number(m[2]);
  if (count > validators)
    throw new SimCliError(
      'BAD_USAGE',
      `--faults ${text}: cannot have more faulty nodes than the ${validators} validators`,
    );
  return { kind: m[1] as 'byzantine' | 'crash', count };
}

/** `bin/hotpot sim …`: runs seeded simulations and prints the totals. */
export async function run(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseFlags(
      argv,
      {
        validators: { type: 'string' },
        faults: { type: 'string' },
        runs: { type: 'string' },
        seed: { type: 'string' },
        heights: { type: 'string' },
        json: { type: 'boolean' },
        verbose: { type: 'boolean' },
        wan: { type: 'boolean' },
        'validators-list': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      'sim',
    ));
  } catch (err) {
    process.stderr.write(`hotpot sim: ${(err as Error).message}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (values.wan) return runWan(values['validators-list'], values.seed, values.json === true);
  let opts;
  try {
    const validators = int(values.validators, 'validators', 4, 1, 100);
    opts = {
      validators,
      faults: parseFaults(values.faults, validators),
      runs: int(values.runs, 'runs', 10, 1, 1_000_000),
      seed: int(values.seed, 'seed', 1, 0, 0xffffffff),
      heights: int(values.heights, 'heights', 20, 1, 100_000),
    };
  } catch (err) {
    process.stderr.write(`hotpot sim: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const f = Math.floor((opts.validators - 1) / 3);
  if (opts.faults.count > f) {
    process.stderr.write(
      `hotpot sim: note: ${opts.faults.count} faulty of ${opts.validators} exceeds f = ${f}; the checks may fail by design\n`,
    );
  }
  const started = performance.now();
  const onFailure = (r: RunResult): void => {
    process.stderr.write(
      `hotpot sim: run with seed ${r.seed} FAILED (replay: bin/hotpot sim --validators ${opts.validators} --faults ${opts.faults.kind === 'none' ? 'none' : `${opts.faults.kind}:${opts.faults.count}`} --heights ${opts.heights} --runs 1 --seed ${r.seed}): ${r.failures.join('; ')}\n`,
    );
  };
  let done = 0;
  const summaryResult = runMany(
    {
      validators: opts.validators,
      faults: opts.faults,
      heights: opts.heights,
      seed: opts.seed,
      signatureVerifier: fastVerifier(),
    },
    opts.runs,
    onFailure,
    (r) => {
      done++;
      if (values.verbose)
        process.stderr.write(
          `run ${done}/${opts.runs} seed ${r.seed}: ${r.ok ? 'ok' : 'FAILED'} heights ${r.finalHeights.join(',')} rounds≤${r.maxRound} ${r.virtualTimeMs} ms virtual\n`,
        );
    },
  );
  const out = { ...summaryResult, wall_ms: Math.round(performance.now() - started) };
  process.stdout.write(values.json ? `${JSON.stringify(out)}\n` : summaryText(out));
  return out.ok ? 0 : 1;
}

/** `bin/hotpot sim --wan`: the finality table, a row printed as each size is done. */
function runWan(list: string | undefined, seedText: string | undefined, json: boolean): number {
  let sizes: number[];
  let seed: number;
  try {
    sizes =
      list === undefined
        ? [...WAN_SIZES]
        : list.split(',').map((t) => int(t.trim(), 'validators-list', 0, 1, 100));
    seed = int(seedText, 'seed', 1, 0, 0xffffffff);
  } catch (err) {
    process.stderr.write(`hotpot sim: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const started = performance.now();
  const header = 'validators  heights  finality p50 ms  p99 ms  messages/block  max round  wall s';
  if (!json) process.stdout.write(`${header}\n`);
  const rows = runWanSweep({
    sizes,
    seed,
    now: () => performance.now(),
    signatureVerifier: fastVerifier(),
    onRow: (r: WanRow) => {
      if (json) process.stderr.write(`hotpot sim --wan: ${r.validators} validators done\n`);
      else
        process.stdout.write(
          `${String(r.validators).padStart(10)}  ${String(r.heights).padStart(7)}  ${String(r.finality_p50_ms).padStart(15)}  ${String(r.finality_p99_ms).padStart(6)}  ${String(r.messages_per_block).padStart(14)}  ${String(r.max_round).padStart(9)}  ${(r.wall_ms / 1000).toFixed(1).padStart(6)}${r.reached_target && r.safety_violations === 0 ? '' : '  FAILED'}\n`,
        );
    },
  });
  const ok = rows.every((r) => r.reached_target && r.safety_violations === 0);
  if (json)
    process.stdout.write(
      `${JSON.stringify({ wan: DEFAULT_WAN, seed, rows, ok, wall_ms: Math.round(performance.now() - started) })}\n`,
    );
  return ok ? 0 : 1;
}

/** The short text summary of `bin/hotpot sim` without --json. */
function summaryText(out: ReturnType<typeof runMany> & { wall_ms: number }): string {
  return (
    `${out.ok ? 'OK' : 'FAILED'}: ${out.runs} runs, ${out.validators} validators, faults ${out.faults}, target height ${out.heights}\n` +
    `  safety violations ${out.safety_violations}, state-root mismatches ${out.state_root_mismatches}, runs reaching the target ${out.runs_reaching_target}/${out.runs}\n` +
    `  double votes ${out.double_votes} (sent ${out.double_votes_sent}), evidence committed ${out.evidence_committed}, forged votes accepted ${out.forged_votes_accepted}/${out.forged_votes_sent}\n` +
    `  ${out.wall_ms} ms wall\n`
  );
}
