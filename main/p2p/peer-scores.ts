/**
 * Our application score of each peer, and the ban list. No I/O: time comes in as `nowMs`.
 *
 * Each offence subtracts a fixed penalty; the score decays back toward 0 with a half-life, so a
 * peer that made one mistake an hour ago is forgiven while a peer that keeps sending garbage falls
 * below the ban threshold quickly. A banned peer stays banned for `banMs`, doubled for each earlier
 * ban (capped at `maxBanMs`), and starts from a clean score afterwards.
 */

/** Everything a peer can be penalized for, with its penalty (points subtracted). */
export const OFFENCE_PENALTY = {
  /** A gossip message the handler rejected (undecodable, bad signature, another chain's). */
  'invalid-message': 10,
  /** A gossip message over its topic's size limit. */
  'oversized-message': 25,
  /** A synced block that did not verify (reported by the driver). */
  'invalid-block': 50,
  /** A state snapshot, or headers proving one, that did not verify (reported by the node). */
  'invalid-snapshot': 50,
  /** A sync response that broke the protocol (too many blocks, too many bytes, bad framing). */
  'sync-protocol': 25,
  /** A status message that could not be decoded. */
  'bad-status': 25,
  /** A response that was valid but useless (e.g. blocks we did not ask for). */
  'useless-response': 5,
} as const;

/** An offence name. */
export type Offence = keyof typeof OFFENCE_PENALTY;

/** Tuning of the score book. */
export interface PeerScoreOptions {
  /** At or below this score a peer is banned (default −100). */
  banThreshold: number;
  /** First ban length, ms (default 10 minutes). */
  banMs: number;
  /** Longest ban, ms (default 24 hours). */
  maxBanMs: number;
  /** Half-life of penalties, ms (default 10 minutes). */
  halfLifeMs: number;
}

/** Defaults for production. */
export const DEFAULT_PEER_SCORE_OPTIONS: Readonly<PeerScoreOptions> = {
  banThreshold: -100,
  banMs: 10 * 60_000,
  maxBanMs: 24 * 3_600_000,
  halfLifeMs: 10 * 60_000,
};

interface Entry {
  score: number;
  atMs: number;
  bannedUntilMs: number | null;
  bans: number;
  lastReason: string | null;
}

/** What `penalize` did. */
export interface PenaltyResult {
  score: number;
  /** True when this penalty crossed the threshold and started a ban. */
  banned: boolean;
  bannedUntilMs: number | null;
}

/**
 * Application scores and bans.
 *
 * @example
 * const book = new PeerScoreBook();
 * const r = book.penalize(peerId, 'invalid-message', 'bad signature', Date.now());
 * if (r.banned) await libp2p.hangUp(peerId);
 */
export class PeerScoreBook {
  private readonly entries = new Map<string, Entry>();
  readonly options: PeerScoreOptions;

  constructor(options: Partial<PeerScoreOptions> = {}) {
    this.options = { ...DEFAULT_PEER_SCORE_OPTIONS, ...options };
  }

  /** The peer's current (decayed) score; 0 for a peer we know nothing bad about. */
  score(peerId: string, nowMs: number): number {
    const e = this.entries.get(peerId);
    if (e === undefined) return 0;
    this.decay(e, nowMs);
    return e.score;
  }

  /** Subtracts the offence's penalty; bans the peer when the score reaches the threshold. */
  penalize(peerId: string, offence: Offence, reason: string, nowMs: number): PenaltyResult {
    const e = this.entry(peerId, nowMs);
    if (this.isBanned(peerId, nowMs))
      return { score: e.score, banned: false, bannedUntilMs: e.bannedUntilMs };
    this.decay(e, nowMs);
    e.score -= OFFENCE_PENALTY[offence];
    e.lastReason = `${offence}: ${reason}`;
    if (e.score <= this.options.banThreshold) {
      const until = this.ban(peerId, e.lastReason, nowMs);
      return { score: e.score, banned: true, bannedUntilMs: until };
    }
    return { score: e.score, banned: false, bannedUntilMs: null };
  }

  /** Bans a peer now (e.g. it spoke for another chain); returns when the ban ends. */
  ban(peerId: string, reason: string, nowMs: number): number {
    const e = this.entry(peerId, nowMs);
    const ms = Math.min(this.options.maxBanMs, this.options.banMs * 2 ** e.bans);
    e.bans += 1;
    e.bannedUntilMs = nowMs + ms;
    e.lastReason = reason;
    return e.bannedUntilMs;
  }

  /** True while the peer's ban lasts. An expired ban is lifted and the score reset to 0. */
  isBanned(peerId: string, nowMs: number): boolean {
    const e = this.entries.get(peerId);
    if (e?.bannedUntilMs == null) return false;
    if (nowMs < e.bannedUntilMs) return true;
    e.bannedUntilMs = null;
    e.score = 0;
    e.atMs = nowMs;
    return false;
  }

  /** When the peer's ban ends, or null when it is not banned. */
  bannedUntil(peerId: string, nowMs: number): number | null {
    return this.isBanned(peerId, nowMs) ? (this.entries.get(peerId)?.bannedUntilMs ?? null) : null;
  }

  /** The reason of the last penalty or ban, for the log and the UI. */
  lastReason(peerId: string): string | null {
    return this.entries.get(peerId)?.lastReason ?? null;
  }

  /** Peers currently banned. */
  banned(nowMs: number): string[] {
    return [...this.entries.keys()].filter((id) => this.isBanned(id, nowMs));
  }

  private entry(peerId: string, nowMs: number): Entry {
    let e = this.entries.get(peerId);
    if (e === undefined) {
      e = { score: 0, atMs: nowMs, bannedUntilMs: null, bans: 0, lastReason: null };
      this.entries.set(peerId, e);
    }
    return e;
  }

  private decay(e: Entry, nowMs: number): void {
    const dt = nowMs - e.atMs;
    if (dt > 0) {
      e.score *= 0.5 ** (dt / this.options.halfLifeMs);
      if (Math.abs(e.score) < 1e-3) e.score = 0;
      e.atMs = nowMs;
    }
  }
}

/** Exponential backoff tuning for redials. */
export interface BackoffOptions {
  /** First delay, ms (default 1 s). */
  baseMs: number;
  /** Largest delay, ms (default 60 s). */
  maxMs: number;
  /** Growth per failed attempt (default 2). */
  factor: number;
  /** Random spread, as a fraction of the delay (default 0.2 → ±20 %), so peers do not redial in lockstep. */
  jitter: number;
}

/** Defaults for redials. */
export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = {
  baseMs: 1_000,
  maxMs: 60_000,
  factor: 2,
  jitter: 0.2,
};

/**
 * Delay before redial attempt `attempt` (0 = the first retry). `random` is a number in [0, 1).
 *
 * @example backoffDelayMs(3, DEFAULT_BACKOFF, Math.random()) // about 8 s
 */
export function backoffDelayMs(attempt: number, o: BackoffOptions, random: number): number {
  const raw = Math.min(o.maxMs, o.baseMs * o.factor ** Math.max(0, attempt));
  const spread = raw * o.jitter * (2 * random - 1);
  return Math.max(0, Math.round(Math.min(o.maxMs, raw + spread)));
}

/**
 * The peers to sync from, best first: connected, past the status handshake and not banned; then the
 * highest reported head, the best score, the lowest measured latency (unmeasured last).
 */
export function rankPeersForSync<
  P extends {
    connected: boolean;
    status: { height: number } | null;
    bannedUntilMs: number | null;
    score: number;
    latencyMs: number | null;
  },
>(peers: readonly P[]): P[] {
  return peers
    .filter((p) => p.connected && p.status !== null && p.bannedUntilMs === null)
    .sort(
      (a, b) =>
        (b.status?.height ?? 0) - (a.status?.height ?? 0) ||
        b.score - a.score ||
        (a.latencyMs ?? Infinity) - (b.latencyMs ?? Infinity),
    );
}
