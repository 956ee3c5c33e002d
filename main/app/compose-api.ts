/**
 * How the API is composed: the handlers of every contract domain bound to the services (a domain
 * switched off in the configuration answers `DISABLED`), the router over them, and the REST routes.
 */
import type { Handlers, MethodTable } from '../contract';
import type { NodeInfo } from '../contract/node';
import { videoMethods } from '../contract/video';
import { ApiError } from '../api/errors';
import { auditHandlers } from '../api/handlers/audit';
import { authHandlers } from '../api/handlers/auth';
import { keysHandlers } from '../api/handlers/keys';
import { chainHandlers } from '../api/handlers/chain';
import { franchiseHandlers } from '../api/handlers/franchise';
import { networkHandlers } from '../api/handlers/network';
import { nodeHandlers } from '../api/handlers/node';
import { salesHandlers } from '../api/handlers/sales';
import { loyaltyHandlers } from '../api/handlers/loyalty';
import { salesImportHandlers } from '../api/handlers/sales-import';
import { videoHandlers } from '../api/handlers/video';
import { walletHandlers } from '../api/handlers/wallet';
import { restRoutes } from '../api/rest/index';
import type { RestRoute } from '../api/rest/types';
import { type AllHandlers, Router } from '../api/router';
import type { Config } from '../config/schema';
import type { AccessService } from '../access/access-service';
import type { AuditLog } from '../access/audit-log';
import type { Logger } from './logger';
import type { NodeService } from '../node/node-service';
import type { SalesService } from '../sales/sales-service';
import type { SalesImportService } from '../sales/import/import-service';
import type { VideoService } from '../video/service';
import type { WalletService } from '../wallet/wallet-service';
import type { StatusService } from './status';

/** The services the API calls. */
export interface ApiCompositionDeps {
  status: StatusService;
  info: NodeInfo;
  node: NodeService;
  wallet: WalletService;
  video: VideoService;
  access: AccessService;
  audit: AuditLog;
  sales: SalesService;
  salesImport: SalesImportService;
  log: Logger;
  now: () => number;
}

/** Handlers for every method of a domain that is switched off in the configuration. */
function disabledHandlers<T extends MethodTable>(table: T, what: string, key: string): Handlers<T> {
  const fail = async () => {
    throw new ApiError('DISABLED', `${what} is switched off on this node (config key "${key}")`, { key });
  };
  return Object.fromEntries(Object.keys(table).map((m) => [m, fail])) as unknown as Handlers<T>;
}

/**
 * The router (IPC, `/rpc`, REST all go through it) and the public REST routes.
 *
 * @example const { router, rest } = composeApi(config, { status, info, node, wallet, video, access, audit, sales, salesImport, log, now });
 */
export function composeApi(config: Config, deps: ApiCompositionDeps): { router: Router; rest: RestRoute[] } {
  const { node } = deps;
  const handlers: AllHandlers = {
    ...authHandlers({ access: deps.access }),
    ...auditHandlers({ audit: deps.audit, anchorer: node }),
    ...keysHandlers({ access: deps.access }),
    ...nodeHandlers({ status: deps.status, info: deps.info, dataDir: config.dataDir }),
    ...walletHandlers({ wallet: deps.wallet }),
    ...(config.video.enabled
      ? videoHandlers({ video: deps.video })
      : disabledHandlers(videoMethods, 'video', 'video.enabled')),
    ...chainHandlers({ node }),
    ...salesHandlers({ sales: deps.sales }),
    ...loyaltyHandlers({ sales: deps.sales }),
    // The registry exists once the ledger node has started (it needs the open store and the key).
    ...franchiseHandlers({ registry: () => node.franchises }),
    ...salesImportHandlers({ imports: deps.salesImport }),
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
  const recordAct = (call: Parameters<AuditLog['append']>[0]) => {
    try {
      deps.audit.append(call);
    } catch (err) {
      deps.log.error({ err, action: call.action }, 'the audit log could not record an act');
    }
  };
  return { router: new Router(handlers, deps.now, recordAct), rest: [...restRoutes] };
}
