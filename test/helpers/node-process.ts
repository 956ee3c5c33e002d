import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { appRoot } from '../../main/platform/paths';

/** A node started as a real process with `dist/main/cli.js start --headless`. */
export interface NodeProcess {
  proc: ChildProcess;
  url: string;
  /** Everything it printed so far (stdout + stderr). */
  output(): string;
  /** SIGTERM and wait; resolves with exit code and how long the stop took. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; ms: number }>;
}

/**
 * Environment every test node gets unless a test overrides it: no mDNS (it would multicast on the
 * machine's real interfaces) and libp2p on loopback only. Namespace tests set their own.
 */
export const LOOPBACK_ONLY_ENV = {
  HOTPOT_LOG_CONSOLE: 'none',
  HOTPOT_P2P_MDNS: '0',
  HOTPOT_P2P_LISTEN: '/ip4/127.0.0.1/tcp/0',
} as const;

/** The built CLI; integration tests need `bin/hotpot setup` first (bin/hotpot test does it). */
export function cliPath(): string {
  const p = join(appRoot(), 'dist', 'main', 'cli.js');
  if (!existsSync(p)) throw new Error(`${p} is missing: run bin/hotpot setup`);
  return p;
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Runs `hotpot <args>` to completion. */
export function runCli(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number; wrap?: string[] } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const [cmd, ...pre] = opts.wrap ?? [];
  const child = spawn(
    cmd ?? process.execPath,
    [...pre, ...(cmd ? [process.execPath] : []), cliPath(), ...args],
    {
      env: { ...process.env, ...LOOPBACK_ONLY_ENV, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(opts.input ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

/** Starts a headless node and waits until it prints its URL (or exits). */
export async function startNode(opts: {
  dataDir: string;
  port?: number;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}): Promise<NodeProcess> {
  const port = opts.port ?? (await freePort());
  const proc = spawn(
    process.execPath,
    [
      cliPath(),
      'start',
      '--headless',
      '--data-dir',
      opts.dataDir,
      '--http',
      `127.0.0.1:${port}`,
      ...(opts.args ?? []),
    ],
    {
      env: { ...process.env, ...LOOPBACK_ONLY_ENV, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`node did not start within ${opts.timeoutMs ?? 15_000} ms:\n${out}`)),
      opts.timeoutMs ?? 15_000,
    );
    const check = () => {
      const m = /Open the UI at (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    proc.stdout!.on('data', check);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`node exited with ${code} before starting:\n${out}`));
    });
  });
  return {
    proc,
    url,
    output: () => out,
    stop: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        if (proc.exitCode !== null) return resolve({ code: proc.exitCode, ms: 0 });
        const t0 = Date.now();
        proc.once('exit', (code) => resolve({ code, ms: Date.now() - t0 }));
        proc.kill(signal);
      }),
  };
}

/** The owner every test node gets (made at first sign-in by `signInAsOwner`). */
export const OWNER = { username: 'owner', password: 'owner-password-for-tests' } as const;

/**
 * Signs in to the node at `url` as its owner, making the owner first on a node that has nobody yet
 * (as the first-run page does). Returns the session cookie (`hotpot_session=…`) for a `Cookie` header.
 */
export async function signInAsOwner(url: string): Promise<string> {
  const rpc = (name: string, input: unknown) =>
    fetch(new URL(`/rpc/${name}`, url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(input),
    });
  const status = (await (await rpc('auth.status', {})).json()) as { value: { setupNeeded: boolean } };
  const res = await rpc(status.value.setupNeeded ? 'auth.setupOwner' : 'auth.signIn', OWNER);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('hotpot_session='));
  if (!cookie) throw new Error(`signing in as the owner failed: ${res.status} ${await res.text()}`);
  return cookie.split(';')[0]!;
}
