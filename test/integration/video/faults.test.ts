import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerFaceDetector } from '../../../main/video/detect/index';
import { bundleEntry, REPO_ROOT, runWithTinyDisk, scenarioReport } from '../../helpers/onvif-sim/bundle';
import { faceChecker } from '../../helpers/rtsp/face-check';
import { decodeRgbFrames } from '../../helpers/rtsp/frames';
import { makeFaceClip } from '../../helpers/rtsp/rtsp-server';
import { bundleWorker } from '../../helpers/bundle';

interface Report {
  error?: string;
  camera?: unknown;
  crash: { message: string };
  stall: { message: string };
  disappear: { message: string; nodeAnswered: boolean };
  fillError: string;
  diskFull: { message: string; liveKeptFlowing: boolean; cameraState: string; partsWhileFull: number };
  leftoverParts: string[];
  segments: string[];
  indexed: number;
  transitions: string[];
}

describe('faults leave the node running with a clear status and never write an unanonymized frame', () => {
  const work = mkdtempSync(join(tmpdir(), 'hotpot-video-faults-'));
  let report: Report;
  let checker: WorkerFaceDetector;

  beforeAll(async () => {
    const clipDir = join(REPO_ROOT, 'test', '.tmp', 'face-clip-640');
    makeFaceClip(clipDir, { width: 640, height: 360, fps: 10, framesPerPhoto: 20 });
    const scenario = await bundleEntry(
      join(REPO_ROOT, 'test/integration/video/scenario-faults.ts'),
      'scenario-faults.mjs',
    );
    const capture = await bundleWorker('video/capture/capture.worker.ts');
    const detector = await bundleWorker('video/detect/detector.worker.ts');
    const recDir = join(work, 'disk');
    const r = await runWithTinyDisk(
      scenario,
      recDir,
      '6m',
      [work, recDir, clipDir, capture, detector],
      290_000,
    );
    report = scenarioReport<Report>(
      r,
      (rep) => `camera: ${JSON.stringify(rep.camera)}\ntransitions: ${rep.transitions.join('\n')}`,
    );
    checker = await faceChecker(detector);
  }, 300_000);
  afterAll(async () => {
    await checker?.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  it('ffmpeg crashing: status says ffmpeg stopped and it reconnects', () => {
    expect(report.crash.message).toMatch(/reconnecting in/);
  });

  it('a stalled stream: status says stalled, ffmpeg is restarted, frames come back', () => {
    expect(report.stall.message).toMatch(/no frame for \d+ s \(stream stalled\)/);
  });

  it('a camera that disappears: status offline with the reason, the node keeps answering, capture resumes when it returns', () => {
    expect(report.disappear.message).toMatch(/reconnecting in/);
    expect(report.disappear.nodeAnswered).toBe(true);
  });

  it('a full disk: recording shows disk-full, live view keeps going, no partial file stays, recording resumes', () => {
    expect(report.fillError).toBe('ENOSPC');
    expect(report.diskFull.message).toMatch(/bytes free|No space left|disk was probably full/);
    expect(report.diskFull.liveKeptFlowing).toBe(true);
    expect(report.diskFull.cameraState).toBe('streaming');
    expect(report.leftoverParts).toEqual([]);
    expect(report.indexed).toBeGreaterThan(0);
  });

  it('no face is detectable in any segment written during the faults', async () => {
    expect(report.segments.length).toBeGreaterThan(2);
    for (const s of report.segments) {
      const frames = decodeRgbFrames(s, 640, 360).filter((_, i) => i % 3 === 0);
      expect(frames.length, s).toBeGreaterThan(0);
      for (const f of frames) expect(await checker.detect(f), s).toEqual([]);
    }
  });
});
