import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../../main/store/db';
import { createFaceDetector, type WorkerFaceDetector } from '../../../../main/video/detect/index';
import { PrivacyPipeline } from '../../../../main/video/pipeline/pipeline';
import { VIDEO_MIGRATIONS, VideoDb } from '../../../../main/video/record/video-db';
import { RtmpPublisher, rtmpUrlProblem } from '../../../../main/video/stream/rtmp';
import { frameKernels } from '../../../../native/index';
import { CAMERA_DETECTOR, faceChecker } from '../../../helpers/rtsp/face-check';
import { decodeRgbFrames } from '../../../helpers/rtsp/frames';
import { NginxRtmp } from '../../../helpers/rtsp/nginx-rtmp';
import { FACE_PHOTOS_DIR } from '../../../helpers/rtsp/rtsp-server';
import { bundleWorker } from '../../../helpers/bundle';

const tmp = mkdtempSync(join(tmpdir(), 'hotpot-stream-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('consent windows (real SQLite)', () => {
  it('a consent covers only its camera, its window, and only until revoked', () => {
    const db = openDatabase(join(tmp, 'node.db'), { synchronous: 'NORMAL', migrations: VIDEO_MIGRATIONS });
    const v = new VideoDb(db);
    const id = v.addConsent({
      cameraId: 'door',
      grantedBy: 'Anna (manager)',
      scope: 'Twitch opening-night stream',
      startsMs: 1000,
      endsMs: 2000,
      note: '',
      createdAtMs: 500,
    });
    expect(v.consentCovering('door', 999)).toBeUndefined();
    expect(v.consentCovering('door', 1000)?.grantedBy).toBe('Anna (manager)');
    expect(v.consentCovering('door', 1999)?.id).toBe(id);
    expect(v.consentCovering('door', 2000)).toBeUndefined();
    expect(v.consentCovering('kitchen', 1500)).toBeUndefined();
    expect(v.revokeConsent(id, 1500)).toBe(true);
    expect(v.consentCovering('door', 1600)).toBeUndefined();
    db.close();
  });

  it('checks RTMP URLs', () => {
    expect(rtmpUrlProblem('rtmp://live.twitch.tv/app/KEY')).toBeNull();
    expect(rtmpUrlProblem('http://x/y')).toMatch(/not an rtmp/);
    expect(rtmpUrlProblem('rtmp://host')).toMatch(/app path/);
  });
});

describe('RTMP push of the anonymized feed to a local nginx-rtmp', () => {
  const nginx = new NginxRtmp(join(tmp, 'nginx'));
  let detector: WorkerFaceDetector;
  let checker: WorkerFaceDetector;
  beforeAll(async () => {
    await nginx.start();
    const workerFile = await bundleWorker('video/detect/detector.worker.ts');
    // The camera default (VideoService): ssd_mobilenetv1 at score ≥ 0.2. The tiny detector lets
    // clear faces through on these group photos (measured: 2–3 of ~25 at 416 px, 1 at 640 px).
    detector = await createFaceDetector(CAMERA_DETECTOR, { workerFile });
    checker = await faceChecker(workerFile);
  }, 120_000);
  afterAll(async () => {
    await nginx.stop();
    await detector?.dispose();
    await checker?.dispose();
  });

  it('nginx receives an H.264 FLV stream in which the checker finds no face', async () => {
    const W = 640;
    const H = 360;
    const photos = [1, 3, 5].map((i) => decodeRgbFrames(join(FACE_PHOTOS_DIR, `sample${i}.jpg`), W, H)[0]!);
    const pipeline = new PrivacyPipeline(
      {
        detectEveryFrames: 1,
        deadlineMs: 20_000,
        whenBehind: 'blur',
        maxTrackedFrames: 1,
        anonymize: { replaceWith: 'blur', maskScale: 1.3, threshold: 0.2 },
        masks: [],
      },
      { detector, kernels: frameKernels(), nowMs: () => performance.now() },
    );
    const pub = new RtmpPublisher({
      url: nginx.url('cam1'),
      width: W,
      height: H,
      fps: 10,
      pixelFormat: 'rgb24',
    });
    for (let i = 0; i < 45; i++) {
      const src = photos[Math.floor(i / 15)]!;
      const out = await pipeline.process({ ...src, data: src.data.slice() }, i * 100);
      pub.write(out!);
      await new Promise((r) => setTimeout(r, 60));
    }
    await pub.stop();
    await new Promise((r) => setTimeout(r, 500));
    const rec = nginx.recordingOf('cam1');
    expect(existsSync(rec), nginx.log()).toBe(true);
    const probe = spawnSync(
      'ffprobe',
      [
        '-v',
        'error',
        '-count_frames',
        '-show_entries',
        'stream=codec_name,width,height,nb_read_frames',
        '-of',
        'json',
        rec,
      ],
      { encoding: 'utf8' },
    );
    const s = (
      JSON.parse(probe.stdout) as {
        streams: Array<{ codec_name: string; width: number; height: number; nb_read_frames: string }>;
      }
    ).streams[0]!;
    expect(s).toMatchObject({ codec_name: 'h264', width: W, height: H });
    expect(Number(s.nb_read_frames)).toBeGreaterThan(30);
    const received = decodeRgbFrames(rec, W, H, []).filter((_, i) => i % 5 === 2);
    expect(received.length).toBeGreaterThan(5);
    for (const f of received) expect(await checker.detect(f)).toEqual([]);
    // Sanity: the same checker does find the faces in the originals.
    expect((await checker.detect(photos[0]!)).length).toBeGreaterThan(0);
  });
});
