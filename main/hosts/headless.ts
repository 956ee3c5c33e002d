import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { ApiError } from '../api/errors';
import { callRoute, httpStatusOf } from '../api/rest/call';
import type { RestRoute } from '../api/rest/types';
import type { Router } from '../api/router';
import type { EventBus } from '../app/events';
import type { Startable } from '../common/startable';
import type { Logger } from '../app/logger';
import { serializeError } from '../common/errors';
import { isLoopback } from '../config/load';
import { HostError } from './errors';
import { CONTENT_SECURITY_POLICY } from './security';

const MAX_BODY_BYTES = 1024 * 1024;
const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export interface HeadlessHostOptions {
  host: string;
  port: number;
  /** Required for a non-loopback host; clients send `Authorization: Bearer <token>` (or `?token=` on the WebSocket). */
  accessToken?: string;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
}

export interface HeadlessHostDeps {
  router: Router;
  rest: RestRoute[];
  bus: EventBus;
  log: Logger;
}

/**
 * The headless host: the built renderer at `/`, the contract at `POST /rpc/<method>`, pushed events on
 * `/ws`, and the public REST surface under `/api/v1/`. Binds 127.0.0.1 by default; on any other
 * address every API call needs the access token. Requests whose Host or Origin is not this node are
 * refused (DNS rebinding and cross-site requests from other pages in the same browser).
 */
export class HeadlessHost implements Startable {
  private server: Server | undefined;
  private wss: WebSocketServer | undefined;
  private offEvents: (() => void) | undefined;
  private boundPort = 0;

  constructor(
    private readonly opts: HeadlessHostOptions,
    private readonly deps: HeadlessHostDeps,
  ) {}

  /** The UI's URL once started. */
  get url(): string {
    const h = this.opts.host.includes(':') ? `[${this.opts.host}]` : this.opts.host;
    return `http://${h}:${this.boundPort}/`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        this.deps.log.error({ err, url: req.url }, 'request failed');
        if (!res.headersSent) sendJson(res, 500, { ok: false, error: serializeError(err) });
        else res.destroy();
      });
    });
    server.headersTimeout = 15_000;
    server.requestTimeout = 30_000;
    const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
    server.on('upgrade', (req, socket, head) => {
      const denied = this.checkRequest(req, true);
      if (denied || new URL(req.url ?? '/', 'http://x').pathname !== '/ws') {
        socket.end(`HTTP/1.1 ${denied ? 401 : 404} ${denied ? 'Unauthorized' : 'Not Found'}\r\n\r\n`);
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws));
    });
    this.offEvents = this.deps.bus.onAny((name, payload) => {
      const msg = JSON.stringify({ type: 'event', name, payload });
      for (const client of wss.clients) if (client.readyState === client.OPEN) client.send(msg);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(listenError(err, this.opts.host, this.opts.port)),
      );
      server.listen({ host: this.opts.host, port: this.opts.port }, () => resolve());
    });
    this.boundPort = (server.address() as AddressInfo).port;
    this.server = server;
    this.wss = wss;
    this.deps.log.info({ url: this.url }, 'headless host listening');
  }

  async stop(): Promise<void> {
    this.offEvents?.();
    for (const c of this.wss?.clients ?? []) c.terminate();
    this.wss?.close();
    await new Promise<void>((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private onSocket(ws: WebSocket): void {
    ws.send(JSON.stringify({ type: 'hello' }));
    // Clients only listen; anything they send is ignored (calls go over POST /rpc).
    ws.on('message', () => undefined);
  }

  /** Null when the request may proceed, else the reason it may not. */
  private checkRequest(req: IncomingMessage, needsToken: boolean): string | null {
    const host = req.headers.host ?? '';
    if (isLoopback(this.opts.host) && !this.allowedHost(host)) return `host "${host}" is not this node`;
    const origin = req.headers.origin;
    if (origin && origin !== `http://${host}`) return `origin ${origin} may not call this node`;
    if (needsToken && this.opts.accessToken) {
      const auth = req.headers.authorization ?? '';
      const fromQuery = new URL(req.url ?? '/', 'http://x').searchParams.get('token') ?? '';
      const given = auth.startsWith('Bearer ') ? auth.slice(7) : fromQuery;
      if (!safeEqual(given, this.opts.accessToken)) return 'missing or wrong access token';
    }
    return null;
  }

  private allowedHost(hostHeader: string): boolean {
    const port = String(this.boundPort);
    return ['127.0.0.1', 'localhost', '[::1]', this.opts.host].some((h) => hostHeader === `${h}:${port}`);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    const isApi = path.startsWith('/rpc/') || path.startsWith('/api/');
    const denied = this.checkRequest(req, isApi);
    if (denied) {
      const status = denied.includes('token') ? 401 : 403;
      const code = status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN';
      if (path.startsWith('/api/')) return sendProblem(res, status, code, denied);
      return sendJson(res, status, { ok: false, error: serializeError(new ApiError(code, denied)) });
    }
    if (path.startsWith('/rpc/')) return this.handleRpc(req, res, decodeURIComponent(path.slice(5)));
    if (path.startsWith('/api/')) return this.handleRest(req, res, url);
    return this.serveStatic(req, res, path);
  }

  private async handleRpc(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    if (req.method !== 'POST')
      return sendJson(res, 405, {
        ok: false,
        error: serializeError(new ApiError('BAD_REQUEST', 'calls are POST /rpc/<method> with a JSON body')),
      });
    // JSON only: a form or text/plain post from another site cannot reach a handler.
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return sendJson(res, 415, {
        ok: false,
        error: serializeError(new ApiError('BAD_REQUEST', 'Content-Type must be application/json')),
      });
    }
    const body = await readBody(req);
    const envelope = await this.deps.router.call(method, body, { via: 'http' });
    sendJson(res, 200, envelope);
  }

  private async handleRest(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    for (const route of this.deps.rest) {
      if (route.method !== req.method) continue;
      const params = matchPath(route.path, url.pathname);
      if (!params) continue;
      try {
        const body = req.method === 'GET' ? undefined : await readBody(req);
        const answer = await callRoute(this.deps.router, route, { params, query: url.searchParams, body });
        if (answer.ok) return sendJson(res, 200, answer.value);
        const { code, message, data } = answer.error;
        return sendProblem(res, answer.status, code, message, data);
      } catch (err) {
        // readBody's own refusals (too large, not JSON) are typed; anything else is ours.
        const e = serializeError(err);
        return sendProblem(res, httpStatusOf(e.code), e.code, e.message, e.data);
      }
    }
    sendProblem(res, 404, 'NOT_FOUND', `no route ${req.method} ${url.pathname}`);
  }

  private serveStatic(req: IncomingMessage, res: ServerResponse, path: string): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') return void sendText(res, 405, 'method not allowed');
    const root = this.opts.rendererDir;
    let file = normalize(join(root, path === '/' ? 'index.html' : path));
    if (!file.startsWith(root + sep) && file !== root) return void sendText(res, 403, 'forbidden');
    // Single-page app: unknown paths without an extension get index.html.
    if (!existsSync(file) || statSync(file).isDirectory()) {
      if (extname(path)) return void sendText(res, 404, 'not found');
      file = join(root, 'index.html');
    }
    if (!existsSync(file)) return void sendText(res, 503, 'the UI is not built: run bin/hotpot setup');
    res.writeHead(200, {
      'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
      'Cache-Control': extname(file) === '.html' ? 'no-cache' : 'public, max-age=300',
    });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file).pipe(res);
  }
}

function listenError(err: NodeJS.ErrnoException, host: string, port: number): HostError {
  const where = `${host}:${port}`;
  if (err.code === 'EADDRINUSE')
    return new HostError(
      'PORT_IN_USE',
      `port ${port} on ${host} is already in use: stop the other program or choose another with --http HOST:PORT`,
      { host, port },
    );
  if (err.code === 'EADDRNOTAVAIL')
    return new HostError(
      'ADDRESS_UNAVAILABLE',
      `address ${host} is not on this machine: choose one of its addresses with --http HOST:PORT`,
      { host, port },
    );
  if (err.code === 'EACCES')
    return new HostError(
      'PERMISSION_DENIED',
      `not allowed to listen on ${where} (ports below 1024 need privileges): choose a port above 1024`,
      { host, port },
    );
  return new HostError('LISTEN_FAILED', `cannot listen on ${where}: ${err.message}`, {
    host,
    port,
    errno: err.code,
  });
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES)
      throw new ApiError('TOO_LARGE', `request body is larger than ${MAX_BODY_BYTES} bytes`, {
        limitBytes: MAX_BODY_BYTES,
      });
    chunks.push(chunk);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (err) {
    throw new ApiError('BAD_INPUT', `request body is not valid JSON: ${(err as Error).message}`);
  }
}

/** `/api/v1/blocks/:height` against a path → params, or null when it does not match. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const a = pattern.split('/');
  const b = path.split('/');
  if (a.length !== b.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < a.length; i++) {
    const p = a[i]!;
    if (p.startsWith(':')) params[p.slice(1)] = decodeURIComponent(b[i]!);
    else if (p !== b[i]) return null;
  }
  return params;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(text);
}

/** RFC 9457 problem details. */
function sendProblem(
  res: ServerResponse,
  status: number,
  code: string,
  detail: string,
  data: Record<string, unknown> = {},
): void {
  res.writeHead(status, { 'Content-Type': 'application/problem+json', 'Cache-Control': 'no-store' });
  res.end(
    JSON.stringify({
      type: `urn:hotpot:problem:${code.toLowerCase()}`,
      title: code,
      status,
      detail,
      code,
      ...(Object.keys(data).length ? { data } : {}),
    }),
  );
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}
