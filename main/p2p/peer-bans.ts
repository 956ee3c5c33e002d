/**
 * When the libp2p network penalizes a peer, bans it, and refuses it a connection: the glue between
 * our score book (`peer-scores.ts`), gossipsub's own peer score, the chain's list of peers allowed
 * to connect (franchise nodes: genesis `peerIds` and `peer-register` transactions) and the open
 * connections.
 */
import type { GossipSub } from './gossip';
import type { P2pLog } from './types';
import type { Offence, PeerScoreBook } from './peer-scores';
import type { PeerRecords } from './peer-records';

/** What the ban glue needs from the network. */
export interface PeerBansDeps {
  book: PeerScoreBook;
  records: PeerRecords;
  log: P2pLog;
  now: () => number;
  /** gossipsub score at or below which a peer is banned like an application-score ban. */
  gossipBanScore: number;
  /** gossipsub while the network runs. */
  pubsub(): Pick<GossipSub, 'getScore'> | undefined;
  /** Ids of the connected peers (empty when the network is not running). */
  connectedIds(): string[];
  /** Closes every connection to the peer (nothing when not running; never throws). */
  hangUp(peerId: string): Promise<void>;
  /** Tells the peer-status listeners that the peer changed. */
  emit(peerId: string): void;
  /** Whether the peer may connect at all (a franchise node); absent: every peer may. */
  allowed?: (peerId: string) => boolean;
}

/**
 * Penalties and bans of peers, and the connection gater's verdict.
 *
 * @example
 * const bans = new PeerBans({ book, records, log, now, gossipBanScore: -100, pubsub, connectedIds, hangUp, emit });
 * bans.penalize(peerId, 'bad-status', 'message is not UTF-8 JSON');
 */
export class PeerBans {
  constructor(private readonly deps: PeerBansDeps) {}

  /** True unless the chain names which peers may connect and this one is not among them. */
  isAllowed(id: string): boolean {
    return this.deps.allowed?.(id) ?? true;
  }

  /** True when the peer must not be connected: not allowed on this chain, banned, or known to be on another chain. */
  isBlocked(id: string): boolean {
    if (this.deps.allowed && !this.deps.allowed(id)) return true;
    const now = this.deps.now();
    if (this.deps.book.isBanned(id, now)) return true;
    return this.deps.records.isForeign(id, now);
  }

  /** Subtracts the offence's penalty from the peer's score; a peer that falls to the threshold is banned. */
  penalize(peerId: string, offence: Offence, reason: string): void {
    const r = this.deps.book.penalize(peerId, offence, reason, this.deps.now());
    this.deps.log.debug({ peer: peerId, offence, reason, score: r.score }, 'peer penalized');
    if (r.banned) void this.enforceBan(peerId);
  }

  /** Bans every connected peer whose gossipsub score fell to `gossipBanScore` (run every second). */
  checkGossipScores(): void {
    const gs = this.deps.pubsub();
    if (!gs) return;
    const { book, now } = this.deps;
    for (const id of this.deps.connectedIds()) {
      const s = gs.getScore(id);
      if (s <= this.deps.gossipBanScore && !book.isBanned(id, now())) {
        book.ban(id, `gossipsub score ${s.toFixed(1)}`, now());
        void this.enforceBan(id);
      }
    }
  }

  /** Hangs up on every connected peer that is no longer allowed (e.g. HQ retired its peer id). */
  dropDisallowed(): void {
    const allowed = this.deps.allowed;
    if (!allowed) return;
    for (const id of this.deps.connectedIds()) {
      if (allowed(id)) continue;
      this.deps.log.info({ peer: id }, 'peer is not allowed on this chain any more; disconnected');
      void this.deps.hangUp(id).then(() => this.deps.emit(id));
    }
  }

  private async enforceBan(peerId: string): Promise<void> {
    const rec = this.deps.records.get(peerId);
    if (rec) this.deps.records.cancelRedial(rec);
    this.deps.log.warn(
      {
        peer: peerId,
        until: this.deps.book.bannedUntil(peerId, this.deps.now()),
        reason: this.deps.book.lastReason(peerId),
      },
      'peer banned',
    );
    await this.deps.hangUp(peerId);
    this.deps.emit(peerId);
  }
}
