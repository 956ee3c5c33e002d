import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { basename } from 'node:path';
import { bundleScript } from '../bundle';
import { appRoot } from '../../../main/platform/paths';

/** The repository root (two levels above test/helpers/onvif-sim). */
export const REPO_ROOT = appRoot();

/** Bundles a worker or a script run in another process (see bundleScript), with an inline source map. */
export function bundleEntry(
  entry: string,
  outName = basename(entry).replace(/\.ts$/, '.js'),
): Promise<string> {
  return bundleScript(entry, { outName, sourcemap: 'inline' });
}

/** Result of a script run in a network namespace. */
export interface NetnsRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The report a scenario prints as its last stdout line (JSON). Throws with the scenario's stderr when
 * it exited badly or printed no report, and with `context(report)` when the report holds an error.
 */
export function scenarioReport<R extends { error?: string }>(r: NetnsRun, context: (report: R) => string): R {
  const last = r.stdout.trim().split('\n').pop() ?? '';
  if (r.code !== 0 || !last.startsWith('{'))
    throw new Error(`scenario failed (${r.code}): ${r.stderr.slice(-3000)}`);
  const report = JSON.parse(last) as R;
  if (report.error)
    throw new Error(`scenario: ${report.error}\n${context(report)}\n${r.stderr.slice(-2000)}`);
  return report;
}

/** The commands that make a fresh namespace's loopback carry multicast (and nothing else). */
export const NETNS_SETUP =
  'ip link set lo up && ip link set lo multicast on && ip route add 224.0.0.0/4 dev lo';

/**
 * The command that makes the namespace's loopback carry IPv6 link-local multicast (`ff02::c%lo`).
 * The kernel turns an ordinary route via `lo` into a reject route (ENETUNREACH), so the route is of
 * type `local`: what is sent to `ff02::/16` comes back in on `lo` and reaches the sockets that joined
 * the group there (a socket that did not join gets nothing). No sysctl is needed.
 */
export const NETNS_IPV6_MULTICAST_SETUP = 'ip -6 route add local ff02::/16 dev lo';

/** Extra isolation for {@link runInNetns}. */
export interface NetnsOptions {
  /** Also a private mount namespace, with a tmpfs over /var/log/nginx (nginx as namespace-root opens its compiled-in log there). */
  mount?: boolean;
  /** Also IPv6 link-local multicast on loopback ({@link NETNS_IPV6_MULTICAST_SETUP}). */
  ipv6Multicast?: boolean;
}

/**
 * Runs a bundled script in a new user + network namespace (`unshare -rn`) whose only interface is
 * loopback with multicast routed to it: discovery traffic can never reach a real interface.
 */
export function runInNetns(
  script: string,
  args: string[] = [],
  timeoutMs = 60_000,
  opts: NetnsOptions = {},
): Promise<NetnsRun> {
  return new Promise((resolve, reject) => {
    const setup = [
      NETNS_SETUP,
      ...(opts.ipv6Multicast ? [NETNS_IPV6_MULTICAST_SETUP] : []),
      ...(opts.mount ? ['mount -t tmpfs tmpfs /var/log/nginx'] : []),
    ].join(' && ');
    const child = spawn(
      'unshare',
      [
        opts.mount ? '-rnm' : '-rn',
        'sh',
        '-c',
        `${setup} && exec "$0" "$@"`,
        process.execPath,
        script,
        ...args,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Runs a bundled script in a new user + mount (+ network) namespace with a tiny tmpfs mounted on
 * `dir` (e.g. `2m`), so a full disk (ENOSPC) can be produced without root on the host. The
 * tmpfs disappears with the namespace, so the script reports what it saw on stdout.
 */
export function runWithTinyDisk(
  script: string,
  dir: string,
  size: string,
  args: string[] = [],
  timeoutMs = 120_000,
): Promise<NetnsRun> {
  return new Promise((resolve, reject) => {
    mkdirSync(dir, { recursive: true });
    const setup = `mount -t tmpfs -o size=${size} tmpfs "${dir}" && mount -t tmpfs tmpfs /var/log/nginx && ${NETNS_SETUP}`;
    const child = spawn(
      'unshare',
      ['-rmn', 'sh', '-c', `${setup} && exec "$0" "$@"`, process.execPath, script, ...args],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
