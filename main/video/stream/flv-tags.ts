/**
 * The tags of an FLV byte stream as ffmpeg writes it to a pipe (`-f flv pipe:1`), read as the bytes
 * arrive: the header, then tags of audio (8), video (9) or script data (18), each with its 32-bit
 * millisecond timestamp (Adobe's "Video File Format Specification" v10, annex E).
 */
import { VideoError } from '../errors';

/** FLV tag types. */
export const FLV_TAG = Object.freeze({ audio: 8, video: 9, script: 18 });

/** One FLV tag: its type, timestamp and body (what an RTMP message of that type carries). */
export interface FlvTag {
  type: number;
  timestampMs: number;
  data: Buffer;
}

const FILE_HEADER_BYTES = 9;
const TAG_HEADER_BYTES = 11;
const PREVIOUS_TAG_SIZE_BYTES = 4;
/** A tag larger than this is refused (a 4K keyframe at a high bitrate is a few MB). */
const MAX_TAG_BYTES = 16 * 1024 * 1024;

/** Whether a video tag holds a keyframe (frame type 1 in its first byte's high nibble). */
export function isKeyframe(tag: FlvTag): boolean {
  return tag.type === FLV_TAG.video && tag.data.length > 0 && tag.data[0]! >> 4 === 1;
}

/** Whether a video tag is an AVC sequence header (the decoder configuration every player needs first). */
export function isAvcSequenceHeader(tag: FlvTag): boolean {
  return (
    tag.type === FLV_TAG.video && tag.data.length > 1 && (tag.data[0]! & 0x0f) === 7 && tag.data[1] === 0
  );
}

/**
 * Reads FLV tags from chunks of a byte stream.
 *
 * @example const r = new FlvTagReader(); ffmpeg.stdout.on('data', (c) => { for (const t of r.push(c)) send(t); });
 */
export class FlvTagReader {
  private pending = Buffer.alloc(0);
  private headerRead = false;

  /** The tags completed by `chunk` (a tag cut across chunks is returned once its end arrives). */
  push(chunk: Uint8Array): FlvTag[] {
    this.pending = this.pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.pending, chunk]);
    const tags: FlvTag[] = [];
    let pos = 0;
    if (!this.headerRead) {
      if (this.pending.length < FILE_HEADER_BYTES + PREVIOUS_TAG_SIZE_BYTES) return tags;
      if (this.pending.toString('latin1', 0, 3) !== 'FLV')
        throw new VideoError(
          'STREAM_FAILED',
          'the encoder wrote something that is not FLV (no "FLV" signature)',
          {
            reason: 'encoder',
          },
        );
      pos = this.pending.readUInt32BE(5) + PREVIOUS_TAG_SIZE_BYTES;
      this.headerRead = true;
    }
    while (this.pending.length - pos >= TAG_HEADER_BYTES) {
      const type = this.pending[pos]! & 0x1f;
      const size = this.pending.readUIntBE(pos + 1, 3);
      if (size > MAX_TAG_BYTES)
        throw new VideoError('STREAM_FAILED', `FLV tag of ${size} bytes; at most ${MAX_TAG_BYTES}`, {
          reason: 'encoder',
        });
      const end = pos + TAG_HEADER_BYTES + size + PREVIOUS_TAG_SIZE_BYTES;
      if (this.pending.length < end) break;
      // 24 low bits, then the 8 high bits ("TimestampExtended").
      const timestampMs = (this.pending.readUIntBE(pos + 4, 3) | (this.pending[pos + 7]! << 24)) >>> 0;
      const body = pos + TAG_HEADER_BYTES;
      tags.push({ type, timestampMs, data: Buffer.from(this.pending.subarray(body, body + size)) });
      pos = end;
    }
    this.pending = this.pending.subarray(pos);
    return tags;
  }
}
