import { P2pError } from './errors';
import { PeerScoreBook, rankPeersForSync, type Offence, type PeerScoreOptions } from './peer-scores';
import {
  DEFAULT_SNAPSHOT_LIMITS,
  SnapshotServing,
  checkQuery,
  maxFramesFor,
  refusalError,
  type SnapshotLimits,
} from './snapshot-protocol';
import {
  DEFAULT_TOPIC_LIMITS,
  type BlockProvider,
  type FetchOptions,
  type GossipHandler,
  type GossipTopic,
  type LocalStatus,
  type NodeNetwork,
  type PeerOffence,
  type PeerView,
  type SnapshotProvider,
  type SnapshotQuery,
  type TopicLimits,
} from './types';
import { encodeJson } from './wire';

/** Options of an in-process network. */
export interface MemoryHubOptions {
  /** One-way delay of every message and sync response, ms, or a function of (from, to). Default 0. */
  delayMs?: number | ((from: string, to: string) => number);
  topicLimits?: Partial<TopicLimits>;
  scores?: Partial<PeerScoreOptions>;
  /** Largest number of blocks one `fetchBlocks` returns (default 512, as the libp2p network). */
  maxBlocksPerRequest?: number;
  /** Clock (default `Date.now`). */
  now?: () => number;
  /** Limits of the snapshot protocol (as the libp2p network's; each one left out keeps its default). */
  snapshot?: Partial<SnapshotLimits>;
}

/**
 * An in-process network: a hub that connects N `MemoryNetwork` nodes, all to all, with an optional
 * delay. It behaves like the libp2p network where the driver can tell (per-topic size limits,
 * handler verdicts, penalties and bans, chain separation, sync limits, status exchange), but there is
 * no mesh: every message goes straight from the publisher to every other node, so there is no
 * forwarding. Links can be cut to simulate partitions.
 *
 * @example
 * const hub = new MemoryHub({ delayMs: 5 });
 * const [a, b] = [hub.node('a', 'hotpot-test'), hub.node('b', 'hotpot-test')];
 * await Promise.all([a.start(), b.start()]);
 * b.onMessage('tx', async (bytes) => 'accept');
 * await a.publish('tx', bytes);
 */
export class MemoryHub {
  readonly nodes = new Map<string, MemoryNetwork>();
  private readonly cut = new Set<string>();
  readonly limits: TopicLimits;
  readonly snapshotLimits: SnapshotLimits;
  readonly now: () => number;

  constructor(readonly options: MemoryHubOptions = {}) {
    this.limits = { ...DEFAULT_TOPIC_LIMITS, ...options.topicLimits };
    this.snapshotLimits = { ...DEFAULT_SNAPSHOT_LIMITS, ...options.snapshot };
    this.now = options.now ?? Date.now;
  }

  /** Makes a node (not started) with the given peer id on `chainId`. */
  node(peerId: string, chainId: string): MemoryNetwork {
    if (this.nodes.has(peerId))
      throw new P2pError('BAD_CONFIG', `a memory node named ${peerId} exists already (pick another id)`, {
        peerId,
      });
    const n = new MemoryNetwork(this, peerId, chainId);
    this.nodes.set(peerId, n);
    return n;
  }

  /** Cuts or restores the link between two nodes (both directions). */
  setLink(a: string, b: string, up: boolean): void {
    const key = [a, b].sort().join('\u0000');
    if (up) this.cut.delete(key);
    else this.cut.add(key);
    for (const id of [a, b]) this.nodes.get(id)?.notifyAll();
  }

  /** Splits the nodes into groups that cannot reach each other; `heal()` undoes it. */
  partition(groups: string[][]): void {
    const groupOf = new Map<string, number>();
    groups.forEach((g, i) => g.forEach((id) => groupOf.set(id, i)));
    const ids = [...this.nodes.keys()];
    for (const a of ids)
      for (const b of ids) if (a < b) this.setLink(a, b, groupOf.get(a) === groupOf.get(b));
  }

  /** Restores every link. */
  heal(): void {
    this.cut.clear();
    for (const n of this.nodes.values()) n.notifyAll();
  }

  /** True when `a` and `b` are both started, on the same chain and linked. */
  linked(a: string, b: string): boolean {
    const na = this.nodes.get(a);
    const nb = this.nodes.get(b);
    if (!na || !nb || a === b || !na.running || !nb.running || na.chainId !== nb.chainId) return false;
    return !this.cut.has([a, b].sort().join('\u0000'));
  }

  /** One-way delay from `a` to `b`, ms. */
  delay(a: string, b: string): number {
    const d = this.options.delayMs ?? 0;
    return typeof d === 'function' ? d(a, b) : d;
  }
}

/** One node of a `MemoryHub`; see `NodeNetwork` for the meaning of each method. */
export class MemoryNetwork implements NodeNetwork {
  running = false;
  private readonly handlers = new Map<GossipTopic, GossipHandler>();
  private statusProvider: () => LocalStatus = () => ({ height: 0, headHash: `0x${'00'.repeat(32)}` });
  private blockProvider: BlockProvider | undefined;
  private readonly statusListeners = new Set<(p: PeerView) => void>();
  private readonly book: PeerScoreBook;
  private readonly connectedSince = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly snapshots: SnapshotServing;

  constructor(
    private readonly hub: MemoryHub,
    readonly peerId: string,
    readonly chainId: string,
  ) {
    this.book = new PeerScoreBook(hub.options.scores);
    this.snapshots = new SnapshotServing({
      limits: hub.snapshotLimits,
      now: hub.now,
      penalize: (id, offence, reason) => this.penalize(id, offence, reason),
    });
  }

  async start(): Promise<void> {
    this.running = true;
    for (const n of this.hub.nodes.values()) n.notifyAll();
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const n of this.hub.nodes.values()) n.notifyAll();
  }

  async publish(topic: GossipTopic, data: Uint8Array): Promise<void> {
    this.assertRunning();
    const limit = this.hub.limits[topic];
    if (data.length > limit) {
      throw new P2pError(
        'MESSAGE_TOO_LARGE',
        `${topic} message is ${data.length} bytes, the limit is ${limit} (not sent)`,
        { topic, bytes: data.length, limit },
      );
    }
    this.rawPublish(topic, data);
  }

  /** Sends without the local size check: lets tests play a peer that sends oversized messages. */
  rawPublish(topic: GossipTopic, data: Uint8Array): void {
    for (const other of this.hub.nodes.values()) {
      if (!this.hub.linked(this.peerId, other.peerId)) continue;
      const copy = data.slice();
      this.later(
        this.hub.delay(this.peerId, other.peerId),
        () => void other.deliver(topic, copy, this.peerId),
      );
    }
  }

  private async deliver(topic: GossipTopic, data: Uint8Array, from: string): Promise<void> {
    if (!this.hub.linked(from, this.peerId) || this.book.isBanned(from, this.hub.now())) return;
    if (data.length > this.hub.limits[topic]) {
      this.penalize(from, 'oversized-message', `${topic} message of ${data.length} bytes`);
      return;
    }
    const h = this.handlers.get(topic);
    if (!h) return;
    let verdict: Awaited<ReturnType<GossipHandler>>;
    try {
      verdict = await h(data, from);
    } catch {
      verdict = 'ignore';
    }
    if (verdict === 'reject')
      this.penalize(from, 'invalid-message', `${topic} message rejected by the handler`);
  }

  onMessage(topic: GossipTopic, handler: GossipHandler): void {
    this.handlers.set(topic, handler);
  }

  setStatusProvider(provider: () => LocalStatus): void {
    this.statusProvider = provider;
  }

  /** Our status as peers see it. */
  localStatus(): LocalStatus {
    return this.statusProvider();
  }

  setBlockProvider(provider: BlockProvider): void {
    this.blockProvider = provider;
  }

  async fetchBlocks(
    peerId: string,
    fromHeight: number,
    count: number,
    options: FetchOptions = {},
  ): Promise<Uint8Array[]> {
    this.assertRunning();
    if (!Number.isInteger(fromHeight) || fromHeight < 0 || !Number.isInteger(count) || count < 1) {
      throw new P2pError(
        'BAD_REQUEST',
        `cannot fetch ${count} blocks from height ${fromHeight}: expected a height ≥ 0 and a count ≥ 1`,
        { fromHeight, count },
      );
    }
    const other = this.hub.nodes.get(peerId);
    if (!other || !this.hub.linked(this.peerId, peerId)) {
      throw new P2pError(
        'PEER_NOT_CONNECTED',
        `peer ${peerId} is not connected (pick another from bestPeers())`,
        { peerId },
      );
    }
    const n = Math.min(count, this.hub.options.maxBlocksPerRequest ?? 512);
    const delay = this.hub.delay(this.peerId, peerId) + this.hub.delay(peerId, this.peerId);
    const provider = other.blockProvider;
    await new Promise<void>((resolve) => this.later(delay, resolve));
    if (options.signal?.aborted)
      throw new P2pError('SYNC_TIMEOUT', `sync request to ${peerId} was aborted`, { peerId });
    if (!provider)
      throw new P2pError('SYNC_REFUSED', `peer ${peerId} serves no blocks (NO_PROVIDER)`, {
        peerId,
        code: 'NO_PROVIDER',
      });
    const blocks = await provider(fromHeight, n);
    return blocks.slice(0, n).map((b) => b.slice());
  }

  setSnapshotProvider(provider: SnapshotProvider): void {
    this.snapshots.setProvider(provider);
  }

  async fetchSnapshot(
    peerId: string,
    query: SnapshotQuery,
    options: FetchOptions = {},
  ): Promise<Uint8Array[]> {
    this.assertRunning();
    checkQuery(query);
    const other = this.hub.nodes.get(peerId);
    if (!other || !this.hub.linked(this.peerId, peerId))
      throw new P2pError(
        'PEER_NOT_CONNECTED',
        `peer ${peerId} is not connected (pick another from bestPeers())`,
        { peerId },
      );
    const limits = this.hub.snapshotLimits;
    const request =
      query.op === 'headers'
        ? { ...query, count: Math.min(query.count, limits.maxHeadersPerRequest) }
        : query;
    const delay = this.hub.delay(this.peerId, peerId) + this.hub.delay(peerId, this.peerId);
    await new Promise<void>((resolve) => this.later(delay, resolve));
    if (options.signal?.aborted)
      throw new P2pError('SNAPSHOT_TIMEOUT', `snapshot query to ${peerId} was aborted`, { peerId });
    const a = await other.snapshots.answer(this.peerId, encodeJson({ v: 1, ...request }));
    if (!a.header.ok) throw refusalError(peerId, a.header);
    return a.frames.slice(0, maxFramesFor(request, limits)).map((f) => f.slice());
  }

  peerCount(): number {
    return this.peers().filter((p) => p.connected).length;
  }

  peers(): PeerView[] {
    const now = this.hub.now();
    const out: PeerView[] = [];
    for (const other of this.hub.nodes.values()) {
      if (other === this || other.chainId !== this.chainId) continue;
      const connected = this.hub.linked(this.peerId, other.peerId) && !this.book.isBanned(other.peerId, now);
      const status = connected ? { ...other.localStatus(), chainId: other.chainId, receivedAtMs: now } : null;
      out.push({
        id: other.peerId,
        address: `/memory/${other.peerId}`,
        source: 'static',
        connected,
        latencyMs: connected
          ? this.hub.delay(this.peerId, other.peerId) + this.hub.delay(other.peerId, this.peerId)
          : null,
        score: this.book.score(other.peerId, now),
        connectedSinceMs: connected ? (this.connectedSince.get(other.peerId) ?? null) : null,
        status,
        bannedUntilMs: this.book.bannedUntil(other.peerId, now),
      });
    }
    return out;
  }

  bestPeers(): PeerView[] {
    return rankPeersForSync(this.peers());
  }

  async addPeer(multiaddr: string): Promise<PeerView> {
    const id = multiaddr.replace(/^\/memory\//, '');
    const p = this.peers().find((x) => x.id === id);
    if (!p) throw new P2pError('DIAL_FAILED', `no memory node ${id} on chain ${this.chainId}`, { multiaddr });
    return p;
  }

  onPeerStatus(handler: (peer: PeerView) => void): () => void {
    this.statusListeners.add(handler);
    return () => this.statusListeners.delete(handler);
  }

  reportPeer(peerId: string, offence: PeerOffence, reason: string): void {
    this.penalize(peerId, offence, reason);
  }

  listenAddresses(): string[] {
    return [`/memory/${this.peerId}`];
  }

  /** Tells status listeners about every peer (called by the hub when links or nodes change). */
  notifyAll(): void {
    if (!this.running) return;
    const now = this.hub.now();
    for (const p of this.peers()) {
      if (p.connected && !this.connectedSince.has(p.id)) this.connectedSince.set(p.id, now);
      if (!p.connected) this.connectedSince.delete(p.id);
    }
    for (const p of this.peers()) for (const l of this.statusListeners) l(p);
  }

  private penalize(peerId: string, offence: Offence, reason: string): void {
    const r = this.book.penalize(peerId, offence, reason, this.hub.now());
    if (r.banned) this.notifyAll();
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private assertRunning(): void {
    if (!this.running)
      throw new P2pError('NOT_STARTED', `memory network ${this.peerId} is not started (call start() first)`);
  }
}
