/**
 * How the libp2p network finds peers and keeps connected to them: mDNS on the LAN, static peers
 * from the config, peers added by hand (`addPeer`), who dials whom on discovery, and redialing with
 * exponential backoff after a failed dial or a disconnect.
 */
import type { Connection, Libp2p } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import { P2pError, started } from './errors';
import { MdnsDiscovery, type MdnsInterface } from './mdns-discovery';
import type { PeerRecord, PeerRecords } from './peer-records';
import { backoffDelayMs, type BackoffOptions, type PeerScoreBook } from './peer-scores';
import type { P2pLog, PeerView } from './types';
import { mdnsServiceTag } from './wire';

/** mDNS on the LAN: false to disable, or options (see `LibP2pNetworkOptions.mdns`). */
export type MdnsSetting = boolean | { intervalMs?: number; interfaces?: readonly string[]; port?: number };

/** What discovery and dialing need from the network. */
export interface PeerDiscoveryDeps {
  chainId: string;
  mdns: MdnsSetting;
  /** Peers beyond the LAN, as `/ip4/…/tcp/…/p2p/<id>`. */
  staticPeers: readonly string[];
  backoff: BackoffOptions;
  /** Redial attempts for peers found by mDNS or that dialed us (static and manual peers: forever). */
  maxRedialAttempts: number;
  /** Deadline of one dial, ms. */
  handshakeTimeoutMs: number;
  records: PeerRecords;
  book: Pick<PeerScoreBook, 'isBanned' | 'bannedUntil'>;
  log: P2pLog;
  now: () => number;
  random: () => number;
  /** The libp2p node while the network runs. */
  node(): Pick<Libp2p, 'dial' | 'getConnections' | 'getMultiaddrs' | 'peerId'> | undefined;
  /** True once the network was told to stop. */
  stopped(): boolean;
  /** True when the peer must not be connected (banned, or on another chain). */
  isBlocked(peerId: string): boolean;
  /** Exchanges statuses with the peer now. */
  refreshStatus(peerId: string): Promise<void>;
  /** The peer as the driver sees it. */
  view(peerId: string): PeerView;
  /** Tells the peer-status listeners that the peer changed. */
  emit(peerId: string): void;
  /** Closes every connection to the peer (nothing when not running; never throws). */
  hangUp(peerId: string): Promise<void>;
}

/**
 * Discovery, dialing and redialing.
 *
 * @example
 * const discovery = new PeerDiscovery({ chainId, mdns: true, staticPeers, … });
 * await discovery.start(); // after the libp2p node is up
 * node.addEventListener('connection:open', (e) => discovery.onConnectionOpen(e.detail));
 */
export class PeerDiscovery {
  private mdns: MdnsDiscovery | undefined;

  constructor(private readonly deps: PeerDiscoveryDeps) {}

  /** Starts mDNS (unless off) and dials the static peers. */
  async start(): Promise<void> {
    const node = started(this.deps.node());
    const setting = this.deps.mdns;
    if (setting !== false) {
      const o = setting === true ? {} : setting;
      this.mdns = new MdnsDiscovery(
        {
          peerId: node.peerId.toString(),
          serviceTag: mdnsServiceTag(this.deps.chainId),
          intervalMs: o.intervalMs,
          interfaces: o.interfaces,
          port: o.port,
        },
        {
          getMultiaddrs: () => node.getMultiaddrs(),
          onPeer: (id, addrs) => this.onMdnsPeer(id, addrs),
          log: this.deps.log,
        },
      );
      await this.mdns.start();
    }
    for (const s of this.deps.staticPeers) {
      try {
        const { id, addr } = this.parsePeerAddr(s);
        const rec = this.deps.records.record(id, 'static');
        rec.keep = true;
        rec.dialAddrs = [addr];
        void this.dial(rec);
      } catch (err) {
        this.deps.log.warn({ peer: s, err: (err as Error).message }, 'static peer ignored');
      }
    }
  }

  /** Cancels every pending redial and stops mDNS. */
  async stop(): Promise<void> {
    this.deps.records.cancelAllRedials();
    await this.mdns?.stop();
    this.mdns = undefined;
  }

  /** The interfaces mDNS answers on (empty when mDNS is off). */
  mdnsInterfaces(): MdnsInterface[] {
    return this.mdns?.interfaces() ?? [];
  }

  /** See `NodeNetwork.addPeer`. */
  async addPeer(address: string): Promise<PeerView> {
    started(this.deps.node());
    const { book, now } = this.deps;
    const { id, addr } = this.parsePeerAddr(address);
    if (book.isBanned(id, now())) {
      throw new P2pError(
        'PEER_BANNED',
        `peer ${id} is banned until ${new Date(book.bannedUntil(id, now()) ?? 0).toISOString()} for sending invalid data`,
        { peerId: id },
      );
    }
    const rec = this.deps.records.record(id, 'manual');
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
    await this.deps.refreshStatus(id);
    if (rec.foreignUntilMs !== null) {
      rec.keep = false;
      throw new P2pError('WRONG_CHAIN', `peer ${id} is not on chain ${this.deps.chainId} (disconnected)`, {
        peerId: id,
      });
    }
    const view = this.deps.view(id);
    if (!view.connected || (rec.status?.receivedAtMs ?? -1) === before) {
      throw new P2pError(
        'DIAL_FAILED',
        `${address} accepted the connection but closed it before the status handshake (it may have banned this node; will keep retrying)`,
        { address },
      );
    }
    return view;
  }

  /** A connection opened (either way): reset the peer's redials, then refuse it or ask its status. */
  onConnectionOpen(conn: Connection): void {
    const id = conn.remotePeer.toString();
    const rec = this.deps.records.record(id, 'inbound');
    this.deps.records.cancelRedial(rec);
    rec.redialAttempt = 0;
    if (this.deps.isBlocked(id)) {
      void this.deps.hangUp(id);
      return;
    }
    void this.deps.refreshStatus(id);
    this.deps.emit(id);
  }

  /** The last connection to a peer closed: redial it if it is kept or was a peer of our chain. */
  onPeerDisconnect(id: string): void {
    const rec = this.deps.records.get(id);
    if (!rec) return;
    if (rec.keep || (rec.status !== null && rec.foreignUntilMs === null)) this.scheduleRedial(rec);
    this.deps.emit(id);
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
    const node = this.deps.node();
    if (node && id === node.peerId.toString())
      throw new P2pError('BAD_MULTIADDR', `${s} is this node's own address`, { address: s });
    return { id, addr: ma.decapsulateCode(0x01a5) };
  }

  private onMdnsPeer(id: string, addrs: Multiaddr[]): void {
    if (this.deps.stopped() || this.deps.isBlocked(id)) return;
    const rec = this.deps.records.record(id, 'mdns');
    if (rec.source === 'inbound') rec.source = 'mdns';
    if (rec.dialAddrs.length === 0 || rec.source === 'mdns') rec.dialAddrs = addrs;
    const node = this.deps.node();
    if (!node || node.getConnections(peerIdFromString(id)).length > 0 || rec.redialTimer) return;
    // Of the pair, only the peer with the smaller id dials on discovery: two simultaneous dials
    // would make two connections. The other side still redials with backoff if this one never comes.
    if (node.peerId.toString() < id) void this.dial(rec);
    else this.scheduleRedial(rec, 1);
  }

  private async dial(rec: PeerRecord): Promise<boolean> {
    const node = this.deps.node();
    if (!node || this.deps.stopped() || this.deps.isBlocked(rec.id)) return false;
    this.deps.records.cancelRedial(rec);
    try {
      const target =
        rec.dialAddrs.length > 0
          ? rec.dialAddrs.map((a) => a.encapsulate(`/p2p/${rec.id}`))
          : peerIdFromString(rec.id);
      await node.dial(target, { signal: AbortSignal.timeout(this.deps.handshakeTimeoutMs) });
      rec.redialAttempt = 0;
      return true;
    } catch (err) {
      this.deps.log.debug(
        { peer: rec.id, err: (err as Error).message, attempt: rec.redialAttempt },
        'dial failed',
      );
      this.scheduleRedial(rec);
      return false;
    }
  }

  private scheduleRedial(rec: PeerRecord, attemptOverride?: number): void {
    if (this.deps.stopped() || rec.redialTimer || this.deps.isBlocked(rec.id)) return;
    if (!rec.keep && rec.redialAttempt >= this.deps.maxRedialAttempts) return;
    const attempt = attemptOverride ?? rec.redialAttempt;
    const delay = backoffDelayMs(attempt, this.deps.backoff, this.deps.random());
    rec.redialAttempt += 1;
    rec.redialTimer = setTimeout(() => {
      rec.redialTimer = undefined;
      const node = this.deps.node();
      if (node && node.getConnections(peerIdFromString(rec.id)).length === 0) void this.dial(rec);
    }, delay);
    rec.redialTimer.unref();
  }
}
