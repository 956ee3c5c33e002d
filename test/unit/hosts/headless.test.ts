import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { nodeRoutes } from '../../../main/api/rest/node';
import { type AllHandlers, Router } from '../../../main/api/router';
import { EventBus } from '../../../main/app/events';
import { HeadlessHost } from '../../../main/hosts/headless';
import { tempDir } from '../../helpers/tmp';

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

describe('HeadlessHost', () => {
  const dir = tempDir();
  const bus = new EventBus();
  const log = pino({ level: 'silent' });
  let open: HeadlessHost;
  let locked: HeadlessHost;
  let p1 = 0;
  let p2 = 0;

  beforeAll(async () => {
    mkdirSync(join(dir.path, 'assets'));
    writeFileSync(join(dir.path, 'index.html'), '<!doctype html><title>ui</title>');
    writeFileSync(join(dir.path, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(dir.path, '..', 'secret.txt'), 'nope');
    const rest = [...nodeRoutes];
    open = new HeadlessHost(
      { host: '127.0.0.1', port: 0, rendererDir: dir.path },
      { router: new Router(handlers), rest, bus, log },
    );
    locked = new HeadlessHost(
      { host: '127.0.0.1', port: 0, rendererDir: dir.path, accessToken: TOKEN },
      { router: new Router(handlers), rest, bus, log },
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
    expect(JSON.parse(bad.body).error.code).toBe('BAD_INPUT');
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
    const other = new HeadlessHost(
      { host: '127.0.0.1', port: p1, rendererDir: dir.path },
      { router: new Router(handlers), rest: [], bus, log },
    );
    await expect(other.start()).rejects.toMatchObject({
      code: 'PORT_IN_USE',
      message: expect.stringContaining(`port ${p1} on 127.0.0.1 is already in use`),
    });
  });
});
