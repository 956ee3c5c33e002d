/**
 * How one live frame travels as a binary WebSocket message on `/ws`: a 4-byte big-endian header
 * length, that many bytes of UTF-8 JSON `{ cameraId, atMs }`, then the anonymized JPEG's bytes.
 * The gateway encodes, the renderer decodes; both import this file (environment-free: no Buffer).
 */
import { z } from 'zod';
import { AppError } from '../common/errors';

/** One anonymized live JPEG of a camera, as the `video.live` event carries it. */
export interface LiveFrame {
  cameraId: string;
  /** When the frame was captured (wall clock, ms). */
  atMs: number;
  jpeg: Uint8Array;
}

/** The longest header a frame may carry (a camera id is at most 64 characters). */
export const LIVE_FRAME_MAX_HEADER_BYTES = 1024;

/** Why bytes are not a live frame. */
export type LiveFrameErrorCode = 'BAD_LIVE_FRAME';

/** Bytes that are not a live frame (too short, a header that is not the JSON it should be, no JPEG). */
export class LiveFrameError extends AppError<LiveFrameErrorCode> {
  override readonly name = 'LiveFrameError';
}

const Header = z.object({ cameraId: z.string().min(1).max(64), atMs: z.number() }).strict();

/**
 * One live frame as a binary message.
 *
 * @example ws.send(encodeLiveFrame({ cameraId: 'cam-1', atMs: Date.now(), jpeg }), { binary: true })
 */
export function encodeLiveFrame(f: LiveFrame): Uint8Array {
  const header = new TextEncoder().encode(JSON.stringify({ cameraId: f.cameraId, atMs: f.atMs }));
  if (header.length > LIVE_FRAME_MAX_HEADER_BYTES)
    throw new LiveFrameError(
      'BAD_LIVE_FRAME',
      `a live frame's header is at most ${LIVE_FRAME_MAX_HEADER_BYTES} bytes, got ${header.length}`,
    );
  const out = new Uint8Array(4 + header.length + f.jpeg.length);
  new DataView(out.buffer).setUint32(0, header.length, false);
  out.set(header, 4);
  out.set(f.jpeg, 4 + header.length);
  return out;
}

/**
 * Reads a binary message made by {@link encodeLiveFrame}; throws {@link LiveFrameError} on anything
 * else. The JPEG is a view into `bytes`, not a copy.
 *
 * @example const { cameraId, jpeg } = decodeLiveFrame(new Uint8Array(message.data as ArrayBuffer));
 */
export function decodeLiveFrame(bytes: Uint8Array): LiveFrame {
  const bad = (why: string): LiveFrameError =>
    new LiveFrameError('BAD_LIVE_FRAME', `not a live frame: ${why}`, { bytes: bytes.length });
  if (bytes.length < 4) throw bad(`expected at least 4 bytes, got ${bytes.length}`);
  const headerBytes = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, false);
  if (headerBytes > LIVE_FRAME_MAX_HEADER_BYTES)
    throw bad(`a header of ${headerBytes} bytes (at most ${LIVE_FRAME_MAX_HEADER_BYTES})`);
  if (4 + headerBytes > bytes.length)
    throw bad(`a header of ${headerBytes} bytes in a message of ${bytes.length}`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(4, 4 + headerBytes)));
  } catch {
    throw bad('its header is not UTF-8 JSON');
  }
  const header = Header.safeParse(json);
  if (!header.success) throw bad('its header is not { cameraId, atMs }');
  const jpeg = bytes.subarray(4 + headerBytes);
  if (jpeg.length < 2 || jpeg[0] !== 0xff || jpeg[1] !== 0xd8)
    throw bad('what follows the header is not a JPEG');
  return { ...header.data, jpeg };
}
