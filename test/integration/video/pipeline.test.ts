import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enlargeBox } from '../../../main/video/anonymize/index';
import { createFaceDetector } from '../../../main/video/detect/index';
import { run as verifyCli } from '../../../main/cli/video-verify';
import type { FaceDetector, Frame } from '../../../main/video/types';
import { bundleEntry, REPO_ROOT, runInNetns, scenarioReport } from '../../helpers/onvif-sim/bundle';
import { CAMERA_DETECTOR, faceChecker, saveFailureFrame } from '../../helpers/rtsp/face-check';
import { decodeRgbFrames, inAny, meanAbsDiff } from '../../helpers/rtsp/frames';
import { makeFaceClip } from '../../helpers/rtsp/rtsp-server';
import { bundleWorker } from '../../helpers/bundle';

interface Report {
  error?: string;
  discovered: Array<{ urn: string; name: string; xaddrs: string[] }>;
  simProbes: Record<string, number>;
  wrongPasswordCode: string;
  camera: { id: string; width: number; height: number };
  liveFiles: string[];
  snapshot: string;
  streamWithoutConsent: string;
  streamConsentId: boolean;
  streamStoppedAtMs: number;
  streamRecording: string;
  recordings: Array<{
    id: number;
    path: string;
    sha256: string;
    cid: string;
    frames: number;
    anchor: { height: number; tx: string } | null;
    anchorState: string;
  }>;
  ledger: { blocks: number };
  cameraStatus: { state: string; recording: string; stats: { failClosed: number; frames: number } };
  dataDir: string;
}

/** Keeps a frame that failed the privacy check as PNG under test/.tmp/failures for a human to look at. */

const W = 640;
const H = 360;

describe('cameras end to end: discover → capture → anonymize → record → anchor → verify, and every exit is anonymized', () => {
  const work = mkdtempSync(join(tmpdir(), 'hotpot-video-it-'));
  const clipDir = join(REPO_ROOT, 'test', '.tmp', 'face-clip-640');
  let report: Report;
  let checker: FaceDetector;
  let clip: Frame[];

  beforeAll(async () => {
    const files = makeFaceClip(clipDir, { width: W, height: H, fps: 10, framesPerPhoto: 20 });
    clip = files.flatMap((f) => decodeRgbFrames(f, W, H));
    const scenario = await bundleEntry(
      join(REPO_ROOT, 'test/integration/video/scenario-main.ts'),
      'scenario-main.mjs',
    );
    const capture = await bundleWorker('video/capture/capture.worker.ts');
    const detector = await bundleWorker('video/detect/detector.worker.ts');
    const r = await runInNetns(scenario, [work, clipDir, capture, detector], 280_000, { mount: true });
    report = scenarioReport<Report>(r, (rep) => `status: ${JSON.stringify(rep.cameraStatus)}`);
    checker = await faceChecker(detector);
  }, 300_000);
  afterAll(async () => {
    await checker?.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  it('discovers the simulated camera in the namespace and adds it over ONVIF (wrong password refused)', () => {
    expect(report.discovered).toHaveLength(1);
    expect(report.discovered[0]!.name).toBe('Dining Room');
    expect(report.simProbes['NetworkVideoTransmitter']).toBeGreaterThanOrEqual(2);
    expect(report.simProbes['Device']).toBeGreaterThanOrEqual(2);
    expect(report.wrongPasswordCode).toBe('CAMERA_AUTH_FAILED');
    expect(report.camera).toMatchObject({ width: W, height: H });
  });

  it('records anonymized H.264 segments, each hashed, anchored in a signed anchor-media tx, and verifiable', async () => {
    expect(report.recordings.length).toBeGreaterThanOrEqual(2);
    expect(report.ledger.blocks).toBeGreaterThanOrEqual(1);
    for (const r of report.recordings) {
      expect(r.anchorState).toBe('anchored');
      expect(existsSync(r.path)).toBe(true);
      expect(r.cid).toMatch(/^bafkrei/);
      const code = await verifyCli([r.path, '--data-dir', report.dataDir, '--json']);
      expect(code).toBe(0);
    }
    // A file changed by one byte matches nothing and exits non-zero.
    const tampered = join(work, 'tampered.mp4');
    copyFileSync(report.recordings[0]!.path, tampered);
    const b = readFileSync(tampered);
    b[b.length >> 1]! ^= 0xff;
    writeFileSync(tampered, b);
    expect(await verifyCli([tampered, '--data-dir', report.dataDir])).toBe(1);
  });

  it('no face is detectable in the recordings, live frames, the snapshot, or the stream nginx received', async () => {
    // Sanity: the checker does find the faces in the source clip.
    let sourceFaces = 0;
    for (const f of clip.filter((_, i) => i % 20 === 0)) sourceFaces += (await checker.detect(f)).length;
    expect(sourceFaces).toBeGreaterThan(5);

    const outputs: Array<{ what: string; frames: Frame[] }> = [
      ...report.recordings.map((r) => ({
        what: `recording ${r.id}`,
        // every 4th frame; all of a short segment (the last one may hold a single frame when the node stops)
        frames: decodeRgbFrames(r.path, W, H).filter((_, i, all) => all.length < 8 || i % 4 === 1),
      })),
      ...report.liveFiles.map((f) => ({ what: f, frames: decodeRgbFrames(f, W, H) })),
      { what: 'snapshot', frames: decodeRgbFrames(report.snapshot, W, H) },
      {
        what: 'rtmp stream',
        frames: existsSync(report.streamRecording)
          ? decodeRgbFrames(report.streamRecording, W, H).filter((_, i) => i % 3 === 1)
          : [],
      },
    ];
    for (const o of outputs) {
      expect(o.frames.length, o.what).toBeGreaterThan(0);
      for (const [i, f] of o.frames.entries()) {
        const found = await checker.detect(f);
        if (found.length > 0) await saveFailureFrame(`${o.what}-${i}`, f, found);
        expect(found, o.what).toEqual([]);
      }
    }
  });

  it('the snapshot keeps the background outside the face boxes (within JPEG tolerance)', async () => {
    const snap = decodeRgbFrames(report.snapshot, W, H)[0]!;
    // Which clip frame is it? The closest one over the whole picture.
    let best = clip[0]!;
    let bestD = Infinity;
    for (const c of clip) {
      const d = meanAbsDiff(snap, c, (x, y) => (x + y) % 7 === 0);
      if (d < bestD) [best, bestD] = [c, d];
    }
    const det = await createFaceDetector(CAMERA_DETECTOR, {
      workerFile: join(REPO_ROOT, 'test/.tmp/bundles/detector.worker.mjs'),
    });
    const boxes = (await det.detect(best)).map((b) => enlargeBox(b, 1.6));
    await det.dispose();
    const outside = meanAbsDiff(snap, best, (x, y) => !inAny(boxes, x, y));
    const inside = meanAbsDiff(snap, best, (x, y) => inAny(boxes, x, y));
    // RTSP (x264 at 1.5 Mbit/s) → decode → JPEG: a few levels of codec noise outside; the faces changed a lot more.
    expect(outside).toBeLessThan(10);
    expect(inside).toBeGreaterThan(outside * 1.5);
  });

  it('streaming was refused without consent and stopped when the consent window ended', () => {
    expect(report.streamWithoutConsent).toBe('NO_CONSENT');
    expect(report.streamConsentId).toBe(true);
    expect(report.streamStoppedAtMs).toBeGreaterThanOrEqual(-100);
    expect(report.streamStoppedAtMs).toBeLessThan(5000);
  });
});
