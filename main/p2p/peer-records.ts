/**
 * What the libp2p network remembers about each peer it has met: how it came to know it, where to
 * dial it, its last status and latency, its redial state, and whether it turned out to be on another
 * chain. The parts of the network (discovery, status, bans, views) share one `PeerRecords`.
 */
import type { Multiaddr } from '@multiformats/multiaddr';
import type { PeerChainStatus, PeerSource } from './types';

/** One peer as the network remembers it. */
export interface PeerRecord {
  id: string;
  source: PeerSource;
  /** Addresses to dial (without /p2p); empty → dial by peer id through the peer store. */
  dialAddrs: Multiaddr[];
  /** Static and manual peers are redialed forever. */
  keep: boolean;
  latencyMs: number | null;
  status: PeerChainStatus | null;
  redialAttempt: number;
  redialTimer: NodeJS.Timeout | undefined;
  /** The peer does not speak our chain's protocols: not redialed, inbound refused until then. */
  foreignUntilMs: number | null;
  /** Last time it was connected, discovered or added (ms since the epoch). */
  lastSeenMs: number;
}

/**
 * The records of every peer we know, by peer id.
 *
 * @example
 * const records = new PeerRecords(Date.now);
 * records.record(id, 'mdns').dialAddrs = addrs;
 */
export class PeerRecords {
  private readonly byId = new Map<string, PeerRecord>();

  constructor(private readonly now: () => number) {}

  /** The record of a peer, or undefined when we never met it (or forgot it). */
  get(id: string): PeerRecord | undefined {
    return this.byId.get(id);
  }

  /** The ids of every remembered peer. */
  ids(): IterableIterator<string> {
    return this.byId.keys();
  }

  /** The record of a peer, made with `source` when new; either way it is marked seen now. */
  record(id: string, source: PeerSource): PeerRecord {
    let r = this.byId.get(id);
    if (!r) {
      r = {
        id,
        source,
        dialAddrs: [],
        keep: false,
        latencyMs: null,
        status: null,
        redialAttempt: 0,
        redialTimer: undefined,
        foreignUntilMs: null,
        lastSeenMs: this.now(),
      };
      this.byId.set(id, r);
    }
    r.lastSeenMs = this.now();
    return r;
  }

  /** True while the peer is known to be on another chain (see the status exchange's dropForeign). */
  isForeign(id: string, nowMs: number): boolean {
    const f = this.byId.get(id)?.foreignUntilMs;
    return f != null && nowMs < f;
  }

  /** Cancels a pending redial of the peer, if any. */
  cancelRedial(rec: PeerRecord): void {
    clearTimeout(rec.redialTimer);
    rec.redialTimer = undefined;
  }

  /** Cancels every pending redial (on stop). */
  cancelAllRedials(): void {
    for (const r of this.byId.values()) clearTimeout(r.redialTimer);
  }

  /**
   * Forgets peers not seen for `forgetAfterMs` that we would not redial anyway: not connected, not
   * static or manual, not banned, no redial pending. Keeps `peers()` (and memory) from growing with
   * every laptop that ever passed through the LAN.
   */
  prune(
    connected: Set<string>,
    forgetAfterMs: number,
    isBanned: (id: string, nowMs: number) => boolean,
  ): void {
    const now = this.now();
    for (const [id, r] of this.byId) {
      if (connected.has(id) || r.keep || r.redialTimer || isBanned(id, now)) continue;
      if (r.foreignUntilMs !== null && now < r.foreignUntilMs) continue;
      if (now - r.lastSeenMs > forgetAfterMs) this.byId.delete(id);
    }
  }
}
