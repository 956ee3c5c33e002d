import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CameraView } from '../../../main/contract/video';
import type { StreamProfile } from '../../../main/video/onvif/profiles';
import { bundleEntry, REPO_ROOT, runInNetns, scenarioReport } from '../../helpers/onvif-sim/bundle';
import { makeFaceClip } from '../../helpers/rtsp/rtsp-server';
import { bundleWorker } from '../../helpers/bundle';

interface Report {
  error?: string;
  added: CameraView;
  stored: { stream: StreamProfile; subStream: StreamProfile | null };
  cameraStatus: CameraView;
  recordings: Array<{ path: string; frames: number }>;
}

/** Width, height, rate and frame count of a recording's video stream (ffprobe). */
function probe(file: string): { width: number; height: number; rate: string; frames: number } {
  const r = spawnSync(
    'ffprobe',
    ['-v', 'error', '-select_streams', 'v:0', '-count_frames'].concat([
      '-show_entries',
      'stream=width,height,r_frame_rate,nb_read_frames',
      '-of',
      'json',
      file,
    ]),
    { encoding: 'utf8' },
  );
  const s = (JSON.parse(r.stdout) as { streams: Array<Record<string, string | number>> }).streams[0]!;
  return {
    width: Number(s['width']),
    height: Number(s['height']),
    rate: String(s['r_frame_rate']),
    frames: Number(s['nb_read_frames']),
  };
}

describe('a 1080p camera with a sub-stream is recorded at 1080p (the node defaults, no 1280 px cap)', () => {
  const work = mkdtempSync(join(tmpdir(), 'hotpot-video-profiles-'));
  const clipDir = join(REPO_ROOT, 'test', '.tmp', 'face-clip-1080');
  let report: Report;

  beforeAll(async () => {
    makeFaceClip(clipDir, { width: 1920, height: 1080, fps: 10, framesPerPhoto: 10 });
    const scenario = await bundleEntry(
      join(REPO_ROOT, 'test/integration/video/scenario-profiles.ts'),
      'scenario-profiles.mjs',
    );
    const capture = await bundleWorker('video/capture/capture.worker.ts');
    const detector = await bundleWorker('video/detect/detector.worker.ts');
    const r = await runInNetns(scenario, [work, clipDir, capture, detector], 200_000);
    report = scenarioReport<Report>(r, (rep) => `status: ${JSON.stringify(rep.cameraStatus)}`);
  }, 240_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('takes the largest profile as the main stream and remembers the smallest as the sub-stream', () => {
    expect(report.added).toMatchObject({
      width: 1920,
      height: 1080,
      fps: 10,
      source: { profileToken: 'main', profileName: 'mainStream', width: 1920, height: 1080, fps: 10 },
      subStream: { profileToken: 'sub', profileName: 'subStream', width: 640, height: 360, fps: 10 },
      maxWidth: null,
      maxFps: null,
    });
    expect(report.added.protectsFacesFromPx).toBeGreaterThan(0);
    expect(report.stored.stream.token).toBe('main');
    expect(report.stored.subStream?.token).toBe('sub');
    expect(report.stored.subStream?.rtspUri).toMatch(/-sub$/);
    expect(report.stored.stream.rtspUri).not.toMatch(/-sub$/);
  });

  it('records segments of 1920×1080 at 10 fps (ffprobe)', () => {
    expect(report.cameraStatus.message).toMatch(/1920x1080 at 10 fps/);
    expect(report.recordings.length).toBeGreaterThanOrEqual(1);
    for (const r of report.recordings) {
      const p = probe(r.path);
      expect([p.width, p.height, p.rate]).toEqual([1920, 1080, '10/1']);
      expect(p.frames).toBe(r.frames);
    }
  });
});
