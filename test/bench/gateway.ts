// `bin/hotpot bench gateway`: does the fastify gateway serve authenticated REST reads at least as fast
// as the hand-written node:http host it replaced, with p99 within 5 ms at 2,000 req/s while the node
// produces blocks, and in how much memory? Starts both as real nodes on loopback (the old one built
// from commit f534da7, see gateway/baseline.ts), loads them with autocannon in alternating pairs (as
// fast as they answer, then 2,000 req/s), then GET /api/v1/status on each without and with the token
// (what authenticating costs), and prints one JSON object; progress goes to stderr.
import { execFileSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { appRoot } from '../../main/platform/paths';
import { BASELINE_COMMIT, prepareBaseline } from './gateway/baseline';
import { cleanUp, cleanUpOnSignals, interrupted } from './gateway/cleanup';
import {
  type BenchHost,
  WIDE_RATE_LIMITS,
  makeReadKey,
  rssMb,
  startHost,
  tokenFor,
  validatorAddress,
} from './gateway/hosts';
import { type LoadSpec, type Measurement, measure, round } from './gateway/load';
import { type Pair, TARGET, conclude } from './gateway/report';

const USAGE = `Usage: bin/hotpot bench gateway [--pairs N] [--duration S] [--connections C] [--rate-connections C]
                               [--route account|status] [--baseline DIR]

  --pairs N              alternating old/new pairs of each measurement (default 3)
  --duration S           seconds of each measurement (default 10)
  --connections C        connections for the maximum-throughput runs (default 50)
  --rate-connections C   connections for the 2,000 req/s runs (default 10)
  --route R              account: GET /api/v1/accounts/<validator> (needs the read scope; default),
                         status: GET /api/v1/status (public, the token still checked)
  --baseline DIR         a built checkout of ${BASELINE_COMMIT} to use as the old host (default: made once
                         under .hotpot/bench-baseline/${BASELINE_COMMIT})
`;

interface Options {
  pairs: number;
  durationS: number;
  connections: number;
  rateConnections: number;
  route: 'account' | 'status';
  baseline: string | undefined;
}

const say = (msg: string) => process.stderr.write(`bench gateway: ${msg}\n`);

class UsageError extends Error {}

function wholeNumber(raw: string, flag: string, min: number, max: number): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max)
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return n;
}

function parseOptions(argv: string[]): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        pairs: { type: 'string', default: '3' },
        duration: { type: 'string', default: '10' },
        connections: { type: 'string', default: '50' },
        'rate-connections': { type: 'string', default: '10' },
        route: { type: 'string', default: 'account' },
        baseline: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  if (values.route !== 'account' && values.route !== 'status')
    throw new UsageError(`--route must be account or status, got "${values.route}"`);
  return {
    pairs: wholeNumber(values.pairs, '--pairs', 1, 50),
    durationS: wholeNumber(values.duration, '--duration', 1, 600),
    connections: wholeNumber(values.connections, '--connections', 1, 1000),
    rateConnections: wholeNumber(values['rate-connections'], '--rate-connections', 1, 1000),
    route: values.route,
    baseline: values.baseline,
  };
}

/** The route read on each host, and the headers each is sent (the same bytes to both). */
interface Reads {
  /** The path on that host (each chain has its own validator). */
  path: Record<'old' | 'new', string>;
  /** A fresh token's headers for the new host; the old host ignores Authorization on loopback. */
  headers: () => Promise<Record<string, string>>;
}

async function readsOf(opts: Options, hosts: { old: BenchHost; new: BenchHost }): Promise<Reads> {
  const apiKey = await makeReadKey(hosts.new);
  const pathOn = (h: BenchHost) =>
    opts.route === 'status' ? '/api/v1/status' : `/api/v1/accounts/${validatorAddress(h)}`;
  const reads: Reads = {
    path: { old: pathOn(hosts.old), new: pathOn(hosts.new) },
    headers: async () => ({ Authorization: `Bearer ${await tokenFor(hosts.new, apiKey)}` }),
  };
  // One read each first: a measurement of 401s or 404s would say nothing.
  for (const name of ['old', 'new'] as const) {
    const r = await fetch(new URL(reads.path[name], hosts[name].url), { headers: await reads.headers() });
    if (r.status !== 200)
      throw new Error(`GET ${reads.path[name]} on the ${name} host answered ${r.status}: ${await r.text()}`);
  }
  return reads;
}

async function pairOf(
  i: number,
  opts: Options,
  hosts: { old: BenchHost; new: BenchHost },
  reads: Reads,
): Promise<Pair> {
  // ABBA: old first in even pairs, new first in odd ones, so a drift of the machine favours neither.
  const order: Array<'old' | 'new'> = i % 2 === 0 ? ['old', 'new'] : ['new', 'old'];
  const max: LoadSpec = { connections: opts.connections, durationS: opts.durationS };
  const fixed: LoadSpec = {
    connections: opts.rateConnections,
    durationS: opts.durationS,
    rate: TARGET.rate_per_s,
  };
  const pair: Partial<Record<'max' | 'fixed', Partial<Record<'old' | 'new', Measurement>>>> = {};
  for (const [kind, spec] of [
    ['max', max],
    ['fixed', fixed],
  ] as const) {
    for (const name of order) {
      const headers = await reads.headers();
      const m = await measure(hosts[name], reads.path[name], headers, spec);
      say(
        `pair ${i + 1}/${opts.pairs} ${kind} ${name}: ${m.rps} req/s, p99 ${m.p99_ms} ms, ` +
          `non-2xx ${m.non_2xx}, errors ${m.errors}, RSS ${m.rss_max_mb} MB, ${m.blocks} blocks`,
      );
      (pair[kind] ??= {})[name] = m;
    }
  }
  return { order, max: pair.max as Pair['max'], fixed: pair.fixed as Pair['fixed'] };
}

function commitOf(): string {
  try {
    return execFileSync('git', ['-C', appRoot(), 'rev-parse', '--short', 'HEAD'], {
      encoding: 'utf8',
    }).trim();
  } catch {
    return 'unknown';
  }
}

/**
 * Where the new host's time goes: GET /api/v1/status (public) as fast as each answers, once each and
 * back to back: the old host, the new one without a token (the same work: fastify against node:http)
 * and with it (what authenticating every request costs).
 */
async function authCost(opts: Options, hosts: { old: BenchHost; new: BenchHost }, reads: Reads) {
  const spec: LoadSpec = { connections: opts.connections, durationS: opts.durationS };
  const old = await measure(hosts.old, '/api/v1/status', {}, spec);
  const anonymous = await measure(hosts.new, '/api/v1/status', {}, spec);
  const bearer = await measure(hosts.new, '/api/v1/status', await reads.headers(), spec);
  say(
    `GET /api/v1/status: old ${old.rps} req/s; new ${anonymous.rps} without a token, ${bearer.rps} with it`,
  );
  const of = (m: Measurement) => ({ rps: m.rps, p99_ms: m.p99_ms });
  return {
    what: 'GET /api/v1/status (public), as fast as each answers, once each',
    old: of(old),
    new_anonymous: of(anonymous),
    new_bearer_jwt: of(bearer),
    ratio_rps_new_anonymous_over_old: round(anonymous.rps / old.rps, 3),
    ratio_rps_new_bearer_over_anonymous: round(bearer.rps / anonymous.rps, 3),
  };
}

async function main(opts: Options): Promise<void> {
  const oldCli = await prepareBaseline(opts.baseline, say);
  // Others' work on the machine shows here: the figures are only as quiet as the machine was.
  const loadBefore = round(loadavg()[0]!, 2);
  say('starting both hosts');
  const [oldHost, newHost] = await Promise.all([
    startHost('old', oldCli),
    startHost('new', `${appRoot()}/dist/main/cli.js`),
  ]);
  const hosts = { old: oldHost, new: newHost };
  const reads = await readsOf(opts, hosts);
  const rss_before_load_mb = {
    old: round(rssMb(hosts.old.pid) ?? 0, 1),
    new: round(rssMb(hosts.new.pid) ?? 0, 1),
  };
  say('warming up each host for 2 s');
  for (const name of ['old', 'new'] as const)
    await measure(hosts[name], reads.path[name], await reads.headers(), {
      connections: opts.connections,
      durationS: 2,
    });
  const pairs: Pair[] = [];
  for (let i = 0; i < opts.pairs; i++) pairs.push(await pairOf(i, opts, hosts, reads));
  const auth_cost = await authCost(opts, hosts, reads);
  const result = {
    bench: 'gateway',
    route: `GET ${reads.path.new.replace(/0x[0-9a-fA-F]{40}/, ':address')}`,
    hosts: {
      old: `node:http host at ${BASELINE_COMMIT} (no people yet: loopback needs no sign-in)`,
      new: `fastify gateway at ${commitOf()} (Authorization: Bearer <JWT from a read-scoped API key>)`,
    },
    load: {
      tool: 'autocannon 9.0.0 in a child process, pipelining 1',
      max: { connections: opts.connections, duration_s: opts.durationS },
      fixed: { connections: opts.rateConnections, duration_s: opts.durationS, rate_per_s: TARGET.rate_per_s },
    },
    machine: { cpus: availableParallelism(), load_1m_before: loadBefore },
    rate_limits: 'widened for the bench',
    rate_limits_per_min: WIDE_RATE_LIMITS,
    target: TARGET,
    ...conclude(pairs),
    rss_before_load_mb,
    auth_cost,
    pairs,
    note: NOTE,
  };
  process.stdout.write(JSON.stringify(result) + '\n');
}

const NOTE =
  'Both nodes run at once, each producing blocks of its own dev chain, on the same machine as autocannon, ' +
  'whose CPU competes with them (on 2 cores: compare the ratios, not the absolute figures). ' +
  "autocannon's overallRate sends each connection's share of a second back to back at the start of the " +
  'second, so the 2,000 req/s runs are bursts and their p99 includes that queueing.';

let code = 0;
cleanUpOnSignals(say);
try {
  await main(parseOptions(process.argv.slice(2)));
} catch (err) {
  if (err instanceof UsageError) {
    process.stderr.write(`bench gateway: ${err.message}\n${USAGE}`);
    code = 2;
  } else if (interrupted()) {
    code = 130;
  } else {
    say(`failed: ${(err as Error).message}`);
    code = 1;
  }
} finally {
  await cleanUp();
}
process.exit(code);
