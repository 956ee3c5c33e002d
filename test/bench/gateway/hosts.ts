// How does bench gateway run the two hosts? Each as a real node process (`cli.js start --headless`) in
// its own temp data dir on loopback, producing blocks of its own dev chain; this file starts them,
// makes the new host's owner and read-scoped API key, and reads a host's height and memory.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, LOOPBACK_ONLY_ENV } from '../../helpers/node-process';
import { track, trackDir } from './cleanup';

/** A host started for the bench. */
export interface BenchHost {
  name: 'old' | 'new';
  url: string;
  pid: number;
  dataDir: string;
}

const OWNER = { username: 'bench-owner', password: 'bench-owner-password' } as const;

/** Rate limits for the new host's config.json: far past anything a 2-core machine can send. */
export const WIDE_RATE_LIMITS = { anonymousPerMin: 1e9, personPerMin: 1e9, keyPerMin: 1e9 } as const;

/**
 * Starts `cli` headless in a fresh temp data dir and waits for its URL. The new host gets its owner
 * first (`users add`) and the widened rate limits in config.json; the old one had neither.
 */
export async function startHost(name: BenchHost['name'], cli: string): Promise<BenchHost> {
  const dataDir = trackDir(mkdtempSync(join(tmpdir(), `hotpot-bench-gateway-${name}-`)));
  if (name === 'new') {
    writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ http: { rateLimits: WIDE_RATE_LIMITS } }));
    await runToEnd(
      cli,
      ['users', 'add', '--data-dir', dataDir, '--username', OWNER.username, '--role', 'owner'],
      {
        HOTPOT_USER_PASSWORD: OWNER.password,
      },
    );
  }
  const port = await freePort();
  const proc = spawn(
    process.execPath,
    [cli, 'start', '--headless', '--data-dir', dataDir, '--http', `127.0.0.1:${port}`, '--log-level', 'warn'],
    { env: { ...process.env, ...LOOPBACK_ONLY_ENV }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  track(proc);
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the ${name} host did not start within 60 s:\n${out}`)),
      60_000,
    );
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /Open the UI at (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the ${name} host exited with ${code} before starting:\n${out}`));
    });
  });
  // The node that holds the data dir is the one measured (its pid is in node.lock).
  const locked = Number(readFileSync(join(dataDir, 'node.lock'), 'utf8'));
  return { name, url, pid: Number.isInteger(locked) && locked > 0 ? locked : proc.pid!, dataDir };
}

/** Runs `cli args` to the end; rejects with its output when it fails. */
function runToEnd(cli: string, args: string[], env: Record<string, string>): Promise<void> {
  const child = spawn(process.execPath, [cli, ...args], {
    env: { ...process.env, ...LOOPBACK_ONLY_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  track(child);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${args.slice(0, 2).join(' ')} failed (${code}):\n${out}`)),
    ),
  );
}

/**
 * An API key with the `read` scope on the new host: sign in as its owner (which counts as having just
 * given the password, so the step-up of keys.create is met), then keys.create. Returns the key's secret.
 */
export async function makeReadKey(host: BenchHost): Promise<string> {
  return makeKey(host, ['read'], 'bench gateway');
}

/** An API key with `scopes` on the new host (signed in as its owner, which meets keys.create's step-up). */
export async function makeKey(host: BenchHost, scopes: string[], name: string): Promise<string> {
  const rpc = (method: string, input: unknown, cookie?: string) =>
    fetch(new URL(`/rpc/${method}`, host.url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(cookie ? { Cookie: cookie } : {}) },
      body: JSON.stringify(input),
    });
  const signIn = await rpc('auth.signIn', OWNER);
  const cookie = signIn.headers
    .getSetCookie()
    .find((c) => c.startsWith('hotpot_session='))
    ?.split(';')[0];
  if (!cookie) throw new Error(`signing in to the new host failed: ${signIn.status} ${await signIn.text()}`);
  const made = (await (await rpc('keys.create', { name, scopes }, cookie)).json()) as {
    ok: boolean;
    value?: { secret: string };
    error?: unknown;
  };
  if (!made.ok || !made.value) throw new Error(`keys.create failed: ${JSON.stringify(made.error)}`);
  return made.value.secret;
}

/** A fresh 10-minute JWT for the key (POST /api/v1/auth/token). */
export async function tokenFor(host: BenchHost, apiKey: string): Promise<string> {
  const r = await fetch(new URL('/api/v1/auth/token', host.url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ apiKey }),
  });
  const body = (await r.json()) as { access_token?: string };
  if (!r.ok || !body.access_token)
    throw new Error(`the token exchange failed: ${r.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

/** The host's chain height (GET /api/v1/status, public on both hosts). */
export async function heightOf(host: BenchHost): Promise<number> {
  const r = await fetch(new URL('/api/v1/status', host.url));
  if (!r.ok) throw new Error(`GET /api/v1/status on the ${host.name} host: ${r.status}`);
  return ((await r.json()) as { height: number }).height;
}

/** The dev chain's validator (from genesis.json): an account that exists on both hosts' chains. */
export function validatorAddress(host: BenchHost): string {
  const genesis = JSON.parse(readFileSync(join(host.dataDir, 'genesis.json'), 'utf8')) as {
    validators: Array<{ address: string }>;
  };
  return genesis.validators[0]!.address;
}

/** The process's resident memory now (VmRSS), in MB; undefined once it has gone. */
export function rssMb(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}
