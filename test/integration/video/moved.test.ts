import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleEntry, REPO_ROOT, runInNetns, scenarioReport } from '../../helpers/onvif-sim/bundle';
import { makeFaceClip } from '../../helpers/rtsp/rtsp-server';
import { bundleWorker } from '../../helpers/bundle';

interface Report {
  error?: string;
  camera?: unknown;
  before: { xaddr: string };
  newXaddr: string;
  after: { xaddr: string; sameId: boolean };
  foundAfterMs: number;
  cameraCount: number;
  logs: Array<{ level: string; msg: string; fields: Record<string, unknown> }>;
  otherSoapCalls: Record<string, number>;
}

describe('a camera that moved to another address is found again (WS-Discovery + its serial number)', () => {
  const work = mkdtempSync(join(tmpdir(), 'hotpot-video-moved-'));
  let report: Report;

  beforeAll(async () => {
    const clipDir = join(REPO_ROOT, 'test', '.tmp', 'face-clip-640');
    makeFaceClip(clipDir, { width: 640, height: 360, fps: 10, framesPerPhoto: 20 });
    const scenario = await bundleEntry(
      join(REPO_ROOT, 'test/integration/video/scenario-moved.ts'),
      'scenario-moved.mjs',
    );
    const capture = await bundleWorker('video/capture/capture.worker.ts');
    const detector = await bundleWorker('video/detect/detector.worker.ts');
    const r = await runInNetns(scenario, [work, clipDir, capture, detector], 150_000);
    report = scenarioReport<Report>(
      r,
      (rep) => `camera: ${JSON.stringify(rep.camera)}\nlogs: ${JSON.stringify(rep.logs)}`,
    );
  }, 180_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('streams again from the new address, as the same camera', () => {
    expect(report.newXaddr).not.toBe(report.before.xaddr);
    expect(report.after.xaddr).toBe(report.newXaddr);
    expect(report.after.sameId).toBe(true);
    expect(report.cameraCount).toBe(1);
    console.log(`found at the new address and streaming ${report.foundAfterMs} ms after it moved`);
  });

  it('says so in the log, from where to where', () => {
    const found = report.logs.filter((l) => l.msg === 'camera found at a new address');
    expect(found).toHaveLength(1);
    expect(found[0]!.fields).toMatchObject({ from: report.before.xaddr, to: report.newXaddr });
  });

  it('asked the other camera of the same model who it is, and left it alone', () => {
    expect(report.otherSoapCalls['GetDeviceInformation']).toBeGreaterThanOrEqual(1);
  });
});
