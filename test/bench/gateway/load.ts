// What does one measurement of bench gateway do? Puts load on one host with autocannon (a child
// process, so its CPU is not our event loop's and the memory sampler keeps time), samples the host's
// RSS while it runs, and counts the blocks the host made meanwhile.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { appRoot } from '../../../main/platform/paths';
import { track } from './cleanup';
import { type BenchHost, heightOf, rssMb } from './hosts';

/** How to load a host: as fast as it answers, or at a fixed overall rate. */
export interface LoadSpec {
  connections: number;
  durationS: number;
  /** Requests a second over all connections (autocannon's overallRate); none: as fast as possible. */
  rate?: number;
}

/** One measurement's figures. */
export interface Measurement {
  rps: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  max_ms: number;
  requests: number;
  ok_2xx: number;
  non_2xx: number;
  errors: number;
  timeouts: number;
  rss_max_mb: number;
  blocks: number;
}

/** The part of autocannon's --json report read here. */
interface AutocannonReport {
  latency: { p50: number; p90: number; p99: number; max: number };
  requests: { average: number; total: number };
  duration: number;
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

const SAMPLE_EVERY_MS = 200;

function autocannonCli(): string {
  const cli = join(appRoot(), 'node_modules', 'autocannon', 'autocannon.js');
  if (!existsSync(cli))
    throw new Error(`${cli} is missing: run bin/hotpot setup (autocannon is a devDependency)`);
  return cli;
}

/** Loads `path` on `host` per `spec`, sending `headers` with every request. */
export async function measure(
  host: BenchHost,
  path: string,
  headers: Record<string, string>,
  spec: LoadSpec,
): Promise<Measurement> {
  const h0 = await heightOf(host);
  let rssMax = rssMb(host.pid) ?? 0;
  const sampler = setInterval(() => (rssMax = Math.max(rssMax, rssMb(host.pid) ?? 0)), SAMPLE_EVERY_MS);
  let report: AutocannonReport;
  try {
    report = await autocannon(new URL(path, host.url).href, headers, spec);
  } finally {
    clearInterval(sampler);
  }
  const h1 = await heightOf(host);
  const l = report.latency;
  return {
    // Answers a second over the run (autocannon's average counts only the seconds it sampled).
    rps: round(report.requests.total / report.duration, 0),
    p50_ms: l.p50,
    p90_ms: l.p90,
    p99_ms: l.p99,
    max_ms: l.max,
    requests: report.requests.total,
    ok_2xx: report['2xx'],
    non_2xx: report.non2xx,
    errors: report.errors,
    timeouts: report.timeouts,
    rss_max_mb: round(rssMax, 1),
    blocks: h1 - h0,
  };
}

/** Runs the autocannon CLI to the end and parses its JSON report. */
function autocannon(url: string, headers: Record<string, string>, spec: LoadSpec): Promise<AutocannonReport> {
  const args = [autocannonCli(), '--json', '--no-progress', '-c', String(spec.connections), '-p', '1'];
  args.push('-d', String(spec.durationS));
  // -C: autocannon's correction for coordinated omission assumes an interval of ceil(1 / per-connection
  // rate) = 1 ms (seconds rounded up, read as ms) and would add made-up samples; we record what was measured.
  if (spec.rate) args.push('-R', String(spec.rate), '-C');
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}=${v}`);
  args.push(url);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  track(child);
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) =>
    child.once('exit', (code) => {
      try {
        if (code !== 0) throw new Error(`exit ${code}`);
        resolve(JSON.parse(out) as AutocannonReport);
      } catch (e) {
        reject(new Error(`autocannon failed (${(e as Error).message}):\n${err}${out}`));
      }
    }),
  );
}

/** `x` rounded to `digits` decimals. */
export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
