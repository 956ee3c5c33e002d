import { createServer } from 'node:http';
import { createServer as createSecureServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import type { RestRoute } from '../../api/rest/types';
import type { Router } from '../../api/router';
import type { EventBus } from '../../app/events';
import type { Logger } from '../../app/logger';
import type { Startable } from '../../common/startable';
import { type SessionResolver, installCaller } from './caller';
import type { LiveWatchers } from '../../video/live/watchers';
import { installEventsSocket, registerWebSocketSupport } from './events-socket';
import { installGuard, installLanGate } from './guard';
import { listenError } from './listen-error';
import { installRestRoutes } from './rest-routes';
import { installRpcRoute } from './rpc-route';
import { MAX_BODY_BYTES, installBodyParsing, installErrorReplies } from './request-errors';
import { installUiFiles } from './ui-files';
import { OPERATIONS_PATHS, type OperationsDeps, installOperations } from './operations';
import { installApiDocs } from './api-docs';
import { openApiDocument } from '../../api/rest/openapi';
import { VERSION } from '../../app/version';
import { DEFAULT_RATE_LIMITS, type RateLimits, installRateLimits } from './rate-limits';

/** How long connections may linger; a connection past one of these is closed. */
export interface ConnectionTimeouts {
  /** To send the request headers: half-open connections end here. */
  headersMs: number;
  /** To send the whole request. */
  requestMs: number;
  /** Idle between requests on a keep-alive connection. */
  keepAliveMs: number;
  /** How often the server looks for connections past them (Node's own default is 30 s). */
  checkEveryMs: number;
}

export const DEFAULT_TIMEOUTS: ConnectionTimeouts = {
  headersMs: 10_000,
  requestMs: 30_000,
  keepAliveMs: 5_000,
  checkEveryMs: 1_000,
};

export interface GatewayOptions {
  host: string;
  port: number;
  /** Required for a non-loopback host; clients send `Authorization: Bearer <token>` (or `?token=` on `/ws`). */
  accessToken?: string;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  /** Serve HTTPS with this certificate and key (PEM); plain HTTP without. */
  https?: { cert: string; key: string };
  timeouts?: Partial<ConnectionTimeouts>;
  rateLimits?: Partial<RateLimits>;
}

export interface GatewayDeps {
  router: Router;
  /** Who a session cookie signs in. */
  sessions: SessionResolver;
  rest: readonly RestRoute[];
  bus: EventBus;
  log: Logger;
  /** `/readyz` and `/metrics`. */
  operations: OperationsDeps;
  /** Who watches which camera live (the video service's count); `/ws` clients add to it. */
  liveWatchers?: LiveWatchers;
}

/**
 * The gateway every HTTP caller goes through (fastify): the built UI at `/`, the contract at
 * `POST /rpc/<method>`, pushed events on `/ws`, the public REST surface under `/api/v1/` and its
 * OpenAPI document and docs page.
 * Binds 127.0.0.1 by default; on any other address every API call needs the access token. Requests
 * whose Host or Origin is not this node are refused (DNS rebinding, cross-site calls). Hooks run in
 * the order installed: the guard first, then the routes; errors are answered in each surface's shape.
 */
export class Gateway implements Startable {
  private app: FastifyInstance | undefined;
  private detachEvents: (() => void) | undefined;
  private boundPort = 0;

  constructor(
    private readonly opts: GatewayOptions,
    private readonly deps: GatewayDeps,
  ) {}

  /** The UI's URL once started. */
  get url(): string {
    const h = this.opts.host.includes(':') ? `[${this.opts.host}]` : this.opts.host;
    return `${this.opts.https ? 'https' : 'http'}://${h}:${this.boundPort}/`;
  }

  async start(): Promise<void> {
    const t = { ...DEFAULT_TIMEOUTS, ...this.opts.timeouts };
    const serverOptions = {
      headersTimeout: t.headersMs,
      requestTimeout: t.requestMs,
      keepAliveTimeout: t.keepAliveMs,
      connectionsCheckingInterval: t.checkEveryMs,
    };
    const tls = this.opts.https;
    const app = Fastify({
      logger: false,
      bodyLimit: MAX_BODY_BYTES,
      serverFactory: (handler) =>
        tls
          ? createSecureServer(
              { ...serverOptions, cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' },
              handler,
            )
          : createServer(serverOptions, handler),
    });
    await registerWebSocketSupport(app);
    const guardOpts = {
      host: this.opts.host,
      accessToken: this.opts.accessToken,
      port: () => this.boundPort,
    };
    installGuard(app, guardOpts);
    await installCaller(app, this.deps.sessions, this.opts.accessToken);
    installLanGate(app, guardOpts);
    await installRateLimits(app, { ...DEFAULT_RATE_LIMITS, ...this.opts.rateLimits });
    installBodyParsing(app);
    installErrorReplies(app, this.deps.log);
    this.detachEvents = installEventsSocket(app, this.deps);
    installOperations(app, this.deps.operations);
    installRpcRoute(app, this.deps.router);
    installRestRoutes(app, this.deps.router, this.deps.rest);
    await installApiDocs(
      app,
      openApiDocument(this.deps.rest, {
        version: VERSION,
        extraPaths: OPERATIONS_PATHS,
      }),
    );
    await installUiFiles(app, this.opts.rendererDir);
    try {
      await app.listen({ host: this.opts.host, port: this.opts.port });
    } catch (err) {
      this.detachEvents();
      await app.close();
      throw listenError(err as NodeJS.ErrnoException, this.opts.host, this.opts.port);
    }
    this.boundPort = (app.server.address() as AddressInfo).port;
    this.app = app;
    this.deps.log.info({ url: this.url }, 'gateway listening');
  }

  async stop(): Promise<void> {
    this.detachEvents?.();
    if (!this.app) return;
    this.app.server.closeAllConnections();
    await this.app.close();
    this.app = undefined;
  }
}
