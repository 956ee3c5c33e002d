/**
 * What the driver and the UI see of each peer (`PeerView`: connection, latency, combined score,
 * status, ban), and who is told when one changes (`onPeerStatus` listeners).
 */
import type { Libp2p } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { started } from './errors';
import type { GossipSub } from './gossip';
import type { PeerRecords } from './peer-records';
import { rankPeersForSync, type PeerScoreBook } from './peer-scores';
import type { P2pLog, PeerView } from './types';

/** What the peer views need from the network. */
export interface PeerViewsDeps {
  records: PeerRecords;
  book: Pick<PeerScoreBook, 'score' | 'bannedUntil'>;
  log: P2pLog;
  now: () => number;
  /** The libp2p node while the network runs. */
  node(): Pick<Libp2p, 'getConnections'> | undefined;
  /** gossipsub while the network runs. */
  pubsub(): Pick<GossipSub, 'getScore' | 'getPeers'> | undefined;
  /** Ids of the connected peers (empty when the network is not running). */
  connectedIds(): string[];
}

/**
 * Peer views and the listeners of their changes.
 *
 * @example
 * const views = new PeerViews({ records, book, log, now, node, pubsub, connectedIds });
 * views.onPeerStatus((p) => console.log(p.id, p.status?.height));
 * views.emit(peerId);
 */
export class PeerViews {
  private readonly listeners = new Set<(p: PeerView) => void>();

  constructor(private readonly deps: PeerViewsDeps) {}

  /** See `NodeNetwork.peers`. */
  peers(): PeerView[] {
    if (!this.deps.node()) return [];
    const ids = new Set([...this.deps.records.ids(), ...this.deps.connectedIds()]);
    return [...ids].map((id) => this.view(id));
  }

  /** See `NodeNetwork.peerCount`. */
  peerCount(): number {
    return this.peers().filter((p) => p.connected && p.status !== null).length;
  }

  /** See `NodeNetwork.bestPeers`. */
  bestPeers(): PeerView[] {
    return rankPeersForSync(this.peers());
  }

  /** See `NodeNetwork.onPeerStatus`. */
  onPeerStatus(handler: (peer: PeerView) => void): () => void {
    this.listeners.add(handler);
    return () => this.listeners.delete(handler);
  }

  /** One peer as it is now. Throws `NOT_STARTED` when the network is not running. */
  view(id: string): PeerView {
    const node = started(this.deps.node());
    const { book, records } = this.deps;
    const now = this.deps.now();
    const rec = records.get(id);
    const conns = node.getConnections(peerIdFromString(id));
    const conn = conns[0];
    const connected = conn !== undefined;
    const gs = this.deps.pubsub();
    return {
      id,
      address: conn?.remoteAddr.toString() ?? rec?.dialAddrs[0]?.toString() ?? null,
      source: rec?.source ?? 'inbound',
      connected,
      latencyMs: rec?.latencyMs ?? null,
      // gossipsub's score already includes ours (appSpecificWeight 1); peers it does not know get ours alone
      score: connected && gs && this.gossipKnows(id) ? gs.getScore(id) : book.score(id, now),
      connectedSinceMs: conn ? Math.min(...conns.map((c) => c.timeline.open)) : null,
      status: rec?.status ?? null,
      bannedUntilMs: book.bannedUntil(id, now),
    };
  }

  /** Tells every listener how the peer looks now (nothing when the network is not running). */
  emit(id: string): void {
    if (!this.deps.node() || this.listeners.size === 0) return;
    const v = this.view(id);
    for (const l of this.listeners) {
      try {
        l(v);
      } catch (err) {
        this.deps.log.warn({ err: (err as Error).message }, 'peer status listener threw');
      }
    }
  }

  private gossipKnows(id: string): boolean {
    return (
      this.deps
        .pubsub()
        ?.getPeers()
        .some((p) => p.toString() === id) ?? false
    );
  }
}
