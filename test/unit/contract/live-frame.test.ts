import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  LIVE_FRAME_MAX_HEADER_BYTES,
  LiveFrameError,
  decodeLiveFrame,
  encodeLiveFrame,
} from '../../../main/contract/live-frame';

const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]);

/** A message with `header` (bytes or JSON text) and `body` after it, framed by hand. */
function framed(header: Uint8Array | string, body: Uint8Array = JPEG, declaredBytes?: number): Uint8Array {
  const h = typeof header === 'string' ? new TextEncoder().encode(header) : header;
  const out = new Uint8Array(4 + h.length + body.length);
  new DataView(out.buffer).setUint32(0, declaredBytes ?? h.length, false);
  out.set(h, 4);
  out.set(body, 4 + h.length);
  return out;
}

describe('live frames on the WebSocket (4-byte header length, JSON header, JPEG)', () => {
  it('round-trips any camera id, time and JPEG', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 64 }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.uint8Array({ maxLength: 2048 }),
        (cameraId, atMs, tail) => {
          const jpeg = Uint8Array.from([0xff, 0xd8, ...tail]);
          const back = decodeLiveFrame(encodeLiveFrame({ cameraId, atMs, jpeg }));
          expect(back.cameraId).toBe(cameraId);
          expect(Object.is(back.atMs, atMs === 0 ? 0 : atMs)).toBe(true);
          expect([...back.jpeg]).toEqual([...jpeg]);
        },
      ),
    );
  });

  it('lays the bytes out as documented: big-endian length, UTF-8 JSON, then the JPEG', () => {
    const bytes = encodeLiveFrame({ cameraId: 'cam-1', atMs: 1700000000000, jpeg: JPEG });
    const header = '{"cameraId":"cam-1","atMs":1700000000000}';
    expect([...bytes.subarray(0, 4)]).toEqual([0, 0, 0, header.length]);
    expect(new TextDecoder().decode(bytes.subarray(4, 4 + header.length))).toBe(header);
    expect([...bytes.subarray(4 + header.length)]).toEqual([...JPEG]);
  });

  it('decodes a frame that sits inside a larger buffer (a view at an offset)', () => {
    const bytes = encodeLiveFrame({ cameraId: 'c', atMs: 5, jpeg: JPEG });
    const padded = new Uint8Array(bytes.length + 7);
    padded.set(bytes, 3);
    expect(decodeLiveFrame(padded.subarray(3, 3 + bytes.length)).cameraId).toBe('c');
  });

  it.each([
    ['an empty message', new Uint8Array(0), /at least 4 bytes, got 0/],
    ['three bytes', Uint8Array.from([0, 0, 0]), /at least 4 bytes, got 3/],
    [
      'a header longer than the message',
      framed('{"cameraId":"c","atMs":1}', JPEG, 500),
      /header of 500 bytes in a message of/,
    ],
    [
      'a header over the limit',
      framed('x', JPEG, LIVE_FRAME_MAX_HEADER_BYTES + 1),
      /header of 1025 bytes \(at most 1024\)/,
    ],
    ['a header that is not JSON', framed('{cameraId'), /not UTF-8 JSON/],
    ['a header that is not UTF-8', framed(Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d])), /not UTF-8 JSON/],
    ['a header without atMs', framed('{"cameraId":"c"}'), /not \{ cameraId, atMs \}/],
    [
      'a header with more fields',
      framed('{"cameraId":"c","atMs":1,"jpegBase64":"x"}'),
      /not \{ cameraId, atMs \}/,
    ],
    ['an empty camera id', framed('{"cameraId":"","atMs":1}'), /not \{ cameraId, atMs \}/],
    ['no picture after the header', framed('{"cameraId":"c","atMs":1}', new Uint8Array(0)), /not a JPEG/],
    [
      'a PNG after the header',
      framed('{"cameraId":"c","atMs":1}', Uint8Array.from([0x89, 0x50, 0x4e, 0x47])),
      /not a JPEG/,
    ],
  ])('refuses %s', (_what, bytes, message) => {
    let err: unknown;
    try {
      decodeLiveFrame(bytes);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LiveFrameError);
    expect(err).toMatchObject({ code: 'BAD_LIVE_FRAME', message: expect.stringMatching(message) });
  });

  it('refuses to encode a header over the limit', () => {
    expect(() => encodeLiveFrame({ cameraId: 'c'.repeat(2000), atMs: 1, jpeg: JPEG })).toThrow(
      LiveFrameError,
    );
  });
});
