/**
 * The network as the node driver (`main/node/`) sees it. Two implementations share this interface:
 * `LibP2pNetwork` (`libp2p-network.ts`, the real one: TCP + Noise + Yamux, gossipsub, mDNS) and
 * `MemoryNetwork` (`memory-network.ts`, an in-process hub for unit tests and the in-process
 * 4-validator benchmark). Consensus code never sees either: the driver turns consensus actions into
 * `publish` calls and feeds what `onMessage` handlers receive back into consensus.
 *
 * Payloads are opaque bytes here. The network checks only what it can without knowing the chain:
 * the topic, the size limit of the topic, and (through the status handshake and chain-scoped
 * protocol ids) that a peer belongs to our chain. Decoding, signature checks and state checks are
 * the handler's job; its verdict decides whether a gossip message is forwarded and whether the
 * sender is penalized.
 *
 * @example
 * const net: NodeNetwork = new LibP2pNetwork({ chainId, dataDir, listen: ['/ip4/0.0.0.0/tcp/4510'] }, { logger });
 * net.setStatusProvider(() => ({ height: chain.height, headHash: chain.headHash }));
 * net.setBlockProvider((from, count) => store.encodedBlocksWithCommits(from, count));
 * net.onMessage('vote', async (bytes, from) => (consensus.acceptVote(decodeVote(bytes)) ? 'accept' : 'reject'));
 * net.onPeerStatus((peer) => { if (peer.status && peer.status.height > chain.height) syncer.wake(); });
 * await net.start();
 * await net.publish('vote', encodeVote(vote));
 */

import type { Startable } from '../common/startable';

export type { Startable };

/** What the network logs through (the app's pino logger fits). */
export interface P2pLog {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** A logger that drops everything (tests, benchmarks). */
export const SILENT_LOG: P2pLog = { debug() {}, info() {}, warn() {}, error() {} };

/** The gossip topics. On the wire each becomes `hotpot/<chainId>/<topic>/1`. */
export type GossipTopic = 'tx' | 'proposal' | 'vote';

/** All gossip topics, in a fixed order. */
export const GOSSIP_TOPICS: readonly GossipTopic[] = ['tx', 'proposal', 'vote'];

/**
 * A handler's verdict on one gossip message (the gossipsub validation result):
 * - `accept`: valid; it is delivered and forwarded to other peers;
 * - `reject`: invalid (undecodable, bad signature, wrong chain); it is dropped and the peer that
 *   sent it loses score (enough of those and it is disconnected and banned for a while);
 * - `ignore`: not useful but not the sender's fault (a duplicate, a vote for an old height); dropped
 *   without penalty.
 */
export type Validation = 'accept' | 'reject' | 'ignore';

/**
 * Handles one gossip message on a topic. `from` is the peer id that relayed it to us (which is not
 * necessarily its author). A handler that throws counts as `ignore` and is logged.
 */
export type GossipHandler = (data: Uint8Array, from: string) => Promise<Validation>;

/**
 * Gives up to `count` encoded blocks (each with the commit that finalized it) from `fromHeight` on,
 * in height order, or fewer when the node does not have them. The encoding is the chain module's;
 * the network only moves the bytes.
 */
export type BlockProvider = (fromHeight: number, count: number) => Promise<Uint8Array[]>;

/**
 * What the snapshot protocol asks for: the manifests a peer keeps, chunk `index` of the snapshot at
 * `height`, or up to `count` headers (each with its commit and the proofs a light client needs) from
 * `fromHeight`. The encodings are the node's; the network only moves the bytes.
 */
export type SnapshotQuery =
  | { op: 'manifests' }
  | { op: 'chunk'; height: number; index: number }
  | { op: 'headers'; fromHeight: number; count: number };

/**
 * Answers a peer's snapshot query: the frames to send (manifests, one chunk, header items), or null
 * when this node does not have what was asked (the peer is told `NOT_FOUND`).
 */
export type SnapshotProvider = (query: SnapshotQuery) => Promise<Uint8Array[] | null>;

/** What a node says about its own chain in the status handshake. */
export interface LocalStatus {
  /** Height of the last finalized block (0 = only genesis). */
  height: number;
  /** Hash of that block, lowercase 0x hex. */
  headHash: string;
}

/** A peer's status as received in the handshake (always for our chain: others are dropped). */
export interface PeerChainStatus extends LocalStatus {
  chainId: string;
  /** When we received it (ms since the epoch, local clock). */
  receivedAtMs: number;
}

/** How we came to know a peer. */
export type PeerSource = 'mdns' | 'static' | 'manual' | 'inbound';

/** One peer as the UI and the driver see it. */
export interface PeerView {
  /** libp2p peer id (base58btc). */
  id: string;
  /** The multiaddr of the open connection, or the last address we know; null when none. */
  address: string | null;
  source: PeerSource;
  connected: boolean;
  /** Round-trip time of the last ping, ms; null until measured. */
  latencyMs: number | null;
  /**
   * Combined score: gossipsub's peer score (which includes our application score). 0 is neutral,
   * negative is bad; at or below the ban threshold the peer is disconnected and banned.
   */
  score: number;
  /** When the current connection opened (ms since the epoch); null when not connected. */
  connectedSinceMs: number | null;
  /** The peer's last status; null until the handshake completed. */
  status: PeerChainStatus | null;
  /** Set while the peer is banned: when the ban ends (ms since the epoch). */
  bannedUntilMs: number | null;
}

/** Offences the driver can report about a peer (e.g. a sync response whose blocks did not verify). */
export type PeerOffence = 'invalid-block' | 'invalid-message' | 'useless-response' | 'invalid-snapshot';

/** Options for `fetchBlocks`. */
export interface FetchOptions {
  /** Overall deadline for the request, ms (default: the network's `syncTimeoutMs`). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * The network interface the node driver uses. Every method is async where it could move out of
 * process later (lodestar's `INetworkCore` habit).
 */
export interface NodeNetwork extends Startable {
  /** Our own peer id (valid after `start`). */
  readonly peerId: string;

  /**
   * Gossips `data` on `topic`. Throws `P2pError('MESSAGE_TOO_LARGE')` when it exceeds the topic's
   * limit. Publishing with no peers connected is not an error (the message simply reaches nobody).
   */
  publish(topic: GossipTopic, data: Uint8Array): Promise<void>;

  /** Sets the handler of a topic (one per topic; a later call replaces it). */
  onMessage(topic: GossipTopic, handler: GossipHandler): void;

  /** Sets where our status comes from; it is read at each handshake and status refresh. */
  setStatusProvider(provider: () => LocalStatus): void;

  /** Sets where blocks served to syncing peers come from. Without one, sync requests get none. */
  setBlockProvider(provider: BlockProvider): void;

  /**
   * Asks `peerId` for up to `count` encoded blocks from `fromHeight`. Resolves with what the peer
   * sent (possibly fewer: the response is capped in bytes), in order; the caller verifies them and
   * reports a peer whose blocks do not verify with `reportPeer`. Throws `P2pError` with
   * `SYNC_TIMEOUT`, `SYNC_REFUSED`, `SYNC_PROTOCOL` or `PEER_NOT_CONNECTED`.
   */
  fetchBlocks(
    peerId: string,
    fromHeight: number,
    count: number,
    options?: FetchOptions,
  ): Promise<Uint8Array[]>;

  /** Sets what snapshot queries of peers are answered from. Without one, they are refused. */
  setSnapshotProvider(provider: SnapshotProvider): void;

  /**
   * Asks `peerId` one snapshot query (`/hotpot/<chainId>/snapshot/1`). Resolves with the frames the
   * peer sent (at most the limits allow); the caller verifies them and reports a peer whose snapshot
   * does not verify. Throws `P2pError` with `SNAPSHOT_TIMEOUT`, `SNAPSHOT_REFUSED` (its data's `code`
   * says why: `NOT_FOUND`, `RATE_LIMITED` with `retryAfterMs`, `BUSY`, …), `SNAPSHOT_PROTOCOL` or
   * `PEER_NOT_CONNECTED`.
   */
  fetchSnapshot(peerId: string, query: SnapshotQuery, options?: FetchOptions): Promise<Uint8Array[]>;

  /** Every peer we know: connected, recently seen, banned. */
  peers(): PeerView[];

  /** How many peers of our chain are connected (for `GET /api/v1/status`). */
  peerCount(): number;

  /** Connected peers whose status we know, highest height first, then best score, then lowest latency. */
  bestPeers(): PeerView[];

  /** Dials a peer by multiaddr (which must end in `/p2p/<id>`), remembers it and keeps reconnecting. */
  addPeer(multiaddr: string): Promise<PeerView>;

  /** Called whenever a peer's status or connection changes. Returns a function that unsubscribes. */
  onPeerStatus(handler: (peer: PeerView) => void): () => void;

  /** Penalizes a peer for something the driver found wrong (enough of it bans the peer). */
  reportPeer(peerId: string, offence: PeerOffence, reason: string): void;

  /** Addresses we listen on (with `/p2p/<id>`), for showing in the UI and for static peer lists. */
  listenAddresses(): string[];
}

/** Per-topic size limits, bytes. A message over its limit is rejected (and the sender penalized). */
export interface TopicLimits {
  tx: number;
  proposal: number;
  vote: number;
}

/** Default topic limits: a block proposal may carry a full block; votes are tiny. */
export const DEFAULT_TOPIC_LIMITS: Readonly<TopicLimits> = {
  tx: 64 * 1024,
  proposal: 4 * 1024 * 1024,
  vote: 1024,
};
