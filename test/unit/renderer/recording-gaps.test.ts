import { describe, expect, it } from 'vitest';
import type { RecordingView } from '../../../main/contract/video';
import { gapsBefore } from '../../../renderer/components/video/recording-gaps';

const rec = (id: number, cameraId: string, startMs: number, endMs: number) =>
  ({ id, cameraId, startMs, endMs }) as RecordingView;

describe('gapsBefore', () => {
  it("marks a camera's pause between two segments, not segments that follow each other", () => {
    const gaps = gapsBefore([
      // newest first, as video.recordings lists them; two cameras interleaved
      rec(5, 'a', 90_000, 120_000),
      rec(4, 'b', 60_100, 120_000),
      rec(3, 'a', 60_100, 67_000),
      rec(2, 'b', 0, 60_100),
      rec(1, 'a', 0, 60_100),
    ]);
    expect([...gaps]).toEqual([[5, 23_000]]);
  });
});
