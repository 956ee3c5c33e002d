/**
 * An RTMP publisher written in node, so that the stream key travels only inside the RTMP session
 * and never on a process's command line (Debian's ffmpeg 5.1 cannot read an output URL from a file
 * or stdin). It follows Adobe's "Real-Time Messaging Protocol" 1.0: the simple handshake (§5.2),
 * Set Chunk Size, then the commands an encoder sends (§7.2: connect, releaseStream, FCPublish,
 * createStream, publish), and FLV's tags as messages once the server says NetStream.Publish.Start.
 * rtmps:// is the same over TLS (node:tls, the host's name checked against the system's CAs).
 */
import { randomBytes } from 'node:crypto';
import { isIP, connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, getCACertificates } from 'node:tls';
import { VideoError, type StreamFailureReason } from '../errors';
import { redactCredentials } from '../redact';
import { EcmaArray, decodeAmf0, encodeAmf0, type Amf0Value } from './amf0';
import { FLV_TAG, isAvcSequenceHeader, isKeyframe, type FlvTag } from './flv-tags';
import type { IngestTarget } from './ingest-url';
import { ChunkReader, MSG, writeChunks, type RtmpMessage } from './rtmp-chunks';

/** Options of {@link RtmpClient}. */
export interface RtmpClientOptions {
  /** How long connecting, the handshake and the publish commands may take together. */
  connectTimeoutMs?: number;
  /** Bytes the socket may hold unsent; above it video is dropped up to the next keyframe. */
  maxQueuedBytes?: number;
  /** Added to every tag's timestamp (tests start past 0xFFFFFF to cross into extended timestamps). */
  timestampBaseMs?: number;
  /** CAs (PEM) trusted for rtmps:// besides node's and the system's (a test's own CA). */
  extraCas?: string[];
}

const HANDSHAKE_BYTES = 1536;
/** Our chunk size (the server's Set Chunk Size may differ; each side uses its own). */
const OUT_CHUNK_BYTES = 4096;
const FLASH_VER = 'FMLE/3.0 (compatible; hotpot)';
// Chunk stream ids: 2 is protocol control; the rest are ours to choose.
const CSID_CONTROL = 2;
const CSID_COMMAND = 3;
const CSID_DATA = 4;
const CSID_VIDEO = 6;
const TX = Object.freeze({ connect: 1, releaseStream: 2, fcPublish: 3, createStream: 4, publish: 5 });

type Phase = 'handshake' | 'connecting' | 'publishing' | 'published' | 'closed';

/**
 * One RTMP publish session: connects, publishes `target.streamKey` under `target.app`, then sends
 * the FLV tags it is given. {@link ready} settles when the server accepted (or refused) the
 * stream; {@link ended} when the connection is over (null after {@link close}, else why).
 *
 * @example
 * const c = new RtmpClient(parseIngestUrl(url));
 * await c.ready; // VideoError STREAM_FAILED (data.reason) when refused
 * for (const tag of flvTags) c.sendTag(tag);
 * await c.close();
 */
export class RtmpClient {
  /** Resolves once NetStream.Publish.Start came; rejects with a STREAM_FAILED VideoError. */
  readonly ready: Promise<void>;
  /** Resolves when the connection ended: null when {@link close} ended it, else the error. */
  readonly ended: Promise<VideoError | null>;
  /** Video tags dropped: before the first keyframe, or while the socket was behind (up to the next keyframe). */
  framesDropped = 0;
  framesSent = 0;

  private readonly socket: Socket;
  private readonly reader = new ChunkReader();
  private readonly opts: Required<RtmpClientOptions>;
  private phase: Phase = 'handshake';
  private handshake = Buffer.alloc(0);
  private streamId = 0;
  private bytesIn = 0;
  private lastAckAt = 0;
  private ackWindow = 0;
  private needKeyframe = true;
  private metadata: FlvTag | undefined;
  private sequenceHeader: FlvTag | undefined;
  private closing = false;
  /** Video since the last keyframe, held until the server accepts the stream. */
  private held: FlvTag[] = [];
  private heldBytes = 0;
  private resolveReady!: () => void;
  private rejectReady!: (e: VideoError) => void;
  private resolveEnded!: (e: VideoError | null) => void;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly target: IngestTarget,
    opts: RtmpClientOptions = {},
  ) {
    this.opts = {
      connectTimeoutMs: 15_000,
      maxQueuedBytes: 1024 * 1024,
      timestampBaseMs: 0,
      extraCas: [],
      ...opts,
    };
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    // Callers that only watch `ended` must not see an unhandled rejection.
    this.ready.catch(() => undefined);
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
    this.timer = setTimeout(
      () =>
        this.fail(
          'timeout',
          `${this.where()} did not accept the stream within ${this.opts.connectTimeoutMs} ms (${this.phase})`,
        ),
      this.opts.connectTimeoutMs,
    );
    this.socket = target.secure
      ? tlsConnect({
          host: target.host,
          port: target.port,
          // SNI takes a name, not an address (the certificate is still checked against the address).
          servername: isIP(target.host) ? undefined : target.host,
          ca: [...systemCas(), ...this.opts.extraCas],
        })
      : netConnect({ host: target.host, port: target.port });
    this.socket.setNoDelay(true);
    this.socket.once(target.secure ? 'secureConnect' : 'connect', () => this.sendC0C1());
    this.socket.on('data', (d: Buffer) => this.onData(d));
    this.socket.on('error', (err: NodeJS.ErrnoException) => {
      // System errors are E + capitals (ECONNREFUSED); certificate and TLS ones are not.
      const tls = target.secure && this.phase === 'handshake' && !/^E[A-Z]+$/.test(err.code ?? '');
      this.fail(
        tls ? 'tls' : this.phase === 'handshake' ? 'unreachable' : 'closed',
        `${this.where()}: ${err.code ?? err.message}`,
      );
    });
    this.socket.on('close', () => {
      if (this.closing) this.finish(null);
      else
        this.fail(
          this.phase === 'handshake' ? 'unreachable' : 'closed',
          `${this.where()} closed the connection (${this.phase})`,
        );
    });
  }

  /**
   * Sends one FLV tag as a message of its type on the published stream. The script tag goes as
   * `@setDataFrame`; until publishing begins the video since the last keyframe is held, and while
   * the socket holds more than `maxQueuedBytes` video is dropped up to the next keyframe (the AVC
   * sequence header never is).
   */
  sendTag(tag: FlvTag): void {
    if (tag.type === FLV_TAG.script) {
      this.metadata = tag;
      if (this.phase === 'published') this.sendMetadata(tag);
      return;
    }
    if (tag.type !== FLV_TAG.video) return;
    if (isAvcSequenceHeader(tag)) {
      this.sequenceHeader = tag;
      if (this.phase === 'published') this.sendVideo(tag);
      return;
    }
    if (this.phase !== 'published') return this.holdUntilPublished(tag);
    if (this.socket.writableLength > this.opts.maxQueuedBytes) {
      this.framesDropped++;
      this.needKeyframe = true;
      return;
    }
    if (this.needKeyframe && !isKeyframe(tag)) {
      this.framesDropped++;
      return;
    }
    this.needKeyframe = false;
    this.sendVideo(tag);
    this.framesSent++;
  }

  /**
   * Keeps the video since the last keyframe while the server has not yet said Publish.Start (the
   * encoder's first keyframe usually comes before it), at most `maxQueuedBytes` of it.
   */
  private holdUntilPublished(tag: FlvTag): void {
    if (isKeyframe(tag)) {
      this.framesDropped += this.held.length;
      this.held = [];
      this.heldBytes = 0;
    } else if (this.held.length === 0) {
      this.framesDropped++;
      return;
    }
    if (this.heldBytes + tag.data.length > this.opts.maxQueuedBytes) {
      this.framesDropped += this.held.length + 1;
      this.held = [];
      this.heldBytes = 0;
      return;
    }
    this.held.push(tag);
    this.heldBytes += tag.data.length;
  }

  /** Unpublishes and closes the connection; {@link ended} resolves with null. */
  async close(timeoutMs = 3000): Promise<void> {
    if (this.phase === 'closed') return;
    this.closing = true;
    if (this.phase === 'published') {
      this.command(CSID_COMMAND, 0, 'FCUnpublish', 0, null, this.target.streamKey);
      this.command(CSID_COMMAND, 0, 'deleteStream', 0, null, this.streamId);
    }
    this.socket.end();
    const t = setTimeout(() => this.socket.destroy(), timeoutMs);
    await this.ended;
    clearTimeout(t);
  }

  private where(): string {
    return `RTMP server ${this.target.host}:${this.target.port}`;
  }

  private sendC0C1(): void {
    // C1: time (4 bytes), zero (4; zero means the simple handshake), 1528 random bytes.
    const c1 = Buffer.alloc(HANDSHAKE_BYTES);
    randomBytes(HANDSHAKE_BYTES - 8).copy(c1, 8);
    this.socket.write(Buffer.concat([Buffer.of(3), c1]));
  }

  private onData(d: Buffer): void {
    try {
      if (this.phase === 'handshake') {
        this.handshake = Buffer.concat([this.handshake, d]);
        if (this.handshake.length < 1 + 2 * HANDSHAKE_BYTES) return;
        if (this.handshake[0] !== 3)
          return this.fail('protocol', `${this.where()} answered RTMP version ${this.handshake[0]}, not 3`);
        // C2 echoes S1; S2 (our C1 echoed) is not checked, as servers do not check it either.
        const s1 = this.handshake.subarray(1, 1 + HANDSHAKE_BYTES);
        const rest = this.handshake.subarray(1 + 2 * HANDSHAKE_BYTES);
        this.handshake = Buffer.alloc(0);
        this.socket.write(s1);
        this.startSession();
        if (rest.length > 0) this.onData(rest);
        return;
      }
      this.bytesIn += d.length;
      if (this.ackWindow > 0 && this.bytesIn - this.lastAckAt >= this.ackWindow) {
        this.lastAckAt = this.bytesIn;
        this.control(MSG.ack, this.bytesIn >>> 0);
      }
      for (const m of this.reader.push(d)) this.onMessage(m);
    } catch (err) {
      if (err instanceof VideoError) this.fail(reasonOf(err), err.message);
      else throw err;
    }
  }

  private startSession(): void {
    this.phase = 'connecting';
    this.control(MSG.setChunkSize, OUT_CHUNK_BYTES);
    this.command(CSID_COMMAND, 0, 'connect', TX.connect, {
      app: this.target.app,
      type: 'nonprivate',
      flashVer: FLASH_VER,
      tcUrl: this.target.tcUrl,
    });
  }

  private onMessage(m: RtmpMessage): void {
    switch (m.typeId) {
      case MSG.windowAckSize:
        if (m.payload.length >= 4) this.ackWindow = m.payload.readUInt32BE(0);
        return;
      case MSG.setPeerBandwidth:
        if (m.payload.length >= 4) this.control(MSG.windowAckSize, m.payload.readUInt32BE(0));
        return;
      case MSG.userControl:
        // Ping request (event 6) → ping response (7) with the same timestamp.
        if (m.payload.length >= 6 && m.payload.readUInt16BE(0) === 6) {
          const pong = Buffer.alloc(6);
          pong.writeUInt16BE(7, 0);
          m.payload.copy(pong, 2, 2, 6);
          this.write({ typeId: MSG.userControl, timestampMs: 0, streamId: 0, payload: pong }, CSID_CONTROL);
        }
        return;
      case MSG.commandAmf0:
        return this.onCommand(decodeAmf0(m.payload));
      default:
        return;
    }
  }

  private onCommand(values: Amf0Value[]): void {
    const [name, tx] = values;
    if (name === '_result' && tx === TX.connect) {
      this.phase = 'publishing';
      const key = this.target.streamKey;
      this.command(CSID_COMMAND, 0, 'releaseStream', TX.releaseStream, null, key);
      this.command(CSID_COMMAND, 0, 'FCPublish', TX.fcPublish, null, key);
      this.command(CSID_COMMAND, 0, 'createStream', TX.createStream, null);
    } else if (name === '_result' && tx === TX.createStream) {
      const id = values[3];
      if (typeof id !== 'number')
        return this.fail('protocol', `${this.where()} answered createStream without a stream id`);
      this.streamId = id;
      this.command(CSID_COMMAND, id, 'publish', TX.publish, null, this.target.streamKey, 'live');
    } else if (name === '_error') {
      // An error to releaseStream or FCPublish is usual (the server does not know them); the others fail.
      if (tx === TX.releaseStream || tx === TX.fcPublish) return;
      this.fail('refused', `${this.where()} refused ${commandOf(tx)}: ${this.describe(values[3])}`);
    } else if (name === 'onStatus') {
      const info = values[3];
      const code = statusField(info, 'code');
      if (code === 'NetStream.Publish.Start') {
        this.phase = 'published';
        clearTimeout(this.timer);
        if (this.metadata) this.sendMetadata(this.metadata);
        if (this.sequenceHeader) this.sendVideo(this.sequenceHeader);
        const held = this.held;
        this.held = [];
        this.heldBytes = 0;
        this.needKeyframe = true;
        for (const t of held) this.sendTag(t);
        this.resolveReady();
      } else if (code === 'NetStream.Publish.BadName') {
        this.fail(
          'bad-name',
          `${this.where()} refused the stream key (NetStream.Publish.BadName: ${this.describe(info)})`,
        );
      } else if (statusField(info, 'level') === 'error') {
        this.fail(
          'refused',
          `${this.where()} stopped the stream (${code ?? 'no code'}: ${this.describe(info)})`,
        );
      }
    }
  }

  /** The server's own words, the key redacted (some servers quote the stream name). */
  private describe(info: Amf0Value): string {
    const text = statusField(info, 'description') ?? statusField(info, 'code') ?? 'no description';
    return redactCredentials(text.slice(0, 300), [this.target.streamKey]);
  }

  private sendMetadata(tag: FlvTag): void {
    const payload = Buffer.concat([encodeAmf0('@setDataFrame'), tag.data]);
    this.write({ typeId: MSG.dataAmf0, timestampMs: 0, streamId: this.streamId, payload }, CSID_DATA);
  }

  private sendVideo(tag: FlvTag): void {
    this.write(
      {
        typeId: MSG.video,
        timestampMs: (tag.timestampMs + this.opts.timestampBaseMs) >>> 0,
        streamId: this.streamId,
        payload: tag.data,
      },
      CSID_VIDEO,
    );
  }

  private control(typeId: number, value: number): void {
    const payload = Buffer.alloc(4);
    payload.writeUInt32BE(value >>> 0, 0);
    this.write({ typeId, timestampMs: 0, streamId: 0, payload }, CSID_CONTROL);
  }

  private command(csid: number, streamId: number, name: string, tx: number, ...args: Amf0Value[]): void {
    this.write(
      { typeId: MSG.commandAmf0, timestampMs: 0, streamId, payload: encodeAmf0(name, tx, ...args) },
      csid,
    );
  }

  private write(m: RtmpMessage, csid: number): void {
    if (this.phase === 'closed' || this.socket.destroyed) return;
    // Set Chunk Size is the first message we send; until it is on the wire the server reads 128.
    this.socket.write(writeChunks(m, csid, m.typeId === MSG.setChunkSize ? 128 : OUT_CHUNK_BYTES));
  }

  private fail(reason: StreamFailureReason, message: string): void {
    if (this.phase === 'closed') return;
    const err = new VideoError('STREAM_FAILED', redactCredentials(message, [this.target.streamKey]), {
      reason,
      host: this.target.host,
    });
    this.rejectReady(err);
    this.socket.destroy();
    this.finish(err);
  }

  private finish(err: VideoError | null): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    clearTimeout(this.timer);
    this.rejectReady(
      err ??
        new VideoError('STREAM_FAILED', `${this.where()}: closed before publishing`, { reason: 'closed' }),
    );
    this.resolveEnded(err);
  }
}

function reasonOf(err: VideoError): StreamFailureReason {
  const r = err.data['reason'];
  return typeof r === 'string' ? (r as StreamFailureReason) : 'protocol';
}

function statusField(info: Amf0Value, field: string): string | undefined {
  if (info === null || typeof info !== 'object' || Array.isArray(info) || info instanceof EcmaArray)
    return undefined;
  const v = info[field];
  return typeof v === 'string' ? v : undefined;
}

function commandOf(tx: Amf0Value): string {
  const name = Object.entries(TX).find(([, n]) => n === tx)?.[0];
  return name ?? `command ${String(tx)}`;
}

/** The CAs node trusts by default and the system's, so a store's own CA in /etc/ssl works too. */
function systemCas(): string[] {
  return [...new Set([...getCACertificates('default'), ...getCACertificates('system')])];
}
