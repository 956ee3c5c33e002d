import { join } from 'node:path';
import type { NodeInfo } from '../api/contract/node';
import { nodeHandlers } from '../api/handlers/node';
import { walletHandlers } from '../api/handlers/wallet';
import { chainHandlers } from '../api/handlers/chain';
import { networkHandlers } from '../api/handlers/network';
import { restRoutes } from '../api/rest/index';
import { NodeService } from '../node/node-service';
import type { RestRoute } from '../api/rest/types';
import { type AllHandlers, Router } from '../api/router';
import type { Config } from '../config/schema';
import { type Db, openDatabase } from '../store/db';
import { EVENT_STORE_MIGRATIONS, EventStore } from '../store/event-store';
import { nativeAvailable } from '../../native/index';
import { EventBus } from './events';
import { type Component, Lifecycle } from './lifecycle';
import type { Startable } from '../common/startable';
import type { Logger } from './logger';
import { StatusService } from './status';
import type { Handlers, MethodTable } from '../api/contract';
import { videoMethods } from '../api/contract/video';
import { ApiError } from '../api/errors';
import { VERSION } from './version';
import { randomBytes } from 'node:crypto';
import { WorkerKdfRunner } from '../wallet/kdf-runner';
import { chainTransferCodec } from '../wallet/signer';
import { WalletService } from '../wallet/wallet-service';
import { workerPath } from '../platform/paths';
import { videoHandlers } from '../api/handlers/video';
import { VIDEO_MIGRATIONS } from '../video/record/video-db';
import { defaultVideoOptions, VideoService } from '../video/service';

/** What the composition root needs from its host. */
export interface ComposeOptions {
  config: Config;
  host: 'electron' | 'headless';
  log: Logger;
  now?: () => number;
}

/** The composed node: every service built, not yet started. */
export interface App {
  config: Config;
  log: Logger;
  bus: EventBus;
  router: Router;
  rest: RestRoute[];
  info: NodeInfo;
  /** The store's wallet: the Electron host calls `wallet.onLockRequest('suspend' | 'lock-screen')` from powerMonitor. */
  wallet: WalletService;
  /** Starts every service in order (hosts add themselves last, so they stop first). */
  start(extra?: Component[]): Promise<void>;
  /** Stops everything in reverse order; safe to call more than once. */
  stop(): Promise<void>;
}

/** A database as a lifecycle component: opened at start, closed (checkpointed) at stop. */
class DatabaseComponent implements Startable {
  db: Db | undefined;
  constructor(private readonly open: () => Db) {}
  async start(): Promise<void> {
    this.db = this.open();
  }
  async stop(): Promise<void> {
    if (this.db?.open) {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
      this.db.close();
    }
  }
  get(): Db {
    if (!this.db) throw new Error('database used before start');
    return this.db;
  }
}

/** Handlers for every method of a domain that is switched off in the configuration. */
function disabledHandlers<T extends MethodTable>(table: T, what: string, key: string): Handlers<T> {
  const fail = async () => {
    throw new ApiError('DISABLED', `${what} is switched off on this node (config key "${key}")`, { key });
  };
  return Object.fromEntries(Object.keys(table).map((m) => [m, fail])) as unknown as Handlers<T>;
}

/**
 * The composition root: the only place that knows every concrete service. Builds them in
 * dependency order; `start()` starts them in that order and `stop()` stops them in reverse.
 */
export function composeApp(opts: ComposeOptions): App {
  const { config, log } = opts;
  const now = opts.now ?? Date.now;
  const bus = new EventBus();
  const info: NodeInfo = {
    version: VERSION,
    host: opts.host,
    dataDir: config.dataDir,
    startedAtMs: now(),
    nativeKernels: nativeAvailable(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };

  const nodeDb = new DatabaseComponent(() =>
    openDatabase(join(config.dataDir, 'node.db'), {
      synchronous: 'NORMAL',
      migrations: [...EVENT_STORE_MIGRATIONS, ...VIDEO_MIGRATIONS],
    }),
  );
  let events: EventStore | undefined;
  // The ledger node: makes a development chain in an empty data dir, then runs consensus, sync and libp2p.
  const node = new NodeService(
    {
      dataDir: config.dataDir,
      network: config.network,
      autoInitDevChain: true,
      ...(config.franchiseId ? { franchiseId: config.franchiseId } : {}),
    },
    { log: log.child({ component: 'node' }), bus, now },
  );
  const status = new StatusService(
    { version: VERSION, pushIntervalMs: 1000 },
    { chain: node, network: node, bus, now },
  );

  // The wallet reads balances/history and submits transfers through the ledger node (NodeService implements WalletLedger).
  const wallet = new WalletService(
    { dataDir: config.dataDir, autoLockMs: config.wallet.autoLockMinutes * 60_000 },
    {
      kdf: new WorkerKdfRunner({ workerFile: () => workerPath('kdf') }),
      random: (n) => new Uint8Array(randomBytes(n)),
      now,
      timers: {
        setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
        clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
      },
      emit: (e) => bus.emit(e.name, e.payload),
      tx: chainTransferCodec,
      ledger: node,
    },
  );

  // Cameras: capture workers with on-device anonymization; closed segments are anchored on the chain by the node
  // (under config.franchiseId; until it is set, they stay 'pending' and the anchoring error says why).
  const videoDefaults = defaultVideoOptions(config.dataDir, {
    capture: () => workerPath('capture'),
    detector: () => workerPath('detector'),
  });
  const videoOptions = {
    ...videoDefaults,
    segmentMs: config.video.segmentSeconds * 1000,
    retention: {
      ...videoDefaults.retention,
      maxAgeMs: config.video.retentionDays * 86_400_000,
      minFreeBytes: config.video.minFreeBytes,
    },
  };
  const video = new VideoService(videoOptions, {
    db: () => nodeDb.get(),
    emit: (e) => bus.emit(e.name, e.payload),
    nowMs: now,
    log: log.child({ component: 'video' }),
    anchorer: node,
  });

  const handlers: AllHandlers = {
    ...nodeHandlers({ status, info, dataDir: config.dataDir }),
    ...walletHandlers({ wallet }),
    ...(config.video.enabled
      ? videoHandlers({ video })
      : disabledHandlers(videoMethods, 'video', 'video.enabled')),
    ...chainHandlers({ node }),
    ...networkHandlers({
      // The network exists once the ledger node has started (it needs the chain id from genesis).
      network: {
        peers: () => node.network.peers(),
        addPeer: (m) => node.network.addPeer(m),
        listenAddresses: () => node.network.listenAddresses(),
        get peerId() {
          return node.network.peerId;
        },
      },
    }),
  };
  const router = new Router(handlers);
  const rest: RestRoute[] = [...restRoutes];

  const components: Component[] = [
    { name: 'node.db', service: nodeDb },
    {
      name: 'event-store',
      service: {
        start: async () => {
          events = new EventStore(nodeDb.get(), now);
          events.append('node', 'started', { version: VERSION, host: opts.host });
        },
        stop: async () => {
          events?.append('node', 'stopped', {});
        },
      },
    },
    { name: 'ledger', service: node },
    { name: 'status', service: status },
    { name: 'wallet', service: wallet },
    ...(config.video.enabled ? [{ name: 'video', service: video }] : []),
  ];
  let lifecycle: Lifecycle | undefined;

  return {
    config,
    log,
    bus,
    router,
    rest,
    info,
    wallet,
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
