import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChunkReader, MSG, writeChunks, type RtmpMessage } from '../../../../main/video/stream/rtmp-chunks';

function message(typeId: number, timestampMs: number, bytes: number, streamId = 1): RtmpMessage {
  const payload = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) payload[i] = (i * 31) & 0xff;
  return { typeId, timestampMs, streamId, payload };
}

function reader(chunkBytes: number): ChunkReader {
  const r = new ChunkReader();
  r.chunkBytes = chunkBytes;
  return r;
}

describe('RTMP chunks', () => {
  it('cuts a message into a format 0 chunk and format 3 continuations', () => {
    const m = message(MSG.video, 40, 300);
    const b = writeChunks(m, 6, 128);
    // 1 + 11 header bytes + 128, then (1 + 128) and (1 + 44).
    expect(b.length).toBe(12 + 128 + 129 + 45);
    expect(b[0]).toBe(0x06);
    expect(b.readUIntBE(1, 3)).toBe(40);
    expect(b.readUIntBE(4, 3)).toBe(300);
    expect(b[7]).toBe(MSG.video);
    expect(b.readUInt32LE(8)).toBe(1);
    expect(b[12 + 128]).toBe(0xc6);
    expect(b[12 + 128 + 129]).toBe(0xc6);
    expect(reader(128).push(b)).toEqual([m]);
  });

  it('puts a timestamp past 0xFFFFFF in an extended timestamp, repeated in every continuation chunk', () => {
    const ts = 0xffffff + 12_345;
    const m = message(MSG.video, ts, 10_000);
    const b = writeChunks(m, 6, 4096);
    expect(b.readUIntBE(1, 3)).toBe(0xffffff);
    expect(b.readUInt32BE(12)).toBe(ts);
    const second = 12 + 4 + 4096;
    expect(b[second]).toBe(0xc6);
    expect(b.readUInt32BE(second + 1)).toBe(ts);
    const third = second + 1 + 4 + 4096;
    expect(b.readUInt32BE(third + 1)).toBe(ts);
    expect(b.length).toBe(third + 1 + 4 + (10_000 - 2 * 4096));
    expect(reader(4096).push(b)).toEqual([m]);
    // Exactly 0xFFFFFF is extended too; one below is not.
    expect(writeChunks(message(MSG.video, 0xffffff, 1), 6, 128).length).toBe(12 + 4 + 1);
    expect(writeChunks(message(MSG.video, 0xfffffe, 1), 6, 128).length).toBe(12 + 1);
  });

  it('writes the two- and three-byte basic headers for chunk streams 64 and up', () => {
    const m = message(MSG.dataAmf0, 0, 5);
    expect([...writeChunks(m, 64, 128).subarray(0, 2)]).toEqual([0x00, 0]);
    expect([...writeChunks(m, 319, 128).subarray(0, 2)]).toEqual([0x00, 255]);
    expect([...writeChunks(m, 320, 128).subarray(0, 3)]).toEqual([0x01, 0, 1]);
    for (const csid of [2, 63, 64, 319, 320, 65599])
      expect(reader(128).push(writeChunks(m, csid, 128))).toEqual([m]);
  });

  it("reassembles interleaved messages fed a byte at a time, and applies the peer's Set Chunk Size", () => {
    const size = Buffer.alloc(4);
    size.writeUInt32BE(60, 0);
    const setSize: RtmpMessage = { typeId: MSG.setChunkSize, timestampMs: 0, streamId: 0, payload: size };
    const a = message(MSG.commandAmf0, 0, 200, 0);
    const c = message(MSG.video, 0x1234567, 150);
    const bytes = Buffer.concat([writeChunks(setSize, 2, 128), writeChunks(a, 3, 60), writeChunks(c, 6, 60)]);
    const r = new ChunkReader();
    const got: RtmpMessage[] = [];
    for (const byte of bytes) got.push(...r.push(Buffer.of(byte)));
    expect(got).toEqual([setSize, a, c]);
    expect(r.chunkBytes).toBe(60);
  });

  it('round-trips any message at any chunk size (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 20_000 }),
        fc.integer({ min: 1, max: 70_000 }),
        fc.integer({ min: 2, max: 65599 }),
        (ts, bytes, chunkBytes, csid) => {
          const m = message(MSG.video, ts, bytes);
          expect(reader(chunkBytes).push(writeChunks(m, csid, chunkBytes))).toEqual([m]);
        },
      ),
      { numRuns: 200 },
    );
  });
});
