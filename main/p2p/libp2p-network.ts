/**
 * The real network, `LibP2pNetwork`: what it can be told (`LibP2pNetworkOptions`), how it builds
 * its libp2p node, and how it wires the parts that speak each protocol (`peer-discovery.ts`,
 * `status-exchange.ts`, `sync-protocol.ts`, `gossip.ts`, `peer-bans.ts`, `peer-views.ts`) behind
 * the `NodeNetwork` interface the node driver sees.
 */
import { join } from 'node:path';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { identify } from '@libp2p/identify';
import type { Libp2p, PeerId } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { ping, type Ping } from '@libp2p/ping';
import { tcp } from '@libp2p/tcp';
import { createLibp2p } from 'libp2p';
import { P2pError, started } from './errors';
import { Gossip, gossipsubService, type GossipSub } from './gossip';
import type { MdnsInterface } from './mdns-discovery';
import { PeerBans } from './peer-bans';
import { PeerDiscovery, type MdnsSetting } from './peer-discovery';
import { loadOrCreatePeerKey } from './peer-key';
import { PeerRecords } from './peer-records';
import {
  DEFAULT_BACKOFF,
  PeerScoreBook,
  type BackoffOptions,
  type Offence,
  type PeerScoreOptions,
} from './peer-scores';
import { PeerViews } from './peer-views';
import { StatusExchange } from './status-exchange';
import { DEFAULT_SNAPSHOT_LIMITS, SnapshotProtocol, type SnapshotLimits } from './snapshot-protocol';
import { SyncProtocol, type SyncLimits } from './sync-protocol';
import {
  DEFAULT_TOPIC_LIMITS,
  SILENT_LOG,
  type BlockProvider,
  type FetchOptions,
  type GossipHandler,
  type GossipTopic,
  type LocalStatus,
  type NodeNetwork,
  type P2pLog,
  type PeerOffence,
  type PeerView,
  type SnapshotProvider,
  type SnapshotQuery,
  type TopicLimits,
} from './types';
import { CHAIN_ID_RE, protocolIds } from './wire';

/**
 * Default listen address for production: every IPv4 interface on a fixed port, so stores beyond the
 * LAN can put `/ip4/<public>/tcp/4510/p2p/<id>` in their static peer lists (behind the router's port
 * forward). Only peers that complete Noise and our chain's status handshake stay connected, the
 * connection count is capped, and mDNS announces only private addresses. Testnets and tests pass
 * `/ip4/127.0.0.1/tcp/0` or `/ip4/0.0.0.0/tcp/0` (ephemeral).
 */
export const DEFAULT_LISTEN: readonly string[] = ['/ip4/0.0.0.0/tcp/4510'];

/** Options of the libp2p network (all but `chainId` and `dataDir` have defaults). */
export interface LibP2pNetworkOptions {
  /** Our chain id: `[a-z0-9-]{1,63}` (as in genesis); it scopes protocol ids, topics and the mDNS service name. */
  chainId: string;
  /** The node's data dir; the peer key lives at `<dataDir>/p2p/peer-key` (mode 0600). */
  dataDir: string;
  /** Listen multiaddrs (default `DEFAULT_LISTEN`). */
  listen?: readonly string[];
  /** Addresses to announce instead of the listen addresses (e.g. the router's public address). */
  announce?: readonly string[];
  /** Peers beyond the LAN, as `/ip4/…/tcp/…/p2p/<id>`; kept connected with backoff. */
  staticPeers?: readonly string[];
  /** mDNS on the LAN: false to disable, or options (default on, every suitable interface, every 10 s). */
  mdns?: MdnsSetting;
  /** Per-topic size limits (default `DEFAULT_TOPIC_LIMITS`, with `proposal` raised to `maxBlockBytes`). */
  topicLimits?: Partial<TopicLimits>;
  /** Most blocks per sync request (default 512); larger requests are refused. */
  maxBlocksPerRequest?: number;
  /** Largest encoded block with its commit, bytes (default 8 MiB). */
  maxBlockBytes?: number;
  /** Largest sync response, bytes (default 32 MiB); the server stops adding blocks at this size. */
  maxSyncResponseBytes?: number;
  /** Deadline of a sync request, ms (default 30 s). */
  syncTimeoutMs?: number;
  /** How often statuses are re-exchanged with every peer, ms (default 10 s). */
  statusIntervalMs?: number;
  /** How often peers are pinged, ms (default 15 s). */
  pingIntervalMs?: number;
  /** Deadline of one status exchange or dial, ms (default 10 s). */
  handshakeTimeoutMs?: number;
  /** Connection cap (default 64). */
  maxConnections?: number;
  scores?: Partial<PeerScoreOptions>;
  /** gossipsub score at or below which a peer is banned like an application-score ban (default −100). */
  gossipBanScore?: number;
  backoff?: Partial<BackoffOptions>;
  /** Peers not seen for this long (and not static, manual or banned) are forgotten, ms (default 1 h). */
  forgetAfterMs?: number;
  /** Redial attempts for peers found by mDNS or that dialed us (static and manual peers: forever). Default 6. */
  maxRedialAttempts?: number;
  /** Limits of the snapshot protocol (`snapshot-protocol.ts`; each one left out keeps its default). */
  snapshot?: Partial<SnapshotLimits>;
}

/** What the network needs from the app. */
export interface LibP2pNetworkDeps {
  log?: P2pLog;
  /** Clock for scores, bans and status times (default `Date.now`). */
  now?: () => number;
  /** Randomness for backoff jitter (default `Math.random`). */
  random?: () => number;
  /**
   * Whether a peer id may connect at all, asked by the connection gater in both directions (and
   * before dialing a discovered peer): the franchise's nodes, from genesis `peerIds` and
   * `peer-register` transactions. Absent: any peer of our chain may connect.
   */
  allowPeer?: (peerId: string) => boolean;
}

type Services = { identify: unknown; ping: Ping; pubsub: GossipSub };

/**
 * Checks the options that can be wrong (the chain id, the block size against the response size)
 * and gives the topic and sync limits with their defaults applied.
 */
function checkedLimits(opts: LibP2pNetworkOptions): { topics: TopicLimits; sync: SyncLimits } {
  if (!CHAIN_ID_RE.test(opts.chainId)) {
    throw new P2pError(
      'BAD_CONFIG',
      `chain id ${JSON.stringify(opts.chainId)} is not valid: use 1–63 characters of a-z, 0-9 and '-', starting with a letter or digit`,
      { chainId: opts.chainId },
    );
  }
  // A proposal carries its block, so unless told otherwise it may be as large as a synced block.
  const topics = {
    ...DEFAULT_TOPIC_LIMITS,
    proposal: Math.max(DEFAULT_TOPIC_LIMITS.proposal, opts.maxBlockBytes ?? 0),
    ...opts.topicLimits,
  };
  const sync: SyncLimits = {
    maxBlocksPerRequest: opts.maxBlocksPerRequest ?? 512,
    maxBlockBytes: opts.maxBlockBytes ?? 8 * 1024 * 1024,
    maxSyncResponseBytes: opts.maxSyncResponseBytes ?? 32 * 1024 * 1024,
    syncTimeoutMs: opts.syncTimeoutMs ?? 30_000,
  };
  if (sync.maxBlockBytes > sync.maxSyncResponseBytes) {
    throw new P2pError(
      'BAD_CONFIG',
      `maxBlockBytes (${sync.maxBlockBytes}) must not exceed maxSyncResponseBytes (${sync.maxSyncResponseBytes})`,
    );
  }
  return { topics, sync };
}

/**
 * The real network: libp2p 3 with TCP + Noise + Yamux, identify, ping, gossipsub (with message
 * validation by the driver's handlers and peer scoring) and a per-interface mDNS, plus three
 * chain-scoped request-response protocols: status (each peer's chain id, height and head hash), sync
 * (ranges of encoded blocks with their commits) and snapshot (state snapshots and headers for nodes
 * that join). See `NodeNetwork` for the contract.
 *
 * This class builds the libp2p node and wires the parts; each protocol lives in its own file.
 *
 * @example
 * const net = new LibP2pNetwork({ chainId: 'hotpot-main', dataDir, listen: ['/ip4/0.0.0.0/tcp/4510'] }, { log });
 * await net.start();
 * console.log(net.listenAddresses());
 */
export class LibP2pNetwork implements NodeNetwork {
  private node: Libp2p<Services> | undefined;
  private stopped = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly limits: TopicLimits;
  private readonly protocols: ReturnType<typeof protocolIds>;
  private readonly handshakeTimeoutMs: number;
  private readonly log: P2pLog;
  private readonly now: () => number;
  private readonly records: PeerRecords;
  private readonly book: PeerScoreBook;
  private readonly views: PeerViews;
  private readonly bans: PeerBans;
  private readonly gossip: Gossip;
  private readonly status: StatusExchange;
  private readonly sync: SyncProtocol;
  private readonly snapshot: SnapshotProtocol;
  private readonly discovery: PeerDiscovery;

  constructor(
    private readonly opts: LibP2pNetworkOptions,
    deps: LibP2pNetworkDeps = {},
  ) {
    const limits = checkedLimits(opts);
    this.limits = limits.topics;
    this.protocols = protocolIds(opts.chainId);
    this.handshakeTimeoutMs = opts.handshakeTimeoutMs ?? 10_000;
    this.book = new PeerScoreBook(opts.scores);
    this.log = deps.log ?? SILENT_LOG;
    this.now = deps.now ?? Date.now;
    this.records = new PeerRecords(this.now);
    const { chainId } = opts;
    const { book, log, now, records, handshakeTimeoutMs } = this;
    // One bag of what the parts share; each part's deps interface names the few it takes.
    const shared = {
      book,
      log,
      now,
      records,
      node: (): Libp2p<Services> | undefined => this.node,
      pubsub: (): GossipSub | undefined => this.node?.services.pubsub,
      stopped: (): boolean => this.stopped,
      connectedIds: (): string[] => this.connectedIds(),
      hangUp: (id: string): Promise<void> => this.hangUp(id),
      emit: (id: string): void => this.views.emit(id),
      penalize: (id: string, offence: Offence, reason: string): void =>
        this.bans.penalize(id, offence, reason),
    };
    this.views = new PeerViews(shared);
    this.bans = new PeerBans({
      ...shared,
      gossipBanScore: opts.gossipBanScore ?? -100,
      ...(deps.allowPeer ? { allowed: deps.allowPeer } : {}),
    });
    this.gossip = new Gossip({ ...shared, chainId, limits: this.limits });
    this.status = new StatusExchange({
      ...shared,
      chainId,
      protocol: this.protocols.status,
      handshakeTimeoutMs,
      foreignMs: book.options.banMs,
    });
    this.sync = new SyncProtocol({ ...shared, protocol: this.protocols.sync, limits: limits.sync });
    this.snapshot = new SnapshotProtocol({
      ...shared,
      protocol: this.protocols.snapshot,
      limits: { ...DEFAULT_SNAPSHOT_LIMITS, ...opts.snapshot },
    });
    this.discovery = new PeerDiscovery({
      ...shared,
      chainId,
      mdns: opts.mdns ?? true,
      staticPeers: opts.staticPeers ?? [],
      backoff: { ...DEFAULT_BACKOFF, ...opts.backoff },
      maxRedialAttempts: opts.maxRedialAttempts ?? 6,
      handshakeTimeoutMs,
      random: deps.random ?? Math.random,
      isBlocked: (id) => this.bans.isBlocked(id),
      refreshStatus: (id) => this.status.refresh(id),
      view: (id) => this.views.view(id),
    });
  }

  get peerId(): string {
    return started(this.node).peerId.toString();
  }

  /**
   * The libp2p node itself, for a service that runs its own protocol on the node's connections
   * (Helia's bitswap: main/video/publish); undefined before start and after stop.
   */
  get libp2p(): Libp2p | undefined {
    return this.node;
  }

  /** The interfaces mDNS answers on (empty when mDNS is off). */
  mdnsInterfaces(): MdnsInterface[] {
    return this.discovery.mdnsInterfaces();
  }

  async start(): Promise<void> {
    if (this.node) return;
    this.stopped = false;
    try {
      await this.startInner();
    } catch (err) {
      await this.stop().catch(() => {});
      if (err instanceof P2pError) throw err;
      const msg = (err as Error).message;
      throw new P2pError(
        'BAD_CONFIG',
        `the network did not start: ${msg} (if a listen address is in use or not on this machine, change network.listen: ${JSON.stringify(this.opts.listen ?? DEFAULT_LISTEN)})`,
        { listen: [...(this.opts.listen ?? DEFAULT_LISTEN)] },
        { cause: err },
      );
    }
  }

  private async startInner(): Promise<void> {
    const privateKey = await loadOrCreatePeerKey(join(this.opts.dataDir, 'p2p', 'peer-key'), this.log);
    const blocked = (peer: PeerId): boolean => this.bans.isBlocked(peer.toString());
    this.node = await createLibp2p<Services>({
      privateKey,
      addresses: {
        listen: [...(this.opts.listen ?? DEFAULT_LISTEN)],
        announce: [...(this.opts.announce ?? [])],
      },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      connectionManager: {
        maxConnections: this.opts.maxConnections ?? 64,
        dialTimeout: this.handshakeTimeoutMs,
      },
      connectionGater: {
        denyDialPeer: blocked,
        denyInboundEncryptedConnection: blocked,
        denyOutboundEncryptedConnection: blocked,
      },
      services: {
        identify: identify(),
        ping: ping(),
        pubsub: gossipsubService(this.opts.chainId, this.limits, (id) => this.book.score(id, this.now())),
      },
    });
    const node = this.node;
    node.addEventListener('connection:open', (e) => this.discovery.onConnectionOpen(e.detail));
    node.addEventListener('peer:disconnect', (e) => this.discovery.onPeerDisconnect(e.detail.toString()));
    await node.handle(this.protocols.status, (stream, conn) => this.status.serve(stream, conn), {
      maxInboundStreams: 4,
    });
    await node.handle(this.protocols.sync, (stream, conn) => this.sync.serve(stream, conn), {
      maxInboundStreams: 8,
    });
    await node.handle(this.protocols.snapshot, (stream, conn) => this.snapshot.serve(stream, conn), {
      maxInboundStreams: 8,
    });
    this.gossip.subscribe(node.services.pubsub);
    await this.discovery.start();
    const every = (ms: number, fn: () => void): void => {
      const t = setInterval(fn, ms);
      t.unref();
      this.timers.push(t);
    };
    every(this.opts.statusIntervalMs ?? 10_000, () => this.refreshAll());
    every(this.opts.pingIntervalMs ?? 15_000, () => void this.pingAll());
    every(1_000, () => this.bans.checkGossipScores());
    this.log.info(
      { peerId: node.peerId.toString(), addrs: this.listenAddresses(), chainId: this.opts.chainId },
      'network started',
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.splice(0)) clearInterval(t);
    await this.discovery.stop();
    const node = this.node;
    this.node = undefined;
    await node?.stop();
  }

  // ---------------------------------------------------------------- gossip (gossip.ts)

  async publish(topic: GossipTopic, data: Uint8Array): Promise<void> {
    await this.gossip.publish(topic, data);
  }

  /**
   * Publishes without the local size check. Only for tests and fuzzing (a peer that sends oversized
   * messages); the node driver uses `publish`.
   */
  async rawPublishForTests(topic: GossipTopic, data: Uint8Array): Promise<void> {
    await this.gossip.rawPublish(topic, data);
  }

  onMessage(topic: GossipTopic, handler: GossipHandler): void {
    this.gossip.onMessage(topic, handler);
  }

  /** Peers known to be subscribed to a topic (gossip reaches them). */
  topicPeers(topic: GossipTopic): string[] {
    return this.gossip.topicPeers(topic);
  }

  // ---------------------------------------------------------------- status (status-exchange.ts)

  setStatusProvider(provider: () => LocalStatus): void {
    this.status.setProvider(provider);
  }

  /** Exchanges statuses with a peer now (also done on connect and every `statusIntervalMs`). */
  refreshStatus(peerId: string): Promise<void> {
    return this.status.refresh(peerId);
  }

  private refreshAll(): void {
    const connected = this.connectedIds();
    for (const id of connected) void this.status.refresh(id);
    this.records.prune(new Set(connected), this.opts.forgetAfterMs ?? 3_600_000, (id, nowMs) =>
      this.book.isBanned(id, nowMs),
    );
  }

  // ---------------------------------------------------------------- snapshots (snapshot-protocol.ts)

  setSnapshotProvider(provider: SnapshotProvider): void {
    this.snapshot.serving.setProvider(provider);
  }

  fetchSnapshot(peerId: string, query: SnapshotQuery, options?: FetchOptions): Promise<Uint8Array[]> {
    return this.snapshot.fetch(peerId, query, options);
  }

  // ---------------------------------------------------------------- sync (sync-protocol.ts)

  setBlockProvider(provider: BlockProvider): void {
    this.sync.setProvider(provider);
  }

  fetchBlocks(
    peerId: string,
    fromHeight: number,
    count: number,
    options?: FetchOptions,
  ): Promise<Uint8Array[]> {
    return this.sync.fetch(peerId, fromHeight, count, options);
  }

  // ---------------------------------------------------------------- peers (peer-views.ts, peer-discovery.ts, peer-bans.ts)

  peerCount(): number {
    return this.views.peerCount();
  }

  peers(): PeerView[] {
    return this.views.peers();
  }

  bestPeers(): PeerView[] {
    return this.views.bestPeers();
  }

  async addPeer(address: string): Promise<PeerView> {
    const id = /\/p2p\/([^/]+)$/.exec(address)?.[1];
    if (id !== undefined && !this.bans.isAllowed(id))
      throw new P2pError(
        'PEER_NOT_ALLOWED',
        `peer ${id} is not one of this chain's nodes (not in the genesis peerIds, not registered by HQ with "bin/hotpot franchise register-peer"), so it cannot connect`,
        { peerId: id },
      );
    return this.discovery.addPeer(address);
  }

  onPeerStatus(handler: (peer: PeerView) => void): () => void {
    return this.views.onPeerStatus(handler);
  }

  reportPeer(peerId: string, offence: PeerOffence, reason: string): void {
    this.bans.penalize(peerId, offence, reason);
  }

  /** Asks `allowPeer` again for every connected peer and hangs up on those no longer allowed. */
  recheckAllowedPeers(): void {
    this.bans.dropDisallowed();
  }

  listenAddresses(): string[] {
    return this.node?.getMultiaddrs().map((m) => m.toString()) ?? [];
  }

  private connectedIds(): string[] {
    const node = this.node;
    if (!node) return [];
    return [...new Set(node.getConnections().map((c) => c.remotePeer.toString()))];
  }

  private async hangUp(peerId: string): Promise<void> {
    await this.node?.hangUp(peerIdFromString(peerId)).catch(() => {});
  }

  private async pingAll(): Promise<void> {
    const node = this.node;
    if (!node) return;
    await Promise.all(
      this.connectedIds().map(async (id) => {
        try {
          const rtt = await node.services.ping.ping(peerIdFromString(id), {
            signal: AbortSignal.timeout(this.handshakeTimeoutMs),
          });
          this.records.record(id, 'inbound').latencyMs = rtt;
        } catch {
          // a peer that does not answer pings keeps its last latency; the connection monitor drops dead links
        }
      }),
    );
  }
}
