import { join } from 'node:path';
import {
  gossipsub,
  TopicValidatorResult,
  type GossipSub as GossipSubPublic,
  type GossipsubMessage,
} from '@libp2p/gossipsub';
import { createPeerScoreParams, createTopicScoreParams } from '@libp2p/gossipsub/score';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { identify } from '@libp2p/identify';
import { type Connection, type Libp2p, type PeerId, type Stream } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { ping, type Ping } from '@libp2p/ping';
import { tcp } from '@libp2p/tcp';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import * as lp from 'it-length-prefixed';
import { createLibp2p } from 'libp2p';
import type { Uint8ArrayList } from 'uint8arraylist';
import { P2pError } from './errors';
import { MdnsDiscovery, type MdnsInterface } from './mdns-discovery';
import { loadOrCreatePeerKey } from './peer-key';
import {
  backoffDelayMs,
  DEFAULT_BACKOFF,
  PeerScoreBook,
  type BackoffOptions,
  type Offence,
  type PeerScoreOptions,
  rankPeersForSync,
} from './peer-scores';
import {
  DEFAULT_TOPIC_LIMITS,
  GOSSIP_TOPICS,
  SILENT_LOG,
  type BlockProvider,
  type FetchOptions,
  type GossipHandler,
  type GossipTopic,
  type LocalStatus,
  type NodeNetwork,
  type P2pLog,
  type PeerChainStatus,
  type PeerOffence,
  type PeerSource,
  type PeerView,
  type TopicLimits,
  type Validation,
} from './types';
import {
  CHAIN_ID_RE,
  decodeJson,
  encodeJson,
  MAX_STATUS_BYTES,
  MAX_SYNC_HEADER_BYTES,
  MAX_SYNC_REQUEST_BYTES,
  mdnsServiceTag,
  protocolIds,
  StatusMessage,
  SyncRequest,
  SyncResponseHeader,
  topicFromName,
  topicName,
  type SyncRefusal,
} from './wire';

/**
 * Default listen address for production: every IPv4 interface on a fixed port, so stores beyond the
 * LAN can put `/ip4/<public>/tcp/4510/p2p/<id>` in their static peer lists (behind the router's port
 * forward). Only peers that complete Noise and our chain's status handshake stay connected, the
 * connection count is capped, and mDNS announces only private addresses. Testnets and tests pass
 * `/ip4/127.0.0.1/tcp/0` or `/ip4/0.0.0.0/tcp/0` (ephemeral).
 */
/** How long a peer of another chain stays connected after we found out (see dropForeign). */
const FOREIGN_HANGUP_GRACE_MS = 750;

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
  mdns?: boolean | { intervalMs?: number; interfaces?: readonly string[]; port?: number };
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
}

/** What the network needs from the app. */
export interface LibP2pNetworkDeps {
  log?: P2pLog;
  /** Clock for scores, bans and status times (default `Date.now`). */
  now?: () => number;
  /** Randomness for backoff jitter (default `Math.random`). */
  random?: () => number;
}

interface PeerRecord {
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
 * The gossipsub service as we use it. `reportMessageValidationResult` (async validation) and
 * `getScore` exist on the class `gossipsub()` builds but are missing from its exported interface.
 */
type GossipSub = GossipSubPublic & {
  reportMessageValidationResult(
    msgId: string,
    propagationSource: string,
    acceptance: TopicValidatorResult,
  ): void;
  getScore(peerId: string): number;
};

type Services = { identify: unknown; ping: Ping; pubsub: GossipSub };

/** Errors of the length-prefixed decoder: the peer sent a bad or oversized length prefix. */
function isFramingError(err: unknown): boolean {
  return ['InvalidDataLengthError', 'InvalidDataLengthLengthError', 'InvalidMessageLengthError'].includes(
    (err as Error).name,
  );
}

type GossipSubComponentsOf = Parameters<ReturnType<typeof gossipsub>>[0];

const ZERO_HASH = `0x${'00'.repeat(32)}`;

/**
 * The real network: libp2p 3 with TCP + Noise + Yamux, identify, ping, gossipsub (with message
 * validation by the driver's handlers and peer scoring) and a per-interface mDNS, plus two
 * chain-scoped request-response protocols: status (each peer's chain id, height and head hash) and
 * sync (ranges of encoded blocks with their commits). See `NodeNetwork` for the contract.
 *
 * @example
 * const net = new LibP2pNetwork({ chainId: 'hotpot-main', dataDir, listen: ['/ip4/0.0.0.0/tcp/4510'] }, { log });
 * await net.start();
 * console.log(net.listenAddresses());
 */
export class LibP2pNetwork implements NodeNetwork {
  private node: Libp2p<Services> | undefined;
  private mdns: MdnsDiscovery | undefined;
  private readonly handlers = new Map<GossipTopic, GossipHandler>();
  private statusProvider: () => LocalStatus = () => ({ height: 0, headHash: ZERO_HASH });
  private blockProvider: BlockProvider | undefined;
  private readonly statusListeners = new Set<(p: PeerView) => void>();
  private readonly records = new Map<string, PeerRecord>();
  private readonly book: PeerScoreBook;
  private readonly limits: TopicLimits;
  private readonly protocols: { status: string; sync: string };
  private readonly log: P2pLog;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly backoff: BackoffOptions;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly statusInflight = new Map<string, Promise<void>>();
  private readonly syncServing = new Map<string, number>();
  private stopped = false;

  constructor(
    private readonly opts: LibP2pNetworkOptions,
    deps: LibP2pNetworkDeps = {},
  ) {
    if (!CHAIN_ID_RE.test(opts.chainId)) {
      throw new P2pError(
        'BAD_CONFIG',
        `chain id ${JSON.stringify(opts.chainId)} is not valid: use 1–63 characters of a-z, 0-9 and '-', starting with a letter or digit`,
        { chainId: opts.chainId },
      );
    }
    // A proposal carries its block, so unless told otherwise it may be as large as a synced block.
    this.limits = {
      ...DEFAULT_TOPIC_LIMITS,
      proposal: Math.max(DEFAULT_TOPIC_LIMITS.proposal, opts.maxBlockBytes ?? 0),
      ...opts.topicLimits,
    };
    if (this.maxBlockBytes > this.maxSyncResponseBytes) {
      throw new P2pError(
        'BAD_CONFIG',
        `maxBlockBytes (${this.maxBlockBytes}) must not exceed maxSyncResponseBytes (${this.maxSyncResponseBytes})`,
      );
    }
    this.protocols = protocolIds(opts.chainId);
    this.book = new PeerScoreBook(opts.scores);
    this.log = deps.log ?? SILENT_LOG;
    this.now = deps.now ?? Date.now;
    this.random = deps.random ?? Math.random;
    this.backoff = { ...DEFAULT_BACKOFF, ...opts.backoff };
  }

  private get maxBlocksPerRequest(): number {
    return this.opts.maxBlocksPerRequest ?? 512;
  }
  private get maxBlockBytes(): number {
    return this.opts.maxBlockBytes ?? 8 * 1024 * 1024;
  }
  private get maxSyncResponseBytes(): number {
    return this.opts.maxSyncResponseBytes ?? 32 * 1024 * 1024;
  }
  private get handshakeTimeoutMs(): number {
    return this.opts.handshakeTimeoutMs ?? 10_000;
  }

  get peerId(): string {
    return this.libp2p().peerId.toString();
  }

  /** The interfaces mDNS answers on (empty when mDNS is off). */
  mdnsInterfaces(): MdnsInterface[] {
    return this.mdns?.interfaces() ?? [];
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
    const topicParams = createTopicScoreParams({
      topicWeight: 1,
      // Votes and transactions come in bursts and may be rare: do not punish quiet mesh peers.
      meshMessageDeliveriesWeight: 0,
      meshFailurePenaltyWeight: 0,
      invalidMessageDeliveriesWeight: -10,
      invalidMessageDeliveriesDecay: 0.9,
    });
    const gossipDataLimit = Math.max(...Object.values(this.limits)) + 64 * 1024;
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
        denyDialPeer: (peer: PeerId) => this.isBlocked(peer.toString()),
        denyInboundEncryptedConnection: (peer: PeerId) => this.isBlocked(peer.toString()),
        denyOutboundEncryptedConnection: (peer: PeerId) => this.isBlocked(peer.toString()),
      },
      services: {
        identify: identify(),
        ping: ping(),
        pubsub: gossipsub({
          // Payloads are signed by their authors (transactions, votes, proposals); the relay's
          // signature would add nothing, and content ids let the same transaction from two peers dedupe.
          globalSignaturePolicy: 'StrictNoSign',
          asyncValidation: true,
          allowPublishToZeroTopicPeers: true,
          ignoreDuplicatePublishError: true,
          emitSelf: false,
          maxInboundDataLength: gossipDataLimit,
          // We have three topics: a peer that sends thousands of subscriptions or messages in one RPC is not one of us.
          decodeRpcLimits: {
            maxSubscriptions: 64,
            maxMessages: 512,
            maxIhaveMessageIDs: 5000,
            maxIwantMessageIDs: 5000,
            maxControlMessages: 1000,
            maxIdontwantMessageIDs: 512,
            maxPeerInfos: 16,
          },
          allowedTopics: GOSSIP_TOPICS.map((t) => topicName(this.opts.chainId, t)),
          scoreParams: createPeerScoreParams({
            topics: Object.fromEntries(
              GOSSIP_TOPICS.map((t) => [topicName(this.opts.chainId, t), topicParams]),
            ),
            appSpecificScore: (id: string) => this.book.score(id, this.now()),
            appSpecificWeight: 1,
            // Several stores may sit behind one address (a mall, a shared office): no colocation penalty.
            IPColocationFactorWeight: 0,
          }),
          scoreThresholds: { gossipThreshold: -20, publishThreshold: -50, graylistThreshold: -80 },
        }) as (components: GossipSubComponentsOf) => GossipSub,
      },
    });
    const node = this.node;
    node.addEventListener('connection:open', (e) => this.onConnectionOpen(e.detail));
    node.addEventListener('peer:disconnect', (e) => this.onPeerDisconnect(e.detail.toString()));
    await node.handle(this.protocols.status, (stream, conn) => this.serveStatus(stream, conn), {
      maxInboundStreams: 4,
    });
    await node.handle(this.protocols.sync, (stream, conn) => this.serveSync(stream, conn), {
      maxInboundStreams: 8,
    });

    const gs = node.services.pubsub;
    for (const t of GOSSIP_TOPICS) {
      const name = topicName(this.opts.chainId, t);
      gs.topicValidators.set(name, (from, msg) => {
        if (msg.data.length <= this.limits[t]) return TopicValidatorResult.Accept;
        this.penalize(
          from.toString(),
          'oversized-message',
          `${t} message of ${msg.data.length} bytes (limit ${this.limits[t]})`,
        );
        return TopicValidatorResult.Reject;
      });
      gs.subscribe(name);
    }
    gs.addEventListener('gossipsub:message', (e) => void this.onGossip(e.detail));

    const mdnsOpt = this.opts.mdns ?? true;
    if (mdnsOpt !== false) {
      const o = mdnsOpt === true ? {} : mdnsOpt;
      this.mdns = new MdnsDiscovery(
        {
          peerId: node.peerId.toString(),
          serviceTag: mdnsServiceTag(this.opts.chainId),
          intervalMs: o.intervalMs,
          interfaces: o.interfaces,
          port: o.port,
        },
        {
          getMultiaddrs: () => node.getMultiaddrs(),
          onPeer: (id, addrs) => this.onMdnsPeer(id, addrs),
          log: this.log,
        },
      );
      await this.mdns.start();
    }
    for (const s of this.opts.staticPeers ?? []) {
      try {
        const { id, addr } = this.parsePeerAddr(s);
        const rec = this.record(id, 'static');
        rec.keep = true;
        rec.dialAddrs = [addr];
        void this.dial(rec);
      } catch (err) {
        this.log.warn({ peer: s, err: (err as Error).message }, 'static peer ignored');
      }
    }
    const every = (ms: number, fn: () => void): void => {
      const t = setInterval(fn, ms);
      t.unref();
      this.timers.push(t);
    };
    every(this.opts.statusIntervalMs ?? 10_000, () => this.refreshAll());
    every(this.opts.pingIntervalMs ?? 15_000, () => void this.pingAll());
    every(1_000, () => this.checkGossipScores());
    this.log.info(
      { peerId: node.peerId.toString(), addrs: this.listenAddresses(), chainId: this.opts.chainId },
      'network started',
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.splice(0)) clearInterval(t);
    for (const r of this.records.values()) clearTimeout(r.redialTimer);
    await this.mdns?.stop();
    this.mdns = undefined;
    const node = this.node;
    this.node = undefined;
    await node?.stop();
  }

  // ---------------------------------------------------------------- gossip

  async publish(topic: GossipTopic, data: Uint8Array): Promise<void> {
    const limit = this.limits[topic];
    if (data.length > limit) {
      throw new P2pError(
        'MESSAGE_TOO_LARGE',
        `${topic} message is ${data.length} bytes, the limit is ${limit} (not sent)`,
        { topic, bytes: data.length, limit },
      );
    }
    await this.rawPublishForTests(topic, data);
  }

  /**
   * Publishes without the local size check. Only for tests and fuzzing (a peer that sends oversized
   * messages); the node driver uses `publish`.
   */
  async rawPublishForTests(topic: GossipTopic, data: Uint8Array): Promise<void> {
    await this.libp2p().services.pubsub.publish(topicName(this.opts.chainId, topic), data);
  }

  onMessage(topic: GossipTopic, handler: GossipHandler): void {
    this.handlers.set(topic, handler);
  }

  /** Peers known to be subscribed to a topic (gossip reaches them). */
  topicPeers(topic: GossipTopic): string[] {
    return this.libp2p()
      .services.pubsub.getSubscribers(topicName(this.opts.chainId, topic))
      .map((p) => p.toString());
  }

  private async onGossip(m: GossipsubMessage): Promise<void> {
    const gs = this.node?.services.pubsub;
    if (!gs) return;
    const from = m.propagationSource.toString();
    const topic = topicFromName(this.opts.chainId, m.msg.topic);
    let verdict: Validation = 'ignore';
    const handler = topic ? this.handlers.get(topic) : undefined;
    if (topic && handler && !this.book.isBanned(from, this.now())) {
      try {
        verdict = await handler(m.msg.data, from);
      } catch (err) {
        this.log.warn({ topic, from, err: (err as Error).message }, 'gossip handler threw; message ignored');
      }
    }
    if (!this.node) return;
    gs.reportMessageValidationResult(
      m.msgId,
      from,
      verdict === 'accept'
        ? TopicValidatorResult.Accept
        : verdict === 'reject'
          ? TopicValidatorResult.Reject
          : TopicValidatorResult.Ignore,
    );
    if (verdict === 'reject')
      this.penalize(from, 'invalid-message', `${topic} message rejected by the handler`);
  }

  // ---------------------------------------------------------------- status

  setStatusProvider(provider: () => LocalStatus): void {
    this.statusProvider = provider;
  }

  private ourStatus(): StatusMessage {
    const s = this.statusProvider();
    return { v: 1, chainId: this.opts.chainId, height: s.height, headHash: s.headHash };
  }

  /** Exchanges statuses with a peer now (also done on connect and every `statusIntervalMs`). */
  refreshStatus(peerId: string): Promise<void> {
    const running = this.statusInflight.get(peerId);
    if (running) return running;
    const p = this.exchangeStatus(peerId).finally(() => this.statusInflight.delete(peerId));
    this.statusInflight.set(peerId, p);
    return p;
  }

  private refreshAll(): void {
    const connected = this.connectedIds();
    for (const id of connected) void this.refreshStatus(id);
    this.prune(new Set(connected));
  }

  /**
   * Forgets peers not seen for `forgetAfterMs` (default 1 h) that we would not redial anyway: not
   * static or manual, not banned, no redial pending. Keeps `peers()` (and memory) from growing with
   * every laptop that ever passed through the LAN.
   */
  private prune(connected: Set<string>): void {
    const now = this.now();
    const forgetMs = this.opts.forgetAfterMs ?? 3_600_000;
    for (const [id, r] of this.records) {
      if (connected.has(id) || r.keep || r.redialTimer || this.book.isBanned(id, now)) continue;
      if (r.foreignUntilMs !== null && now < r.foreignUntilMs) continue;
      if (now - r.lastSeenMs > forgetMs) this.records.delete(id);
    }
  }

  private async exchangeStatus(peerId: string): Promise<void> {
    const node = this.node;
    if (!node || this.stopped) return;
    const signal = AbortSignal.timeout(this.handshakeTimeoutMs);
    let stream: Stream;
    try {
      stream = await node.dialProtocol(peerIdFromString(peerId), this.protocols.status, { signal });
    } catch (err) {
      if ((err as Error).name === 'UnsupportedProtocolError') {
        await this.dropForeign(
          peerId,
          'does not speak our chain’s status protocol (another chain or not a Hot Pot node)',
        );
      } else {
        this.log.debug({ peer: peerId, err: (err as Error).message }, 'status exchange failed');
      }
      return;
    }
    try {
      const frames = this.frames(stream, MAX_STATUS_BYTES, signal);
      await this.send(stream, encodeJson(this.ourStatus()));
      const reply = await frames.next();
      if (reply.done) throw new Error('stream ended before the status');
      await stream.close({ signal });
      this.acceptStatus(peerId, reply.value.subarray());
    } catch (err) {
      stream.abort(err as Error);
      this.log.debug({ peer: peerId, err: (err as Error).message }, 'status exchange failed');
    }
  }

  private async serveStatus(stream: Stream, conn: Connection): Promise<void> {
    const peerId = conn.remotePeer.toString();
    const signal = AbortSignal.timeout(this.handshakeTimeoutMs);
    try {
      const req = await this.frames(stream, MAX_STATUS_BYTES, signal).next();
      if (req.done) throw new Error('stream ended before the status');
      if (!this.acceptStatus(peerId, req.value.subarray())) {
        stream.abort(new Error('status refused'));
        return;
      }
      await this.send(stream, encodeJson(this.ourStatus()));
      await stream.close({ signal });
    } catch (err) {
      stream.abort(err as Error);
      if (isFramingError(err))
        this.penalize(peerId, 'bad-status', `bad status framing (${(err as Error).name})`);
    }
  }

  /** Checks and records a peer's status; false (and the peer is dropped) when it is not acceptable. */
  private acceptStatus(peerId: string, bytes: Uint8Array): boolean {
    const d = decodeJson(bytes, StatusMessage, MAX_STATUS_BYTES);
    if (!d.ok) {
      this.penalize(peerId, 'bad-status', d.error);
      void this.node?.hangUp(peerIdFromString(peerId)).catch(() => {});
      return false;
    }
    if (d.value.chainId !== this.opts.chainId) {
      void this.dropForeign(peerId, `is on chain ${d.value.chainId}`);
      return false;
    }
    const rec = this.record(peerId, 'inbound');
    rec.status = {
      chainId: d.value.chainId,
      height: d.value.height,
      headHash: d.value.headHash,
      receivedAtMs: this.now(),
    };
    rec.foreignUntilMs = null;
    this.emit(peerId);
    return true;
  }

  private async dropForeign(peerId: string, why: string): Promise<void> {
    const rec = this.record(peerId, 'inbound');
    rec.foreignUntilMs = this.now() + this.book.options.banMs;
    rec.status = null;
    clearTimeout(rec.redialTimer);
    rec.redialTimer = undefined;
    this.log.info({ peer: peerId, why }, 'dropping a peer of another chain');
    // A short grace before hanging up: the other side is finding out the same thing through its own
    // status exchange, and a connection closed under it would look like a dial failure to it (a
    // manager adding this address by hand would read "could not connect", not "another chain").
    // Nothing of ours is served to it meanwhile: our protocols and topics carry our chain id.
    await new Promise((r) => setTimeout(r, FOREIGN_HANGUP_GRACE_MS).unref?.());
    if (this.stopped || (this.records.get(peerId)?.foreignUntilMs ?? null) === null) return;
    await this.node?.hangUp(peerIdFromString(peerId)).catch(() => {});
    this.emit(peerId);
  }

  // ---------------------------------------------------------------- sync

  setBlockProvider(provider: BlockProvider): void {
    this.blockProvider = provider;
  }

  async fetchBlocks(
    peerId: string,
    fromHeight: number,
    count: number,
    options: FetchOptions = {},
  ): Promise<Uint8Array[]> {
    const node = this.libp2p();
    if (!Number.isInteger(fromHeight) || fromHeight < 0 || !Number.isInteger(count) || count < 1) {
      throw new P2pError(
        'BAD_REQUEST',
        `cannot fetch ${count} blocks from height ${fromHeight}: expected a height ≥ 0 and a count ≥ 1`,
        { fromHeight, count },
      );
    }
    if (node.getConnections(peerIdFromString(peerId)).length === 0) {
      throw new P2pError(
        'PEER_NOT_CONNECTED',
        `peer ${peerId} is not connected (pick another from bestPeers())`,
        { peerId },
      );
    }
    const n = Math.min(count, this.maxBlocksPerRequest);
    const timeoutMs = options.timeoutMs ?? this.opts.syncTimeoutMs ?? 30_000;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const fail = (err: unknown): never => {
      if (err instanceof P2pError) throw err;
      if (signal.aborted)
        throw new P2pError(
          'SYNC_TIMEOUT',
          `peer ${peerId} did not send ${n} blocks from ${fromHeight} within ${timeoutMs} ms (try another peer)`,
          { peerId, timeoutMs },
        );
      if (isFramingError(err)) {
        this.penalize(peerId, 'sync-protocol', `bad sync response framing (${(err as Error).name})`);
        throw new P2pError(
          'SYNC_PROTOCOL',
          `peer ${peerId} sent a badly framed or oversized sync response (peer penalized; limit ${this.maxBlockBytes} bytes per block)`,
          { peerId },
        );
      }
      throw new P2pError(
        'SYNC_PROTOCOL',
        `sync from peer ${peerId} failed: ${(err as Error).message}`,
        { peerId },
        { cause: err },
      );
    };
    let stream: Stream;
    try {
      stream = await node.dialProtocol(peerIdFromString(peerId), this.protocols.sync, { signal });
    } catch (err) {
      return fail(err);
    }
    try {
      const frames = this.frames(stream, this.maxBlockBytes, signal);
      await this.send(stream, encodeJson({ v: 1, fromHeight, count: n }));
      const first = await frames.next();
      if (first.done)
        throw new P2pError('SYNC_PROTOCOL', `peer ${peerId} closed the sync stream without answering`, {
          peerId,
        });
      const header = decodeJson(first.value.subarray(), SyncResponseHeader, MAX_SYNC_HEADER_BYTES);
      if (!header.ok) return this.protocolViolation(peerId, `bad sync header: ${header.error}`);
      if (!header.value.ok) {
        throw new P2pError(
          'SYNC_REFUSED',
          `peer ${peerId} refused the sync request (${header.value.code}: ${header.value.message})`,
          { peerId, code: header.value.code },
        );
      }
      if (header.value.count > n)
        return this.protocolViolation(peerId, `announced ${header.value.count} blocks, ${n} were asked for`);
      const blocks: Uint8Array[] = [];
      let total = 0;
      for (let i = 0; i < header.value.count; i++) {
        const f = await frames.next();
        if (f.done)
          return this.protocolViolation(peerId, `sent ${i} of the ${header.value.count} blocks it announced`);
        total += f.value.byteLength;
        if (total > this.maxSyncResponseBytes)
          return this.protocolViolation(peerId, `sync response over ${this.maxSyncResponseBytes} bytes`);
        blocks.push(f.value.subarray());
      }
      await stream.close({ signal }).catch(() => {});
      return blocks;
    } catch (err) {
      stream.abort(err instanceof Error ? err : new Error(String(err)));
      return fail(err);
    }
  }

  private protocolViolation(peerId: string, what: string): never {
    this.penalize(peerId, 'sync-protocol', what);
    throw new P2pError('SYNC_PROTOCOL', `peer ${peerId} broke the sync protocol: ${what} (peer penalized)`, {
      peerId,
    });
  }

  private async serveSync(stream: Stream, conn: Connection): Promise<void> {
    const peerId = conn.remotePeer.toString();
    const signal = AbortSignal.timeout(this.opts.syncTimeoutMs ?? 30_000);
    const refuse = async (code: SyncRefusal, message: string): Promise<void> => {
      await this.send(stream, encodeJson({ v: 1, ok: false, code, message }));
      await stream.close({ signal });
    };
    const busy = this.syncServing.get(peerId) ?? 0;
    this.syncServing.set(peerId, busy + 1);
    try {
      if (busy >= 2)
        return await refuse('BUSY', 'two sync requests of yours are running already; wait for them');
      const req = await this.frames(stream, MAX_SYNC_REQUEST_BYTES, signal).next();
      if (req.done) throw new Error('stream ended before the request');
      const d = decodeJson(req.value.subarray(), SyncRequest, MAX_SYNC_REQUEST_BYTES);
      if (!d.ok) {
        this.penalize(peerId, 'sync-protocol', `bad sync request: ${d.error}`);
        return await refuse('BAD_REQUEST', d.error);
      }
      if (d.value.count > this.maxBlocksPerRequest) {
        return await refuse(
          'RANGE_TOO_LARGE',
          `at most ${this.maxBlocksPerRequest} blocks per request, ${d.value.count} asked`,
        );
      }
      if (!this.blockProvider) return await refuse('NO_PROVIDER', 'this node serves no blocks yet');
      const blocks = await this.blockProvider(d.value.fromHeight, d.value.count);
      const out: Uint8Array[] = [];
      let total = 0;
      for (const b of blocks.slice(0, d.value.count)) {
        if (b.length > this.maxBlockBytes) break;
        if (out.length > 0 && total + b.length > this.maxSyncResponseBytes) break;
        total += b.length;
        out.push(b);
      }
      await this.send(stream, encodeJson({ v: 1, ok: true, count: out.length }));
      for (const b of out) await this.send(stream, b, signal);
      await stream.close({ signal });
    } catch (err) {
      stream.abort(err as Error);
      if (isFramingError(err))
        this.penalize(peerId, 'sync-protocol', `bad sync request framing (${(err as Error).name})`);
      else this.log.debug({ peer: peerId, err: (err as Error).message }, 'serving sync failed');
    } finally {
      const left = (this.syncServing.get(peerId) ?? 1) - 1;
      if (left <= 0) this.syncServing.delete(peerId);
      else this.syncServing.set(peerId, left);
    }
  }

  // ---------------------------------------------------------------- streams

  /** Length-prefixed frames of at most `maxBytes` each; the stream is aborted when `signal` fires. */
  private frames(stream: Stream, maxBytes: number, signal: AbortSignal): AsyncGenerator<Uint8ArrayList> {
    const onAbort = (): void => stream.abort(new Error('timed out'));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    stream.addEventListener('close', () => signal.removeEventListener('abort', onAbort), { once: true });
    return lp.decode(stream, { maxDataLength: maxBytes });
  }

  private async send(stream: Stream, bytes: Uint8Array, signal?: AbortSignal): Promise<void> {
    if (!stream.send(lp.encode.single(bytes))) await stream.onDrain({ signal });
  }

  // ---------------------------------------------------------------- peers

  peerCount(): number {
    return this.peers().filter((p) => p.connected && p.status !== null).length;
  }

  peers(): PeerView[] {
    const node = this.node;
    if (!node) return [];
    const ids = new Set([...this.records.keys(), ...this.connectedIds()]);
    return [...ids].map((id) => this.view(id));
  }

  bestPeers(): PeerView[] {
    return rankPeersForSync(this.peers());
  }

  async addPeer(address: string): Promise<PeerView> {
    this.libp2p();
    const { id, addr } = this.parsePeerAddr(address);
    if (this.book.isBanned(id, this.now())) {
      throw new P2pError(
        'PEER_BANNED',
        `peer ${id} is banned until ${new Date(this.book.bannedUntil(id, this.now()) ?? 0).toISOString()} for sending invalid data`,
        { peerId: id },
      );
    }
    const rec = this.record(id, 'manual');
    rec.source = 'manual';
    rec.keep = true;
    rec.foreignUntilMs = null;
    rec.dialAddrs = [addr];
    const ok = await this.dial(rec);
    if (!ok)
      throw new P2pError(
        'DIAL_FAILED',
        `could not connect to ${address} (will keep retrying with backoff; check the address and that the store is online)`,
        { address },
      );
    const before = rec.status?.receivedAtMs ?? -1;
    await this.refreshStatus(id);
    if (rec.foreignUntilMs !== null) {
      rec.keep = false;
      throw new P2pError('WRONG_CHAIN', `peer ${id} is not on chain ${this.opts.chainId} (disconnected)`, {
        peerId: id,
      });
    }
    const view = this.view(id);
    if (!view.connected || (rec.status?.receivedAtMs ?? -1) === before) {
      throw new P2pError(
        'DIAL_FAILED',
        `${address} accepted the connection but closed it before the status handshake (it may have banned this node; will keep retrying)`,
        { address },
      );
    }
    return view;
  }

  onPeerStatus(handler: (peer: PeerView) => void): () => void {
    this.statusListeners.add(handler);
    return () => this.statusListeners.delete(handler);
  }

  reportPeer(peerId: string, offence: PeerOffence, reason: string): void {
    this.penalize(peerId, offence, reason);
  }

  listenAddresses(): string[] {
    return this.node?.getMultiaddrs().map((m) => m.toString()) ?? [];
  }

  private view(id: string): PeerView {
    const node = this.libp2p();
    const now = this.now();
    const rec = this.records.get(id);
    const conns = node.getConnections(peerIdFromString(id));
    const conn = conns[0];
    const connected = conn !== undefined;
    return {
      id,
      address: conn?.remoteAddr.toString() ?? rec?.dialAddrs[0]?.toString() ?? null,
      source: rec?.source ?? 'inbound',
      connected,
      latencyMs: rec?.latencyMs ?? null,
      // gossipsub's score already includes ours (appSpecificWeight 1); peers it does not know get ours alone
      score: connected && this.gossipKnows(id) ? node.services.pubsub.getScore(id) : this.book.score(id, now),
      connectedSinceMs: conn ? Math.min(...conns.map((c) => c.timeline.open)) : null,
      status: rec?.status ?? null,
      bannedUntilMs: this.book.bannedUntil(id, now),
    };
  }

  private gossipKnows(id: string): boolean {
    return this.node?.services.pubsub.getPeers().some((p) => p.toString() === id) ?? false;
  }

  private record(id: string, source: PeerSource): PeerRecord {
    let r = this.records.get(id);
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
      this.records.set(id, r);
    }
    r.lastSeenMs = this.now();
    return r;
  }

  private parsePeerAddr(s: string): { id: string; addr: Multiaddr } {
    let ma: Multiaddr;
    try {
      ma = multiaddr(s);
    } catch (err) {
      throw new P2pError(
        'BAD_MULTIADDR',
        `${JSON.stringify(s)} is not a multiaddr (expected e.g. /ip4/192.168.1.20/tcp/4510/p2p/12D3KooW…)`,
        { address: s },
        { cause: err },
      );
    }
    const id = ma.getComponents().findLast((c) => c.name === 'p2p')?.value;
    if (!id)
      throw new P2pError(
        'BAD_MULTIADDR',
        `${s} has no /p2p/<peer id> at the end (copy the full address from the other store's Network page)`,
        { address: s },
      );
    try {
      peerIdFromString(id);
    } catch (err) {
      throw new P2pError('BAD_MULTIADDR', `${s} ends in an invalid peer id`, { address: s }, { cause: err });
    }
    if (this.node && id === this.node.peerId.toString())
      throw new P2pError('BAD_MULTIADDR', `${s} is this node's own address`, { address: s });
    return { id, addr: ma.decapsulateCode(0x01a5) };
  }

  private connectedIds(): string[] {
    const node = this.node;
    if (!node) return [];
    return [...new Set(node.getConnections().map((c) => c.remotePeer.toString()))];
  }

  private isBlocked(id: string): boolean {
    const now = this.now();
    if (this.book.isBanned(id, now)) return true;
    const f = this.records.get(id)?.foreignUntilMs;
    return f != null && now < f;
  }

  private onMdnsPeer(id: string, addrs: Multiaddr[]): void {
    if (this.stopped || this.isBlocked(id)) return;
    const rec = this.record(id, 'mdns');
    if (rec.source === 'inbound') rec.source = 'mdns';
    if (rec.dialAddrs.length === 0 || rec.source === 'mdns') rec.dialAddrs = addrs;
    const node = this.node;
    if (!node || node.getConnections(peerIdFromString(id)).length > 0 || rec.redialTimer) return;
    // Of the pair, only the peer with the smaller id dials on discovery: two simultaneous dials
    // would make two connections. The other side still redials with backoff if this one never comes.
    if (node.peerId.toString() < id) void this.dial(rec);
    else this.scheduleRedial(rec, 1);
  }

  private async dial(rec: PeerRecord): Promise<boolean> {
    const node = this.node;
    if (!node || this.stopped || this.isBlocked(rec.id)) return false;
    clearTimeout(rec.redialTimer);
    rec.redialTimer = undefined;
    try {
      const target =
        rec.dialAddrs.length > 0
          ? rec.dialAddrs.map((a) => a.encapsulate(`/p2p/${rec.id}`))
          : peerIdFromString(rec.id);
      await node.dial(target, { signal: AbortSignal.timeout(this.handshakeTimeoutMs) });
      rec.redialAttempt = 0;
      return true;
    } catch (err) {
      this.log.debug(
        { peer: rec.id, err: (err as Error).message, attempt: rec.redialAttempt },
        'dial failed',
      );
      this.scheduleRedial(rec);
      return false;
    }
  }

  private scheduleRedial(rec: PeerRecord, attemptOverride?: number): void {
    if (this.stopped || rec.redialTimer || this.isBlocked(rec.id)) return;
    if (!rec.keep && rec.redialAttempt >= (this.opts.maxRedialAttempts ?? 6)) return;
    const attempt = attemptOverride ?? rec.redialAttempt;
    const delay = backoffDelayMs(attempt, this.backoff, this.random());
    rec.redialAttempt += 1;
    rec.redialTimer = setTimeout(() => {
      rec.redialTimer = undefined;
      if (this.node && this.node.getConnections(peerIdFromString(rec.id)).length === 0) void this.dial(rec);
    }, delay);
    rec.redialTimer.unref();
  }

  private onConnectionOpen(conn: Connection): void {
    const id = conn.remotePeer.toString();
    const rec = this.record(id, 'inbound');
    clearTimeout(rec.redialTimer);
    rec.redialTimer = undefined;
    rec.redialAttempt = 0;
    if (this.isBlocked(id)) {
      void this.node?.hangUp(conn.remotePeer).catch(() => {});
      return;
    }
    void this.refreshStatus(id);
    this.emit(id);
  }

  private onPeerDisconnect(id: string): void {
    const rec = this.records.get(id);
    if (!rec) return;
    if (rec.keep || (rec.status !== null && rec.foreignUntilMs === null)) this.scheduleRedial(rec);
    this.emit(id);
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
          this.record(id, 'inbound').latencyMs = rtt;
        } catch {
          // a peer that does not answer pings keeps its last latency; the connection monitor drops dead links
        }
      }),
    );
  }

  private checkGossipScores(): void {
    const gs = this.node?.services.pubsub;
    if (!gs) return;
    const threshold = this.opts.gossipBanScore ?? -100;
    for (const id of this.connectedIds()) {
      const s = gs.getScore(id);
      if (s <= threshold && !this.book.isBanned(id, this.now())) {
        this.book.ban(id, `gossipsub score ${s.toFixed(1)}`, this.now());
        void this.enforceBan(id);
      }
    }
  }

  private penalize(peerId: string, offence: Offence, reason: string): void {
    const r = this.book.penalize(peerId, offence, reason, this.now());
    this.log.debug({ peer: peerId, offence, reason, score: r.score }, 'peer penalized');
    if (r.banned) void this.enforceBan(peerId);
  }

  private async enforceBan(peerId: string): Promise<void> {
    const rec = this.records.get(peerId);
    if (rec) {
      clearTimeout(rec.redialTimer);
      rec.redialTimer = undefined;
    }
    this.log.warn(
      {
        peer: peerId,
        until: this.book.bannedUntil(peerId, this.now()),
        reason: this.book.lastReason(peerId),
      },
      'peer banned',
    );
    await this.node?.hangUp(peerIdFromString(peerId)).catch(() => {});
    this.emit(peerId);
  }

  private emit(id: string): void {
    if (!this.node || this.statusListeners.size === 0) return;
    const v = this.view(id);
    for (const l of this.statusListeners) {
      try {
        l(v);
      } catch (err) {
        this.log.warn({ err: (err as Error).message }, 'peer status listener threw');
      }
    }
  }

  private libp2p(): Libp2p<Services> {
    if (!this.node) throw new P2pError('NOT_STARTED', 'the network is not started (call start() first)');
    return this.node;
  }
}
