import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { OWNER, freePort, runCli, startNode } from '../helpers/node-process';
import { tempDir } from '../helpers/tmp';

const dirs: Array<() => void> = [];
afterEach(() => dirs.splice(0).forEach((c) => c()));
function dir(): string {
  const d = tempDir();
  dirs.push(d.cleanup);
  chmodSync(d.path, 0o755);
  return d.path;
}

/** Every entry under `root` (itself included) with its permission bits, links left out. */
function walk(root: string): Array<[string, number]> {
  const st = lstatSync(root);
  if (st.isSymbolicLink()) return [];
  const here: Array<[string, number]> = [[root, st.mode & 0o777]];
  if (!st.isDirectory()) return here;
  return here.concat(...readdirSync(root).map((n) => walk(join(root, n))));
}

/** A contract call over HTTPS to a node on 127.0.0.1 whose certificate is `ca` (as a client that pinned it). */
function rpcOverHttps(
  port: number,
  ca: string,
  method: string,
  input: unknown,
  cookie = '',
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/rpc/${method}`,
        ca,
        servername: 'localhost',
        headers: {
          host: `127.0.0.1:${port}`,
          'content-type': 'application/json',
          ...(cookie ? { cookie } : {}),
        },
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(input));
  });
}

describe('bin/hotpot start --headless (real process)', () => {
  it('answers /api/v1/status and serves the UI, then stops on SIGTERM leaving a consistent database', async () => {
    const d = join(dir(), 'data');
    const node = await startNode({ dataDir: d });
    const status = await (await fetch(new URL('/api/v1/status', node.url))).json();
    expect(status).toMatchObject({
      version: expect.any(String),
      peers: expect.any(Number),
      syncing: expect.any(Boolean),
      height: expect.any(Number),
    });
    expect(status).toHaveProperty('chainId');
    expect(status).toHaveProperty('hash');
    const html = await (await fetch(node.url)).text();
    expect(html).toContain('<div id="root">');
    const js = await fetch(new URL('/assets/app.js', node.url));
    expect(js.status).toBe(200);
    const { code, ms } = await node.stop('SIGTERM');
    expect(code).toBe(0);
    expect(ms).toBeLessThan(10_000);
    expect(node.output()).toContain('hotpot: stopped');
    const db = new Database(join(d, 'node.db'), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.prepare("SELECT type FROM events WHERE stream = 'node' ORDER BY seq").all()).toEqual([
      { type: 'started' },
      { type: 'stopped' },
    ]);
    db.close();
    expect(existsSync(join(d, 'node.lock'))).toBe(false);
    expect(existsSync(join(d, 'logs'))).toBe(true);
  });

  it('keeps the data dir private: folders 0700, databases and logs 0600, also for a dir made readable before', async () => {
    const d = join(dir(), 'data');
    mkdirSync(d, { mode: 0o755 });
    writeFileSync(join(d, 'old-export.csv'), 'a,b\n', { mode: 0o644 });
    const node = await startNode({ dataDir: d });
    await fetch(new URL('/api/v1/status', node.url));
    const { code } = await node.stop('SIGTERM');
    expect(code, node.output()).toBe(0);
    const modes = walk(d).map(([path, mode]) => `${path.slice(d.length) || '/'} ${mode.toString(8)}`);
    expect(modes.length).toBeGreaterThan(4);
    for (const line of modes) expect(line).toMatch(/ [67]00$/);
    expect(modes).toContain('/ 700');
    expect(modes).toContain('/node.db 600');
    expect(modes).toContain('/old-export.csv 600');
    expect(modes.some((m) => /^\/logs\/hotpot\.\d+\.log 600$/.test(m))).toBe(true);
  });

  it('stops on SIGINT too', async () => {
    const node = await startNode({ dataDir: join(dir(), 'data') });
    const r = await node.stop('SIGINT');
    expect(r.code, node.output()).toBe(0);
  });

  it('exits non-zero naming the key when the configuration is bad', async () => {
    const d = dir();
    writeFileSync(join(d, 'config.json'), JSON.stringify({ log: { level: 'chatty' } }));
    const r = await runCli([
      'start',
      '--headless',
      '--data-dir',
      d,
      '--http',
      `127.0.0.1:${await freePort()}`,
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(
      /config key "log.level" \(config file\): Invalid option: expected one of "fatal"\|"error"\|"warn"\|"info"\|"debug"\|"trace"/,
    );
    const r2 = await runCli(['start', '--headless', '--data-dir', d, '--htp', '1']);
    expect(r2.code).not.toBe(0);
    expect(r2.stderr).toMatch(/Unknown option '--htp'.*known flags: --headless, --data-dir, --http/);
  });

  it('serves HTTPS with its own certificate (made once, shown in node.info), and refuses an unusable own one', async () => {
    const d = join(dir(), 'data');
    const env = { HOTPOT_HTTPS: 'always' };
    const node = await startNode({ dataDir: d, env });
    const fingerprint =
      /HTTPS certificate \(the node's own\): SHA-256 ((?:[0-9A-F]{2}:){31}[0-9A-F]{2})/.exec(
        node.output(),
      )?.[1];
    expect(node.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    expect(fingerprint).toBeDefined();
    const port = Number(new URL(node.url).port);
    const ca = readFileSync(join(d, 'tls', 'cert.pem'), 'utf8');
    const setup = await rpcOverHttps(port, ca, 'auth.setupOwner', OWNER);
    const cookie = String(setup.headers['set-cookie']?.find((c) => c.startsWith('hotpot_session=')));
    const info = await rpcOverHttps(port, ca, 'node.info', {}, cookie.split(';')[0]!);
    expect(JSON.parse(info.body).value.https).toMatchObject({
      source: 'node',
      fingerprintSha256: fingerprint,
    });
    // Over HTTPS the session cookie is Secure.
    expect(cookie).toMatch(/; Secure/);
    await node.stop();
    const again = await startNode({ dataDir: d, env });
    expect(again.output()).toContain(fingerprint);
    await again.stop();

    const bad = await runCli(
      ['start', '--headless', '--data-dir', d, '--http', `127.0.0.1:${await freePort()}`],
      {
        env: { ...env, HOTPOT_HTTPS_CERT: join(d, 'tls', 'cert.pem'), HOTPOT_HTTPS_KEY: join(d, 'nope.pem') },
      },
    );
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/cannot read the HTTPS private key .*nope\.pem: ENOENT/);
  });

  it('exits non-zero when the port is already in use', async () => {
    const port = await freePort();
    const blocker = createServer().listen(port, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    try {
      const r = await runCli([
        'start',
        '--headless',
        '--data-dir',
        join(dir(), 'd'),
        '--http',
        `127.0.0.1:${port}`,
      ]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(`port ${port} on 127.0.0.1 is already in use`);
    } finally {
      blocker.close();
    }
  });

  it('exits non-zero when the data dir cannot be written', async () => {
    const parent = dir();
    const ro = join(parent, 'readonly');
    mkdirSync(ro, { mode: 0o555 });
    chmodSync(ro, 0o555);
    // Root ignores permission bits, so as root the node runs as "nobody" for this check.
    const asRoot = process.getuid?.() === 0;
    const wrap = asRoot ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
    if (asRoot) execFileSync('setpriv', ['--version']);
    const r = await runCli(
      ['start', '--headless', '--data-dir', join(ro, 'data'), '--http', `127.0.0.1:${await freePort()}`],
      { wrap, env: { HOME: parent } },
    );
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/data dir .*readonly\/data is not writable \(EACCES\)/);
  });

  it('refuses a second node on the same data dir', async () => {
    const d = join(dir(), 'data');
    const first = await startNode({ dataDir: d });
    try {
      const r = await runCli([
        'start',
        '--headless',
        '--data-dir',
        d,
        '--http',
        `127.0.0.1:${await freePort()}`,
      ]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/another node \(pid \d+\) is using the data dir/);
    } finally {
      await first.stop();
    }
  });

  it('takes over a lock left by a killed node', async () => {
    const d = join(dir(), 'data');
    const first = await startNode({ dataDir: d });
    await first.stop('SIGKILL');
    expect(existsSync(join(d, 'node.lock'))).toBe(true);
    const second = await startNode({ dataDir: d });
    expect((await second.stop()).code).toBe(0);
  });
});
