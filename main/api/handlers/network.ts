import type { Handlers } from '../../contract';
import type { networkMethods, PeerInfo } from '../../contract/network';
import type { NodeNetwork, PeerView } from '../../p2p/types';

/** What the `network.*` handlers use. */
export interface NetworkHandlersDeps {
  network: Pick<NodeNetwork, 'peers' | 'addPeer' | 'listenAddresses' | 'peerId'>;
}

/** The contract's view of a peer (the UI's Network page). */
export function toPeerInfo(p: PeerView): PeerInfo {
  return {
    id: p.id,
    address: p.address,
    source: p.source,
    connected: p.connected,
    latencyMs: p.latencyMs,
    score: Math.round(p.score * 100) / 100,
    height: p.status?.height ?? null,
    bannedUntilMs: p.bannedUntilMs,
  };
}

/**
 * Handlers of the `network.*` methods. `network.addPeer` fails with the network's typed errors
 * (`BAD_MULTIADDR`, `PEER_BANNED`, `DIAL_FAILED`, `WRONG_CHAIN`), which the router passes on as data.
 */
export function networkHandlers(deps: NetworkHandlersDeps): Handlers<typeof networkMethods> {
  return {
    'network.peers': async () => deps.network.peers().map(toPeerInfo),
    'network.addPeer': async ({ multiaddr }) => toPeerInfo(await deps.network.addPeer(multiaddr)),
    'network.addresses': async () => ({
      peerId: deps.network.peerId,
      addresses: deps.network.listenAddresses(),
    }),
  };
}
