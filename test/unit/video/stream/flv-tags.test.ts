import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeAmf0, EcmaArray } from '../../../../main/video/stream/amf0';
import {
  FLV_TAG,
  FlvTagReader,
  isAvcSequenceHeader,
  isKeyframe,
  type FlvTag,
} from '../../../../main/video/stream/flv-tags';

const tmp = mkdtempSync(join(tmpdir(), 'hotpot-flv-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('FLV tag reader on an FLV made by Debian ffmpeg', () => {
  // 3 s at 10 fps, a keyframe every 10 frames, to a pipe as RtmpPublisher has ffmpeg write it.
  const made = spawnSync(
    'ffmpeg',
    [
      ...[
        '-hide_banner',
        '-loglevel',
        'error',
        '-f',
        'lavfi',
        '-i',
        'testsrc=size=320x240:rate=10',
        '-t',
        '3',
      ],
      ...['-c:v', 'libx264', '-g', '10', '-pix_fmt', 'yuv420p', '-flvflags', 'no_duration_filesize'],
      ...['-f', 'flv', 'pipe:1'],
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  const flv = made.stdout;

  function readInChunks(sizes: number[]): FlvTag[] {
    const r = new FlvTagReader();
    const tags: FlvTag[] = [];
    let pos = 0;
    for (let i = 0; pos < flv.length; i++) {
      const n = sizes[i % sizes.length]!;
      tags.push(...r.push(flv.subarray(pos, pos + n)));
      pos += n;
    }
    return tags;
  }

  it('reads the script tag, the AVC sequence header and every frame with its timestamp', () => {
    expect(made.status, made.stderr.toString()).toBe(0);
    const tags = readInChunks([flv.length]);
    const [script, seq, ...rest] = tags;
    // ffmpeg ends the stream with an AVC end-of-sequence tag (AVC packet type 2).
    const end = rest.pop()!;
    expect([end.type, end.data[1]]).toEqual([FLV_TAG.video, 2]);
    const frames = rest;
    expect(script!.type).toBe(FLV_TAG.script);
    const [name, meta] = decodeAmf0(script!.data);
    expect(name).toBe('onMetaData');
    expect(meta).toBeInstanceOf(EcmaArray);
    expect((meta as EcmaArray).entries).toMatchObject({ width: 320, height: 240, videocodecid: 7 });
    expect(isAvcSequenceHeader(seq!)).toBe(true);
    expect(frames).toHaveLength(30);
    expect(frames.every((t) => t.type === FLV_TAG.video && !isAvcSequenceHeader(t))).toBe(true);
    expect(frames.map((t) => t.timestampMs)).toEqual(Array.from({ length: 30 }, (_, i) => i * 100));
    expect(frames.map((t, i) => (isKeyframe(t) ? i : -1)).filter((i) => i >= 0)).toEqual([0, 10, 20]);
    // The bodies add up to the file: 13 header bytes, then 11 + body + 4 per tag.
    expect(13 + tags.reduce((n, t) => n + 15 + t.data.length, 0)).toBe(flv.length);
  });

  it('reads the same tags from the bytes cut anywhere (1 byte, 7 bytes, 4 KiB at a time)', () => {
    const whole = readInChunks([flv.length]);
    for (const sizes of [[1], [7, 13], [4096]]) expect(readInChunks(sizes)).toEqual(whole);
  });

  it('matches what ffprobe counts in the same file', () => {
    const file = join(tmp, 'test.flv');
    writeFileSync(file, flv);
    const probe = spawnSync(
      'ffprobe',
      [
        '-v',
        'error',
        '-select_streams',
        'v',
        '-show_entries',
        'packet=pts_time,flags',
        '-of',
        'csv=p=0',
        file,
      ],
      { encoding: 'utf8' },
    );
    const packets = probe.stdout.trim().split('\n');
    const frames = readInChunks([flv.length]).filter(
      (t) => t.type === FLV_TAG.video && t.data[1] === 1, // AVC NALUs
    );
    expect(frames).toHaveLength(packets.length);
  });

  it('refuses bytes that are not FLV', () => {
    expect(() => new FlvTagReader().push(Buffer.from('RIFF....WAVEfmt '))).toThrow(/not FLV/);
  });
});
