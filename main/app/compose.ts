/**
 * The composition root: the only place that knows every concrete service. `composeApp` reads as its
 * table of contents: each service is built in dependency order by a builder in `main/app/compose-*.ts`
 * (the ledger node, the wallet, the cameras, the API), and `start()` starts them in that order and
 * `stop()` stops them in reverse.
 */
import type { HttpsInfo, NodeInfo } from '../contract/node';
import type { RestRoute } from '../api/rest/types';
import type { Router } from '../api/router';
import type { Config } from '../config/schema';
import { nativeAvailable } from '../../native/index';
import type { WalletService } from '../wallet/wallet-service';
import { AccessService } from '../access/access-service';
import { AuditAnchorScheduler } from '../access/audit-anchoring';
import { AuditLog } from '../access/audit-log';
import { SalesService } from '../sales/sales-service';
import { SalesImportService } from '../sales/import/import-service';
import { workerPath } from '../platform/paths';
import { eventStoreComponent, nodeDatabase } from './app-components';
import { composeApi } from './compose-api';
import { composeConfiguredLedger } from './compose-ledger';
import type { LiveWatchers } from '../video/live/watchers';
import { composeSegmentPublisher, composeVideo } from './compose-video';
import { composeWallet } from './compose-wallet';
import { EventBus } from './events';
import { type Component, Lifecycle } from './lifecycle';
import type { Logger } from './logger';
import { NodeMetrics } from './metrics';
import { StatusService } from './status';
import { VERSION } from './version';

/** What the composition root needs from its host. */
export interface ComposeOptions {
  config: Config;
  host: 'electron' | 'headless';
  log: Logger;
  now?: () => number;
  /** The certificate the host's gateway serves HTTPS with (Settings shows its fingerprint). */
  https?: HttpsInfo;
}

/** The composed node: every service built, not yet started. */
export interface App {
  config: Config;
  log: Logger;
  bus: EventBus;
  router: Router;
  rest: RestRoute[];
  info: NodeInfo;
  /** People and sessions: the hosts ask it who a session token signs in. */
  access: AccessService;
  /** The node's live status (the gateway's `/readyz`). */
  status: StatusService;
  /** Prometheus metrics (the gateway's `/metrics`, which also times each request). */
  metrics: NodeMetrics;
  /** The store's wallet: the Electron host calls `wallet.onLockRequest('suspend' | 'lock-screen')` from powerMonitor. */
  wallet: WalletService;
  /** Who watches which camera live: the hosts count each window and `/ws` client here. */
  liveWatchers: LiveWatchers;
  /** Starts every service in order (hosts add themselves last, so they stop first). */
  start(extra?: Component[]): Promise<void>;
  /** Stops everything in reverse order; safe to call more than once. */
  stop(): Promise<void>;
}

/**
 * Builds every service in dependency order; `start()` starts them in that order and `stop()` stops
 * them in reverse.
 */
// eslint-disable-next-line max-lines-per-function -- the root lists what it builds and hands out, a line each
export function composeApp(opts: ComposeOptions): App {
  const { config, log } = opts;
  const now = opts.now ?? Date.now;
  const bus = new EventBus();
  const info = nodeInfo(opts, now());
  const nodeDb = nodeDatabase(config.dataDir);
  const node = composeConfiguredLedger(config, { log, bus, now });
  const status = new StatusService(
    { version: VERSION, pushIntervalMs: 1000 },
    { chain: node, network: node, bus, now },
  );
  const wallet = composeWallet(config, { bus, now, ledger: node });
  const video = composeVideo(config, { db: () => nodeDb.get(), bus, now, log, anchorer: node });
  const publisher = composeSegmentPublisher(config, { db: () => nodeDb.get(), node, now, log });
  const access = new AccessService({}, { db: () => nodeDb.get(), now });
  const audit = new AuditLog(() => nodeDb.get(), now);
  const auditAnchoring = new AuditAnchorScheduler(
    { everyMs: config.audit.anchorEveryMs },
    { audit, anchorer: node, log: log.child({ component: 'audit' }) },
  );
  const sales = new SalesService(
    {
      dataDir: config.dataDir,
      batchEveryMs: config.sales.batchEveryMs,
      writerFile: () => workerPath('sales-writer'),
    },
    {
      ledger: node,
      log: log.child({ component: 'sales' }),
      now,
      onAccepted: (count, lastTimeMs) => bus.emit('sales.accepted', { count, lastTimeMs }),
    },
  );
  const salesImport = new SalesImportService({ dataDir: config.dataDir }, { sales, ledger: node });
  const metrics = new NodeMetrics({
    status: () => status.status(),
    mempoolSize: () => node.mempoolSize,
    cameras: () => (config.video.enabled ? video.cameras() : []),
  });
  bus.on('chain.block', (b) => metrics.observeFinalized(b.timeMs, now()));
  const apiDeps = { status, info, node, wallet, video, access, audit, sales, salesImport, log, now };
  const { router, rest } = composeApi(config, apiDeps);
  const components: Component[] = [
    { name: 'node.db', service: nodeDb },
    { name: 'access', service: access },
    {
      name: 'event-store',
      service: eventStoreComponent(() => nodeDb.get(), { version: VERSION, host: opts.host }, now),
    },
    { name: 'ledger', service: node },
    // After the ledger, so they stop first: their last transactions at stop still reach a running node.
    { name: 'audit-anchoring', service: auditAnchoring },
    { name: 'sales', service: sales },
    { name: 'status', service: status },
    { name: 'wallet', service: wallet },
    ...(config.video.enabled ? [{ name: 'video', service: video }] : []),
    // After the ledger (Helia runs on its libp2p); reads segments from node.db, whether or not cameras run.
    ...(publisher ? [{ name: 'video-publish', service: publisher }] : []),
  ];
  let lifecycle: Lifecycle | undefined;
  return {
    config,
    log,
    bus,
    router,
    rest,
    info,
    access,
    status,
    metrics,
    wallet,
    liveWatchers: video.liveWatchers,
    async start(extra = []) {
      lifecycle = new Lifecycle([...components, ...extra], {
        info: (o, m) => log.info(o, m),
        error: (o, m) => log.error(o, m),
      });
      await lifecycle.start();
    },
    async stop() {
      await lifecycle?.stop();
    },
  };
}

/** What the node says about itself (`node.info`). */
function nodeInfo(opts: ComposeOptions, startedAtMs: number): NodeInfo {
  return {
    version: VERSION,
    host: opts.host,
    dataDir: opts.config.dataDir,
    startedAtMs,
    nativeKernels: nativeAvailable(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    https: opts.https ?? null,
  };
}
