import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleEntry, REPO_ROOT, runInNetns, scenarioReport } from '../../helpers/onvif-sim/bundle';
import { makeFaceClip } from '../../helpers/rtsp/rtsp-server';
import { bundleWorker } from '../../helpers/bundle';

interface Report {
  error?: string;
  cameraWhileOut?: string;
  outageAt: number;
  returnedAt: number;
  recordings: Array<{ startMs: number; endMs: number; file: string; frames: number }>;
  logs: Array<{ level: string; msg: string; fields: Record<string, unknown> }>;
  stored: Array<{ type: string; data: { startedAtMs: number; endedAtMs: number | null; reason: string } }>;
}

describe("a camera's stream out for 20 s (the node's own defaults)", () => {
  const work = mkdtempSync(join(tmpdir(), 'hotpot-video-outage-'));
  let report: Report;

  beforeAll(async () => {
    const clipDir = join(REPO_ROOT, 'test', '.tmp', 'face-clip-640');
    makeFaceClip(clipDir, { width: 640, height: 360, fps: 10, framesPerPhoto: 20 });
    const scenario = await bundleEntry(
      join(REPO_ROOT, 'test/integration/video/scenario-outage.ts'),
      'scenario-outage.mjs',
    );
    const capture = await bundleWorker('video/capture/capture.worker.ts');
    const detector = await bundleWorker('video/detect/detector.worker.ts');
    const r = await runInNetns(scenario, [work, clipDir, capture, detector], 150_000);
    report = scenarioReport<Report>(r, (rep) => `logs: ${JSON.stringify(rep.logs)}`);
  }, 180_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('is logged when it starts, with why, and when it ends, with how long it lasted', () => {
    const started = report.logs.filter((l) => l.msg === 'camera outage started');
    const ended = report.logs.filter((l) => l.msg === 'camera outage ended');
    expect(started).toHaveLength(1);
    expect(started[0]!.level).toBe('warn');
    expect(String(started[0]!.fields['reason'])).toMatch(/stalled|ended|refused|timed out/);
    expect(ended).toHaveLength(1);
    expect(Number(ended[0]!.fields['seconds'])).toBeGreaterThanOrEqual(20);
  });

  it("is kept in node.db's event store: its start, then its end with both times", () => {
    expect(report.stored.map((e) => e.type)).toEqual(['camera-outage-started', 'camera-outage-ended']);
    const ended = report.stored[1]!.data;
    expect(ended.startedAtMs).toBeGreaterThanOrEqual(report.outageAt);
    expect(ended.endedAtMs! - ended.startedAtMs).toBeGreaterThanOrEqual(20_000);
    expect(ended.reason).toBe(report.stored[0]!.data.reason);
  });

  it('ends the segment at the outage and starts a new one after it: the gap is explicit', () => {
    const before = report.recordings.filter((r) => r.startMs < report.outageAt);
    const after = report.recordings.filter((r) => r.startMs >= report.returnedAt);
    expect(before).toHaveLength(1);
    expect(after).toHaveLength(1);
    expect(before[0]!.endMs).toBeLessThanOrEqual(report.outageAt + 1000);
    expect(after[0]!.startMs - before[0]!.endMs).toBeGreaterThanOrEqual(20_000);
  });

  it('records again within 5 s of the stream coming back', () => {
    const resumed = report.recordings.find((r) => r.startMs >= report.returnedAt)!;
    const resumeMs = resumed.startMs - report.returnedAt;
    console.log(`recording resumed ${resumeMs} ms after the stream came back`);
    expect(resumeMs).toBeLessThanOrEqual(5000);
  });
});
