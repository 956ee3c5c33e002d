import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { nodeRoutes } from '../../../main/api/rest/node';
import { type AllHandlers, Router } from '../../../main/api/router';
import { EventBus } from '../../../main/app/events';
import { Gateway } from '../../../main/hosts/gateway/gateway';
import { VERSION } from '../../../main/app/version';
import { tempDir } from '../../helpers/tmp';
import { NodeMetrics } from '../../../main/app/metrics';
import { ANONYMOUS, type Principal } from '../../../main/contract/access';

const status = {
  chainId: 'hotpot-test',
  height: 7,
  hash: '0x01',
  blockTimeMs: 1,
  peers: 2,
  syncing: false,
  version: 't',
  validator: true,
  uptimeMs: 1,
};
const handlers = {
  'node.status': async () => status,
  'node.info': async () => ({
    version: 't',
    host: 'headless',
    dataDir: '/d',
    startedAtMs: 0,
    nativeKernels: false,
    node: 'v24',
    platform: 'linux',
  }),
  'node.logs': async () => [],
} as unknown as AllHandlers;
const TOKEN = 't'.repeat(40);
/** The operations routes' sources: the status above, a mempool of 3. */
const operations = {
  status: () => status,
  metrics: new NodeMetrics({ status: () => status, mempoolSize: () => 3, cameras: () => [] }),
};
/** No sessions here: every caller is anonymous (the node's status is public). */
const nobody = { principalOf: () => ANONYMOUS, principalOfBearer: async () => ANONYMOUS };

function raw(
  port: number,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('Gateway', () => {
  const dir = tempDir();
  const bus = new EventBus();
  const log = pino({ level: 'silent' });
  let open: Gateway;
  let locked: Gateway;
  let p1 = 0;
  let p2 = 0;

  beforeAll(async () => {
    mkdirSync(join(dir.path, 'assets'));
    writeFileSync(join(dir.path, 'index.html'), '<!doctype html><title>ui</title>');
    writeFileSync(join(dir.path, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(dir.path, '..', 'secret.txt'), 'nope');
    const rest = [...nodeRoutes];
    open = new Gateway(
      { host: '127.0.0.1', port: 0, rendererDir: dir.path },
      { router: new Router(handlers), sessions: nobody, operations, rest, bus, log },
    );
    locked = new Gateway(
      { host: '127.0.0.1', port: 0, rendererDir: dir.path, accessToken: TOKEN },
      { router: new Router(handlers), sessions: nobody, operations, rest, bus, log },
    );
    await open.start();
    await locked.start();
    p1 = Number(new URL(open.url).port);
    p2 = Number(new URL(locked.url).port);
  });
  afterAll(async () => {
    await open.stop();
    await locked.stop();
    dir.cleanup();
  });

  it('serves the status, the UI with a CSP, and the SPA fallback', async () => {
    const s = await raw(p1, { path: '/api/v1/status', headers: { host: `127.0.0.1:${p1}` } });
    expect(s.status).toBe(200);
    expect(JSON.parse(s.body)).toMatchObject({ chainId: 'hotpot-test', height: 7, peers: 2 });
    const ui = await raw(p1, { path: '/', headers: { host: `localhost:${p1}` } });
    expect(ui.body).toContain('<title>ui</title>');
    expect(String(ui.headers['content-security-policy'])).toContain("script-src 'self'");
    expect((await raw(p1, { path: '/network', headers: { host: `127.0.0.1:${p1}` } })).body).toContain(
      '<title>ui</title>',
    );
    expect((await raw(p1, { path: '/assets/missing.js', headers: { host: `127.0.0.1:${p1}` } })).status).toBe(
      404,
    );
  });

  it('serves the OpenAPI document and its docs page (Swagger UI from the npm package) with the CSP, without the access token', async () => {
    for (const port of [p1, p2]) {
      const get = (path: string) => raw(port, { path, headers: { host: `127.0.0.1:${port}` } });
      const doc = await get('/api/v1/openapi.json');
      expect(doc.status).toBe(200);
      expect(JSON.parse(doc.body)).toMatchObject({ openapi: '3.1.0', info: { version: VERSION } });
      expect(Object.keys(JSON.parse(doc.body).paths)).toEqual(
        expect.arrayContaining(['/api/v1/status', '/healthz', '/metrics']),
      );
      const page = await get('/api/v1/docs');
      expect(page.status).toBe(200);
      expect(page.body).toContain('swagger-ui-bundle.js');
      expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
      const bundle = await get('/api/v1/docs/static/swagger-ui-bundle.js');
      expect(bundle.status).toBe(200);
      expect(bundle.body.length).toBeGreaterThan(100_000);
      expect(String(bundle.headers['content-security-policy'])).toContain("script-src 'self'");
      const init = await get('/api/v1/docs/static/swagger-initializer.js');
      expect(init.body).toContain('validatorUrl');
    }
    // The API itself still needs the token on the LAN address.
    expect((await raw(p2, { path: '/api/v1/status', headers: { host: `127.0.0.1:${p2}` } })).status).toBe(
      401,
    );
  });

  it('never serves files outside the renderer folder', async () => {
    const r = await raw(p1, { path: '/../secret.txt', headers: { host: `127.0.0.1:${p1}` } });
    expect(r.body).not.toContain('nope');
    const r2 = await raw(p1, { path: '/assets/..%2f..%2fsecret.txt', headers: { host: `127.0.0.1:${p1}` } });
    expect(r2.body).not.toContain('nope');
  });

  it('answers calls with the envelope and refuses non-JSON posts (cross-site forms)', async () => {
    const ok = await raw(p1, {
      method: 'POST',
      path: '/rpc/node.status',
      headers: { host: `127.0.0.1:${p1}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(JSON.parse(ok.body)).toEqual({ ok: true, value: status });
    const form = await raw(p1, {
      method: 'POST',
      path: '/rpc/node.status',
      headers: { host: `127.0.0.1:${p1}`, 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(form.status).toBe(415);
    const bad = await raw(p1, {
      method: 'POST',
      path: '/rpc/node.status',
      headers: { host: `127.0.0.1:${p1}`, 'content-type': 'application/json' },
      body: '{"x":',
    });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.code).toBe('BAD_INPUT');
    const empty = await raw(p1, {
      method: 'POST',
      path: '/rpc/node.status',
      headers: { host: `127.0.0.1:${p1}`, 'content-type': 'application/json' },
    });
    expect(JSON.parse(empty.body)).toEqual({ ok: true, value: status });
    const get = await raw(p1, { path: '/rpc/node.status', headers: { host: `127.0.0.1:${p1}` } });
    expect(get.status).toBe(405);
    expect(JSON.parse(get.body).error.code).toBe('BAD_REQUEST');
    const poisoned = await raw(p1, {
      method: 'POST',
      path: '/rpc/node.status',
      headers: { host: `127.0.0.1:${p1}`, 'content-type': 'application/json' },
      body: '{"__proto__":{"admin":true}}',
    });
    expect(poisoned.status).toBe(400);
    expect(JSON.parse(poisoned.body).error.code).toBe('BAD_INPUT');
  });

  it('answers unknown API paths in their own shape', async () => {
    const rest = await raw(p1, { path: '/api/v1/nothing', headers: { host: `127.0.0.1:${p1}` } });
    expect(rest.status).toBe(404);
    expect(rest.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(rest.body)).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    const unknown = await raw(p1, {
      method: 'POST',
      path: '/rpc/node.nothing',
      headers: { host: `127.0.0.1:${p1}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(JSON.parse(unknown.body).error.code).toBe('UNKNOWN_METHOD');
  });

  it('refuses other origins and foreign Host headers (DNS rebinding)', async () => {
    const cross = await raw(p1, {
      method: 'POST',
      path: '/rpc/node.status',
      headers: { host: `127.0.0.1:${p1}`, origin: 'http://evil.example', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(cross.status).toBe(403);
    const rebound = await raw(p1, { path: '/api/v1/status', headers: { host: `evil.example:${p1}` } });
    expect(rebound.status).toBe(403);
    expect(rebound.headers['content-type']).toBe('application/problem+json');
  });

  it('refuses bodies over 1 MiB with TOO_LARGE', async () => {
    const big = Buffer.alloc(1024 * 1024 + 10, 0x20);
    const r = await raw(p1, {
      method: 'POST',
      path: '/rpc/node.status',
      headers: { host: `127.0.0.1:${p1}`, 'content-type': 'application/json' },
      body: big,
    });
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body).error.code).toBe('TOO_LARGE');
  });

  it('requires the access token when one is configured, for calls, REST and events', async () => {
    const h = { host: `127.0.0.1:${p2}` };
    expect((await raw(p2, { path: '/api/v1/status', headers: h })).status).toBe(401);
    expect(
      (
        await raw(p2, {
          path: '/api/v1/status',
          headers: { ...h, authorization: `Bearer ${'x'.repeat(40)}` },
        })
      ).status,
    ).toBe(401);
    expect(
      (await raw(p2, { path: '/api/v1/status', headers: { ...h, authorization: `Bearer ${TOKEN}` } })).status,
    ).toBe(200);
    expect((await raw(p2, { path: '/', headers: h })).status).toBe(200); // the UI itself holds no secrets
    // A token in a URL ends up in histories and logs: only the WebSocket (which cannot set headers) may.
    expect((await raw(p2, { path: `/api/v1/status?token=${TOKEN}`, headers: h })).status).toBe(401);
    const viaQuery = new WebSocket(`ws://127.0.0.1:${p2}/ws?token=${TOKEN}`);
    await new Promise((resolve, reject) => {
      viaQuery.on('open', resolve);
      viaQuery.on('error', reject);
    });
    viaQuery.close();
    await expect(
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${p2}/ws`);
        ws.on('open', () => reject(new Error('opened without a token')));
        ws.on('error', resolve);
      }),
    ).resolves.toBeTruthy();
  });

  it('pushes bus events to WebSocket clients', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${p1}/ws`);
    const got = new Promise<unknown>((resolve) => {
      ws.on('message', (m) => {
        const msg = JSON.parse(String(m));
        if (msg.type === 'event') resolve(msg);
      });
    });
    await new Promise((r) => ws.on('open', r));
    bus.emit('node.status', { ...status, height: 8 });
    expect(await got).toEqual({ type: 'event', name: 'node.status', payload: { ...status, height: 8 } });
    ws.close();
  });

  it('says clearly when the port is taken', async () => {
    const other = new Gateway(
      { host: '127.0.0.1', port: p1, rendererDir: dir.path },
      { router: new Router(handlers), sessions: nobody, operations, rest: [], bus, log },
    );
    await expect(other.start()).rejects.toMatchObject({
      code: 'PORT_IN_USE',
      message: expect.stringContaining(`port ${p1} on 127.0.0.1 is already in use`),
    });
  });
});

describe('Gateway connections', () => {
  const dir = tempDir();
  const bus = new EventBus();
  const log = pino({ level: 'silent' });
  let gw: Gateway;
  let port = 0;

  beforeAll(async () => {
    writeFileSync(join(dir.path, 'index.html'), '<!doctype html><title>ui</title>');
    gw = new Gateway(
      {
        host: '127.0.0.1',
        port: 0,
        rendererDir: dir.path,
        timeouts: { headersMs: 400, keepAliveMs: 400, checkEveryMs: 100 },
      },
      { router: new Router(handlers), sessions: nobody, operations, rest: [...nodeRoutes], bus, log },
    );
    await gw.start();
    port = Number(new URL(gw.url).port);
  });
  afterAll(async () => {
    await gw.stop();
    dir.cleanup();
  });

  /** Opens `n` sockets that send `partial` and nothing more; resolves with how many the server closed within `ms`. */
  async function closedWithin(n: number, partial: string, ms: number): Promise<number> {
    const sockets = await Promise.all(
      Array.from(
        { length: n },
        () =>
          new Promise<Socket>((resolve, reject) => {
            const s = connect(port, '127.0.0.1', () => resolve(s));
            s.on('error', reject);
          }),
      ),
    );
    let closed = 0;
    for (const s of sockets) {
      s.on('close', () => closed++);
      s.on('error', () => undefined);
      s.resume();
      if (partial) s.write(partial);
    }
    await new Promise((r) => setTimeout(r, ms));
    const result = closed;
    for (const s of sockets) s.destroy();
    return result;
  }

  it('closes half-open connections (partial headers) and idle ones, and keeps answering', async () => {
    expect(await closedWithin(200, `GET /api/v1/status HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`, 1_500)).toBe(
      200,
    );
    expect(await closedWithin(50, '', 1_500)).toBe(50);
    const s = await raw(port, { path: '/api/v1/status', headers: { host: `127.0.0.1:${port}` } });
    expect(s.status).toBe(200);
  });

  it('drops a WebSocket client that does not read its events instead of buffering for it', async () => {
    // A raw upgrade whose socket is then paused: the server's writes pile up in its buffer.
    const sock = connect(port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    sock.write(
      `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${Buffer.alloc(16, 1).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    await new Promise((r) => sock.once('data', r));
    sock.pause();
    let closed = false;
    sock.on('close', () => (closed = true));
    sock.on('error', () => undefined);
    const reader = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    await new Promise((r) => reader.on('open', r));
    let readerEvents = 0;
    reader.on('message', () => readerEvents++);
    const big = 'x'.repeat(256 * 1024);
    for (let i = 0; i < 200 && !closed; i++) {
      bus.emit('node.status', { ...status, hash: big });
      await new Promise((r) => setTimeout(r, 5));
    }
    sock.resume();
    await new Promise((r) => setTimeout(r, 300));
    expect(closed).toBe(true);
    expect(readerEvents).toBeGreaterThan(0);
    expect(reader.readyState).toBe(WebSocket.OPEN);
    reader.close();
  });
});

describe('Gateway operations and limits', () => {
  const dir = tempDir();
  const bus = new EventBus();
  const log = pino({ level: 'silent' });
  /** Two API keys by their bearer value: one may read metrics, one may only read. */
  const keys = {
    principalOf: () => ANONYMOUS,
    principalOfBearer: async (b: string): Promise<Principal> =>
      b === 'metrics-key' || b === 'read-key'
        ? { kind: 'key', keyId: b, name: b, scopes: [b === 'metrics-key' ? 'metrics:read' : 'read'] }
        : ANONYMOUS,
  };
  let gw: Gateway;
  let port = 0;

  beforeAll(async () => {
    writeFileSync(join(dir.path, 'index.html'), '<!doctype html><title>ui</title>');
    gw = new Gateway(
      {
        host: '127.0.0.1',
        port: 0,
        rendererDir: dir.path,
        rateLimits: { anonymousPerMin: 5, keyPerMin: 100 },
      },
      { router: new Router(handlers), sessions: keys, operations, rest: [...nodeRoutes], bus, log },
    );
    await gw.start();
    port = Number(new URL(gw.url).port);
  });
  afterAll(async () => {
    await gw.stop();
    dir.cleanup();
  });

  const get = (path: string, bearer?: string) =>
    raw(port, {
      path,
      headers: { host: `127.0.0.1:${port}`, ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    });

  it('answers /healthz and /readyz, and /metrics only to those who may read them', async () => {
    // One block finalized 1.5 s after its proposal, and one being synced an hour late (not counted).
    operations.metrics.observeFinalized(10_000, 11_500);
    operations.metrics.observeFinalized(0, 3_600_000);
    expect((await get('/healthz')).status).toBe(200);
    expect(JSON.parse((await get('/readyz')).body)).toMatchObject({ ready: true, height: 7, peers: 2 });
    expect((await get('/metrics')).status).toBe(401);
    expect((await get('/metrics', 'read-key')).status).toBe(403);
    await get('/api/v1/status', 'read-key');
    const m = await get('/metrics', 'metrics-key');
    expect(m.status).toBe(200);
    expect(m.headers['content-type']).toContain('text/plain');
    expect(m.body).toMatch(/^hotpot_chain_height 7$/m);
    expect(m.body).toMatch(/^hotpot_peers 2$/m);
    expect(m.body).toMatch(/^hotpot_mempool_txs 3$/m);
    expect(m.body).toMatch(/^hotpot_chain_finality_seconds_bucket\{le="2"\} 1$/m);
    expect(m.body).toMatch(/^hotpot_chain_finality_seconds_bucket\{le="1"\} 0$/m);
    expect(m.body).toMatch(/^hotpot_chain_finality_seconds_count 1$/m);
    expect(m.body).toMatch(/^hotpot_process_resident_memory_bytes \d+/m);
    expect(m.body).toMatch(
      /hotpot_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/status",status="200"\} [1-9]/,
    );
  });

  it('limits anonymous callers per address with 429 and Retry-After, and leaves the UI and other callers alone', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await get('/api/v1/status')).status);
    expect(statuses.slice(0, 4).every((s) => s === 200)).toBe(true);
    const limited = await get('/api/v1/status');
    expect(limited.status).toBe(429);
    expect(limited.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(limited.body)).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    for (let i = 0; i < 10; i++) expect((await get('/')).status).toBe(200);
    for (let i = 0; i < 10; i++) expect((await get('/api/v1/openapi.json')).status).toBe(200);
    expect((await get('/api/v1/status', 'read-key')).status).toBe(200);
  });
});
