import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSegmentCid } from '../../../../main/chain/tx/stateless-checks';
import { openDatabase } from '../../../../main/store/db';
import { anchorPending, type MediaAnchorer } from '../../../../main/video/record/anchor';
import { cidOfSha256, hashFile, sha256OfCid } from '../../../../main/video/record/hash';
import { mp4LooksComplete } from '../../../../main/video/record/mp4-check';
import { applyRetention } from '../../../../main/video/record/retention';
import {
  KEYFRAME_INTERVAL_S,
  OUTAGE_GAP_MS,
  SegmentRecorder,
  type ClosedSegment,
} from '../../../../main/video/record/segment-recorder';
import { VIDEO_MIGRATIONS, VideoDb } from '../../../../main/video/record/video-db';
import { bundleEntry, REPO_ROOT, runWithTinyDisk } from '../../../helpers/onvif-sim/bundle';
import { bundleWorker } from '../../../helpers/bundle';
import { facelessPipeline } from '../../../helpers/video/faceless-pipeline';

const tmp = mkdtempSync(join(tmpdir(), 'hotpot-rec-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('segment hashes', () => {
  it('gives the well-known CIDv1 of empty content and of "hello world" (ipfs add --cid-version 1 --raw-leaves)', async () => {
    writeFileSync(join(tmp, 'empty'), '');
    writeFileSync(join(tmp, 'hello'), 'hello world');
    const e = await hashFile(join(tmp, 'empty'));
    expect(e.sha256Hex).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(e.cid).toBe('bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku');
    const h = await hashFile(join(tmp, 'hello'));
    expect(h.cid).toBe('bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e');
  });

  it('every CID is accepted by the chain’s anchor-media check and carries its SHA-256', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 4096 }), (bytes) => {
        const d = sha256(bytes);
        const cid = cidOfSha256(d);
        expect(() => checkSegmentCid({ sha256: `0x${bytesToHex(d)}`, cid })).not.toThrow();
        expect(sha256OfCid(cid)).toEqual(d);
      }),
      { numRuns: 200 },
    );
  });
});

describe('recordings index, retention and anchoring (real SQLite)', () => {
  const db = openDatabase(join(tmp, 'node.db'), { synchronous: 'NORMAL', migrations: VIDEO_MIGRATIONS });
  const vdb = new VideoDb(db);
  const dir = join(tmp, 'recordings');
  mkdirSync(dir, { recursive: true });
  const add = (cameraId: string, startMs: number, content: string): number => {
    const path = join(dir, `${cameraId}-${startMs}.mp4`);
    writeFileSync(path, content);
    const d = sha256(new TextEncoder().encode(content));
    return vdb.addRecording({
      cameraId,
      path,
      startMs,
      endMs: startMs + 60_000,
      bytes: content.length,
      frames: 600,
      sha256: bytesToHex(d),
      cid: cidOfSha256(d),
    });
  };

  it('anchors pending segments in one batch per camera and records the receipts; a failing batch stays pending', async () => {
    add('a', 1000, 'a1');
    add('a', 2000, 'a2');
    add('b', 1500, 'b1');
    const calls: Array<{ cameraId: string; n: number }> = [];
    let height = 10;
    const anchorer: MediaAnchorer = {
      anchor: async (cameraId, items) => {
        for (const i of items) checkSegmentCid({ sha256: i.sha256 as `0x${string}`, cid: i.cid });
        if (cameraId === 'b') throw new Error('mempool full');
        calls.push({ cameraId, n: items.length });
        return { height: ++height, tx: `0x${'ab'.repeat(32)}`, timeMs: 5000 };
      },
    };
    const r = await anchorPending(vdb, anchorer, { maxBatch: 10 });
    expect(r.anchored).toBe(2);
    expect(r.errors).toEqual(['camera b: mempool full']);
    expect(calls).toEqual([{ cameraId: 'a', n: 2 }]);
    expect(vdb.recordings({ cameraId: 'a', limit: 10 }).every((x) => x.anchor?.height === 11)).toBe(true);
    expect(vdb.unanchored(10).map((x) => x.cameraId)).toEqual(['b']);
  });

  it('deletes by age, then oldest-first until enough space is free; index rows stay for verification', () => {
    const now = 10_000_000;
    const old = add('c', now - 5 * 86_400_000, 'old');
    const deletedByAge = applyRetention(vdb, { dir, maxAgeMs: 86_400_000, minFreeBytes: 50 }, now, () => 100);
    expect(deletedByAge).toContain(old);
    expect(readdirSync(dir)).not.toContain(`c-${now - 5 * 86_400_000}.mp4`);
    // Low on space: the oldest go first, one at a time, until the free space is back (after 2 deletions here).
    const liveBefore = vdb.oldestRecordings(10);
    let calls = 0;
    const deleted = applyRetention(vdb, { dir, maxAgeMs: 1e12, minFreeBytes: 50 }, now, () =>
      calls++ < 2 ? 10 : 100,
    );
    expect(deleted).toEqual(liveBefore.slice(0, 2).map((r) => r.id));
    expect(vdb.oldestRecordings(10).map((r) => r.id)).toEqual(liveBefore.slice(2).map((r) => r.id));
    expect(vdb.recordingsBySha256(bytesToHex(sha256(new TextEncoder().encode('old'))))[0]?.deletedAtMs).toBe(
      now,
    );
  });
});

describe('recorder on a full disk (2 MB tmpfs in a private mount namespace)', () => {
  it('reports DISK_FULL, leaves no partial file, keeps running, and resumes when space is freed', async () => {
    const script = await bundleEntry(
      join(REPO_ROOT, 'test/unit/video/record/disk-full-script.ts'),
      'disk-full-script.mjs',
    );
    const detector = await bundleWorker('video/detect/detector.worker.ts');
    const mnt = join(tmp, 'tiny');
    const run = await runWithTinyDisk(script, mnt, '2m', [mnt, detector]);
    expect(run.code, run.stderr).toBe(0);
    const r = JSON.parse(run.stdout.trim().split('\n').pop()!) as {
      errorsWhileFull: number;
      errors: Array<{ code: string; message: string }>;
      firstSegments: number;
      resumedSegments: number;
      afterFull: Array<{ f: string; bytes: number; complete: boolean | null }>;
      final: string[];
      partsSeen: number;
    };
    expect(r.errorsWhileFull).toBeGreaterThan(0);
    expect(r.errors[0]!.code).toBe('DISK_FULL');
    expect(r.errors[0]!.message).toMatch(/No space left|bytes free|disk was probably full/);
    expect(r.partsSeen).toBeGreaterThan(0); // segments really were in progress…
    expect(r.afterFull.filter((x) => x.f.endsWith('.part'))).toEqual([]); // …and none stayed partial
    expect(r.afterFull.filter((x) => x.complete === false)).toEqual([]); // every kept .mp4 is finished
    expect(r.final.filter((f) => f.endsWith('.part'))).toEqual([]);
    expect(r.resumedSegments).toBeGreaterThan(0);
  });
});

/** A recorder of 160×120 yuv420p frames at 10 fps into `tmp/<cameraId>`, with what it closed and reported. */
function smallRecorder(cameraId: string, segmentMs: number) {
  const segments: ClosedSegment[] = [];
  const errors: string[] = [];
  const rec = new SegmentRecorder(
    {
      cameraId,
      dir: join(tmp, cameraId),
      segmentMs,
      width: 160,
      height: 120,
      fps: 10,
      pixelFormat: 'yuv420p',
      minFreeBytes: 0,
      retryMs: 0,
    },
    { nowMs: () => Date.now(), onSegment: (s) => segments.push(s), onError: (_c, m) => errors.push(m) },
  );
  return { rec, segments, errors };
}

it(`puts a keyframe every ${KEYFRAME_INTERVAL_S} s into a segment (real ffmpeg)`, async () => {
  const W = 160;
  const H = 120;
  const fps = 10;
  // A ramp drifting a pixel per frame: smooth motion, so x264 adds no scene-cut keyframes of its own.
  const pipeline = facelessPipeline('no face in a ramp');
  const { rec, segments, errors } = smallRecorder('gop', 3_600_000);
  const frames = Math.round(2.5 * KEYFRAME_INTERVAL_S * fps);
  for (let n = 0; n < frames; n++) {
    const data = new Uint8Array(W * H * 1.5).fill(128);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data[y * W + x] = (x + y + n) & 255;
    const out = await pipeline.process({ format: 'yuv420p', width: W, height: H, data }, Date.now());
    rec.write(out!);
    await new Promise((r) => setTimeout(r, 10)); // the recorder skips a frame while ffmpeg is busy
  }
  await rec.close();
  expect(errors).toEqual([]);
  expect(segments).toHaveLength(1);
  const probe = spawnSync(
    'ffprobe',
    [
      '-v',
      'error',
      '-select_streams',
      'v',
      '-show_entries',
      'frame=key_frame',
      '-of',
      'json',
      segments[0]!.path,
    ],
    { encoding: 'utf8' },
  );
  const flags = (JSON.parse(probe.stdout) as { frames: Array<{ key_frame: number }> }).frames;
  expect(flags).toHaveLength(segments[0]!.frames);
  expect(flags.length).toBeGreaterThan(2 * KEYFRAME_INTERVAL_S * fps);
  const keys = flags.flatMap((f, i) => (f.key_frame === 1 ? [i] : []));
  expect(keys).toEqual([0, KEYFRAME_INTERVAL_S * fps, 2 * KEYFRAME_INTERVAL_S * fps]);
}, 60_000);

it('tells a finished MP4 from one whose ffmpeg could not finish it', () => {
  const f = join(tmp, 'ok.mp4');
  const r = spawnSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'testsrc=size=160x120:rate=10',
    '-t',
    '1',
    '-c:v',
    'libx264',
    '-movflags',
    '+faststart',
    f,
  ]);
  expect(r.status).toBe(0);
  expect(mp4LooksComplete(f)).toBe(true);
  const whole = readFileSync(f);
  const cut = join(tmp, 'cut.mp4');
  writeFileSync(cut, whole.subarray(0, whole.length - 100));
  expect(mp4LooksComplete(cut)).toBe(false);
  // mdat written but no moov (what a full disk leaves without faststart)
  const noMoov = join(tmp, 'nomoov.mp4');
  const mk = (type: string, n: number): Buffer => {
    const b = Buffer.alloc(8 + n);
    b.writeUInt32BE(8 + n, 0);
    b.write(type, 4, 'latin1');
    return b;
  };
  writeFileSync(noMoov, Buffer.concat([mk('ftyp', 16), mk('mdat', 1000)]));
  expect(mp4LooksComplete(noMoov)).toBe(false);
  writeFileSync(noMoov, Buffer.concat([mk('ftyp', 16), mk('moov', 50), mk('mdat', 1000)]));
  expect(mp4LooksComplete(noMoov)).toBe(true);
});

it('ffmpeg is Debian’s and has libx264 (recording needs it)', () => {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-encoders'], { encoding: 'utf8' });
  expect(r.stdout).toMatch(/libx264/);
});

it(`ends a segment at an outage (no frame for more than ${OUTAGE_GAP_MS} ms) and starts the next after it (real ffmpeg)`, async () => {
  const W = 160;
  const H = 120;
  const fps = 10;
  const pipeline = facelessPipeline('no face in grey');
  const { rec, segments } = smallRecorder('outage', 60_000);
  // 3 s of frames, 20 s without any (the camera was out), 2 s of frames: capture times as a camera's.
  const t0 = Date.UTC(2026, 11, 4, 12, 0, 0);
  const times = [
    ...Array.from({ length: 30 }, (_, i) => t0 + i * 100),
    ...Array.from({ length: 20 }, (_, i) => t0 + 23_000 + i * 100),
  ];
  for (const t of times) {
    const data = new Uint8Array(W * H * 1.5).fill(128);
    const out = await pipeline.process({ format: 'yuv420p', width: W, height: H, data }, t);
    rec.write(out!);
    await new Promise((r) => setTimeout(r, 10));
  }
  await rec.close();
  expect(segments).toHaveLength(2);
  const [before, after] = segments.sort((a, b) => a.startMs - b.startMs) as [ClosedSegment, ClosedSegment];
  expect(before.startMs).toBe(t0);
  expect(before.endMs).toBe(t0 + 3_000);
  expect(after.startMs).toBe(t0 + 23_000);
  // each segment plays as long as it says it spans (within a frame: the recorder skips one while ffmpeg is busy)
  for (const s of [before, after]) {
    const probe = spawnSync(
      'ffprobe',
      ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', s.path],
      { encoding: 'utf8' },
    );
    expect(Math.abs(Number(probe.stdout) * 1000 - (s.endMs - s.startMs))).toBeLessThanOrEqual(1000 / fps + 1);
  }
}, 60_000);
