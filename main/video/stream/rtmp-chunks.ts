/**
 * RTMP's chunk stream (Adobe "Real-Time Messaging Protocol" 1.0, §5.3): messages cut into chunks of
 * at most the sender's chunk size, each chunk behind a basic header (format, chunk stream id) and a
 * message header of 11, 7, 3 or 0 bytes; a timestamp of 0xFFFFFF or more goes into a 4-byte extended
 * timestamp, repeated in every continuation chunk of that message (as nginx-rtmp, ffmpeg and
 * librtmp read it).
 */
import { VideoError } from '../errors';

/** One RTMP message: its type (§5.4, §7.1), timestamp, message stream id and payload. */
export interface RtmpMessage {
  typeId: number;
  timestampMs: number;
  streamId: number;
  payload: Buffer;
}

/** Message types a publisher sends or reads. */
export const MSG = Object.freeze({
  setChunkSize: 1,
  abort: 2,
  ack: 3,
  userControl: 4,
  windowAckSize: 5,
  setPeerBandwidth: 6,
  audio: 8,
  video: 9,
  dataAmf0: 18,
  commandAmf0: 20,
});

/** The chunk size every RTMP peer starts with. */
export const DEFAULT_CHUNK_BYTES = 128;
const EXTENDED = 0xffffff;
/** A message larger than this from the server is refused (a server's answers are a few hundred bytes). */
const MAX_INCOMING_MESSAGE_BYTES = 1024 * 1024;

/**
 * The chunks of `msg` on chunk stream `csid` (2–65599) at `chunkBytes` per chunk: the first with a
 * full (format 0) header, the rest format 3.
 *
 * @example writeChunks({ typeId: MSG.video, timestampMs: 40, streamId: 1, payload }, 6, 4096)
 */
export function writeChunks(msg: RtmpMessage, csid: number, chunkBytes: number): Buffer {
  const ts = msg.timestampMs >>> 0;
  const extended = ts >= EXTENDED;
  const parts: Buffer[] = [];
  const len = msg.payload.length;
  let off = 0;
  do {
    const first = off === 0;
    const fmt = first ? 0 : 3;
    parts.push(basicHeader(fmt, csid));
    if (first) {
      const h = Buffer.alloc(11);
      h.writeUIntBE(extended ? EXTENDED : ts, 0, 3);
      h.writeUIntBE(len, 3, 3);
      h[6] = msg.typeId;
      h.writeUInt32LE(msg.streamId, 7); // the one little-endian field of the protocol
      parts.push(h);
    }
    if (extended) {
      const e = Buffer.alloc(4);
      e.writeUInt32BE(ts, 0);
      parts.push(e);
    }
    const n = Math.min(chunkBytes, len - off);
    parts.push(msg.payload.subarray(off, off + n));
    off += n;
  } while (off < len);
  return Buffer.concat(parts);
}

function basicHeader(fmt: number, csid: number): Buffer {
  if (csid >= 2 && csid <= 63) return Buffer.of((fmt << 6) | csid);
  if (csid >= 64 && csid <= 319) return Buffer.of(fmt << 6, csid - 64);
  if (csid >= 64 && csid <= 65599) {
    const v = csid - 64;
    return Buffer.of((fmt << 6) | 1, v & 0xff, v >> 8);
  }
  throw new RangeError(`chunk stream id ${csid} is outside 2–65599`);
}

/** What a chunk stream remembers of its last message header (formats 1–3 leave parts out). */
interface ChunkStreamState {
  timestampMs: number;
  delta: number;
  length: number;
  typeId: number;
  streamId: number;
  extended: boolean;
  /** The message being assembled, and how much of it has arrived. */
  body: Buffer | undefined;
  received: number;
}

/**
 * Reassembles messages from a peer's chunks as bytes arrive. The peer's chunk size starts at 128
 * and changes with its Set Chunk Size messages, which this reader applies itself.
 */
export class ChunkReader {
  private pending = Buffer.alloc(0);
  private readonly streams = new Map<number, ChunkStreamState>();
  /** The peer's chunk size now. */
  chunkBytes = DEFAULT_CHUNK_BYTES;

  /** The messages completed by `chunk`. */
  push(chunk: Uint8Array): RtmpMessage[] {
    this.pending = this.pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.pending, chunk]);
    const out: RtmpMessage[] = [];
    for (;;) {
      const used = this.readChunk(out);
      if (used === 0) break;
      this.pending = this.pending.subarray(used);
    }
    return out;
  }

  /** Reads one chunk from `pending`; returns the bytes it took, 0 when it has not all arrived. */
  private readChunk(out: RtmpMessage[]): number {
    const b = this.pending;
    const h = this.readHeader(b);
    if (!h) return 0;
    const { csid, next } = h;
    const have = next.received;
    const n = Math.min(this.chunkBytes, next.length - have);
    if (b.length < h.pos + n) return 0;
    const body = next.body ?? Buffer.alloc(next.length);
    b.copy(body, have, h.pos, h.pos + n);
    next.body = body;
    next.received = have + n;
    this.streams.set(csid, next);
    if (next.received >= next.length) {
      next.body = undefined;
      next.received = 0;
      this.deliver(
        { typeId: next.typeId, timestampMs: next.timestampMs, streamId: next.streamId, payload: body },
        out,
      );
    }
    return h.pos + n;
  }

  /**
   * The chunk's basic and message headers (and extended timestamp) at the start of `b`, applied to
   * its chunk stream's state (not yet stored); null when they have not all arrived.
   */
  private readHeader(b: Buffer): { csid: number; pos: number; next: ChunkStreamState } | null {
    if (b.length < 1) return null;
    const fmt = b[0]! >> 6;
    let csid = b[0]! & 0x3f;
    let pos = 1;
    if (csid === 0) {
      if (b.length < 2) return null;
      csid = 64 + b[1]!;
      pos = 2;
    } else if (csid === 1) {
      if (b.length < 3) return null;
      csid = 64 + b[1]! + (b[2]! << 8);
      pos = 3;
    }
    const headerBytes = [11, 7, 3, 0][fmt]!;
    if (b.length < pos + headerBytes) return null;
    const st = this.streams.get(csid);
    if (!st && fmt !== 0)
      throw new VideoError('STREAM_FAILED', `RTMP chunk of format ${fmt} opened chunk stream ${csid}`, {
        reason: 'protocol',
      });
    const next: ChunkStreamState = st
      ? { ...st }
      : {
          timestampMs: 0,
          delta: 0,
          length: 0,
          typeId: 0,
          streamId: 0,
          extended: false,
          body: undefined,
          received: 0,
        };
    let field = 0;
    if (fmt <= 2) {
      field = b.readUIntBE(pos, 3);
      next.extended = field === EXTENDED;
    }
    if (fmt <= 1) {
      next.length = b.readUIntBE(pos + 3, 3);
      next.typeId = b[pos + 6]!;
    }
    if (fmt === 0) next.streamId = b.readUInt32LE(pos + 7);
    pos += headerBytes;
    if (next.extended) {
      if (b.length < pos + 4) return null;
      if (fmt <= 2) field = b.readUInt32BE(pos);
      pos += 4;
    }
    if (next.body === undefined) {
      // A new message: its timestamp is absolute (format 0) or a delta on the stream's last.
      if (fmt === 0) next.timestampMs = field;
      else if (fmt === 1 || fmt === 2) {
        next.delta = field;
        next.timestampMs = (next.timestampMs + field) >>> 0;
      } else next.timestampMs = (next.timestampMs + next.delta) >>> 0;
      next.received = 0;
      if (next.length > MAX_INCOMING_MESSAGE_BYTES)
        throw new VideoError(
          'STREAM_FAILED',
          `RTMP server sent a message of ${next.length} bytes; at most ${MAX_INCOMING_MESSAGE_BYTES}`,
          { reason: 'protocol' },
        );
    }
    return { csid, pos, next };
  }

  /** A whole message: protocol control the reader applies itself (chunk size, abort), the rest out. */
  private deliver(msg: RtmpMessage, out: RtmpMessage[]): void {
    const body = msg.payload;
    if (msg.typeId === MSG.setChunkSize && body.length >= 4) {
      const size = body.readUInt32BE(0) & 0x7fffffff;
      if (size < 1)
        throw new VideoError('STREAM_FAILED', 'RTMP server set a chunk size of 0', { reason: 'protocol' });
      this.chunkBytes = size;
    }
    if (msg.typeId === MSG.abort && body.length >= 4) {
      // Abort: the named chunk stream drops its half-read message.
      const s = this.streams.get(body.readUInt32BE(0));
      if (s) {
        s.body = undefined;
        s.received = 0;
      }
    } else out.push(msg);
  }
}
