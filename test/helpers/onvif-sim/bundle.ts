import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { build } from 'esbuild';
import { appRoot } from '../../../main/app/paths';

/** The repository root (two levels above test/helpers/onvif-sim). */
export const REPO_ROOT = appRoot();

/**
 * Bundles a TypeScript entry (a worker or a script run in another process) the same way
 * scripts/build.mjs bundles main: ESM, node24, packages external. The output lives under
 * test/.tmp so bare imports still resolve from the repo's node_modules.
 */
export async function bundleEntry(
  entry: string,
  outName = basename(entry).replace(/\.ts$/, '.js'),
): Promise<string> {
  const outdir = join(REPO_ROOT, 'test', '.tmp', 'bundles');
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, outName);
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    packages: 'external',
    logLevel: 'error',
    sourcemap: 'inline',
    banner: {
      js: "import { createRequire as __hotpotCreateRequire } from 'node:module'; const require = __hotpotCreateRequire(import.meta.url);",
    },
  });
  return outfile;
}

/** Result of a script run in a network namespace. */
export interface NetnsRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The commands that make a fresh namespace's loopback carry multicast (and nothing else). */
export const NETNS_SETUP =
  'ip link set lo up && ip link set lo multicast on && ip route add 224.0.0.0/4 dev lo';

/** Extra isolation for {@link runInNetns}. */
export interface NetnsOptions {
  /** Also a private mount namespace, with a tmpfs over /var/log/nginx (nginx as namespace-root opens its compiled-in log there). */
  mount?: boolean;
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
    const setup = opts.mount ? `${NETNS_SETUP} && mount -t tmpfs tmpfs /var/log/nginx` : NETNS_SETUP;
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
