/**
 * How two peers tell each other their chain id, height and head hash (the status protocol,
 * `/hotpot/<chainId>/status/1`), on connect and on every refresh; and what becomes of a peer that
 * turns out to be on another chain, or not a Hot Pot node at all.
 */
import type { Connection, Libp2p, Stream } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import type { Offence } from './peer-scores';
import type { PeerRecords } from './peer-records';
import { isFramingError, readFrames, sendFrame } from './streams';
import type { LocalStatus, P2pLog } from './types';
import { decodeJson, encodeJson, MAX_STATUS_BYTES, StatusMessage } from './wire';

/** How long a peer of another chain stays connected after we found out (see dropForeign). */
const FOREIGN_HANGUP_GRACE_MS = 750;

const ZERO_HASH = `0x${'00'.repeat(32)}`;

/** What the status exchange needs from the network. */
export interface StatusExchangeDeps {
  chainId: string;
  /** The status protocol id of our chain. */
  protocol: string;
  /** Deadline of one exchange, ms. */
  handshakeTimeoutMs: number;
  /** How long a peer of another chain is not redialed and refused inbound, ms (the first ban length). */
  foreignMs: number;
  records: PeerRecords;
  log: P2pLog;
  now: () => number;
  /** The libp2p node while the network runs. */
  node(): Pick<Libp2p, 'dialProtocol'> | undefined;
  /** True once the network was told to stop. */
  stopped(): boolean;
  penalize(peerId: string, offence: Offence, reason: string): void;
  /** Closes every connection to the peer (nothing when not running; never throws). */
  hangUp(peerId: string): Promise<void>;
  /** Tells the peer-status listeners that the peer changed. */
  emit(peerId: string): void;
}

/**
 * Both sides of the status protocol.
 *
 * @example
 * const status = new StatusExchange({ chainId, protocol: protocolIds(chainId).status, … });
 * await node.handle(status.protocol, (stream, conn) => status.serve(stream, conn));
 * await status.refresh(peerId);
 */
export class StatusExchange {
  private provider: () => LocalStatus = () => ({ height: 0, headHash: ZERO_HASH });
  private readonly inflight = new Map<string, Promise<void>>();

  constructor(private readonly deps: StatusExchangeDeps) {}

  /** See `NodeNetwork.setStatusProvider`. */
  setProvider(provider: () => LocalStatus): void {
    this.provider = provider;
  }

  /** Exchanges statuses with a peer now; a call while one with the same peer runs joins it. */
  refresh(peerId: string): Promise<void> {
    const running = this.inflight.get(peerId);
    if (running) return running;
    const p = this.exchange(peerId).finally(() => this.inflight.delete(peerId));
    this.inflight.set(peerId, p);
    return p;
  }

  /** Answers a peer that opened the status protocol to us. */
  async serve(stream: Stream, conn: Connection): Promise<void> {
    const peerId = conn.remotePeer.toString();
    const signal = AbortSignal.timeout(this.deps.handshakeTimeoutMs);
    try {
      const req = await readFrames(stream, MAX_STATUS_BYTES, signal).next();
      if (req.done) throw new Error('stream ended before the status');
      if (!this.accept(peerId, req.value.subarray())) {
        stream.abort(new Error('status refused'));
        return;
      }
      await sendFrame(stream, encodeJson(this.ourStatus()));
      await stream.close({ signal });
    } catch (err) {
      stream.abort(err as Error);
      if (isFramingError(err))
        this.deps.penalize(peerId, 'bad-status', `bad status framing (${(err as Error).name})`);
    }
  }

  private ourStatus(): StatusMessage {
    const s = this.provider();
    return { v: 1, chainId: this.deps.chainId, height: s.height, headHash: s.headHash };
  }

  private async exchange(peerId: string): Promise<void> {
    const node = this.deps.node();
    if (!node || this.deps.stopped()) return;
    const signal = AbortSignal.timeout(this.deps.handshakeTimeoutMs);
    let stream: Stream;
    try {
      stream = await node.dialProtocol(peerIdFromString(peerId), this.deps.protocol, { signal });
    } catch (err) {
      if ((err as Error).name === 'UnsupportedProtocolError') {
        await this.dropForeign(
          peerId,
          'does not speak our chain’s status protocol (another chain or not a Hot Pot node)',
        );
      } else {
        this.deps.log.debug({ peer: peerId, err: (err as Error).message }, 'status exchange failed');
      }
      return;
    }
    try {
      const frames = readFrames(stream, MAX_STATUS_BYTES, signal);
      await sendFrame(stream, encodeJson(this.ourStatus()));
      const reply = await frames.next();
      if (reply.done) throw new Error('stream ended before the status');
      await stream.close({ signal });
      this.accept(peerId, reply.value.subarray());
    } catch (err) {
      stream.abort(err as Error);
      this.deps.log.debug({ peer: peerId, err: (err as Error).message }, 'status exchange failed');
    }
  }

  /** Checks and records a peer's status; false (and the peer is dropped) when it is not acceptable. */
  private accept(peerId: string, bytes: Uint8Array): boolean {
    const d = decodeJson(bytes, StatusMessage, MAX_STATUS_BYTES);
    if (!d.ok) {
      this.deps.penalize(peerId, 'bad-status', d.error);
      void this.deps.hangUp(peerId);
      return false;
    }
    if (d.value.chainId !== this.deps.chainId) {
      void this.dropForeign(peerId, `is on chain ${d.value.chainId}`);
      return false;
    }
    const rec = this.deps.records.record(peerId, 'inbound');
    rec.status = {
      chainId: d.value.chainId,
      height: d.value.height,
      headHash: d.value.headHash,
      receivedAtMs: this.deps.now(),
    };
    rec.foreignUntilMs = null;
    this.deps.emit(peerId);
    return true;
  }

  private async dropForeign(peerId: string, why: string): Promise<void> {
    const { records } = this.deps;
    const rec = records.record(peerId, 'inbound');
    rec.foreignUntilMs = this.deps.now() + this.deps.foreignMs;
    rec.status = null;
    records.cancelRedial(rec);
    this.deps.log.info({ peer: peerId, why }, 'dropping a peer of another chain');
    // A short grace before hanging up: the other side is finding out the same thing through its own
    // status exchange, and a connection closed under it would look like a dial failure to it (a
    // manager adding this address by hand would read "could not connect", not "another chain").
    // Nothing of ours is served to it meanwhile: our protocols and topics carry our chain id.
    await new Promise((r) => setTimeout(r, FOREIGN_HANGUP_GRACE_MS).unref?.());
    if (this.deps.stopped() || (records.get(peerId)?.foreignUntilMs ?? null) === null) return;
    await this.deps.hangUp(peerId);
    this.deps.emit(peerId);
  }
}
