import type { Handlers } from '../../contract';
import type { franchiseMethods } from '../../contract/franchise';
import type { FranchiseRegistry } from '../../node/franchise-registry';

/** What the franchise handlers use: HQ's registry, which exists once the ledger node has started. */
export interface FranchiseHandlersDeps {
  registry: () => Pick<FranchiseRegistry, 'list' | 'get' | 'register' | 'update' | 'registerPeer'>;
}

/** Handlers of `franchise.*`. */
export function franchiseHandlers({ registry }: FranchiseHandlersDeps): Handlers<typeof franchiseMethods> {
  return {
    'franchise.list': async (opts) => registry().list(opts),
    'franchise.get': async ({ id }) => registry().get(id),
    'franchise.register': async (input) => registry().register(input),
    'franchise.update': async (input) => registry().update(input),
    'franchise.registerPeer': async (input) => registry().registerPeer(input),
  };
}
