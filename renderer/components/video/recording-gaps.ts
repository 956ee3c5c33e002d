/** Where a camera recorded nothing between two of its segments (an outage), for the recordings list. */
import type { RecordingView } from '../../../main/contract/video';

/**
 * A pause longer than this between a camera's segments is shown as a gap. The recorder ends a
 * segment when frames stop for 2 s (`OUTAGE_GAP_MS`); one segment follows the last within a frame.
 */
export const SHOWN_GAP_MS = 2000;

/** For each recording, how long its camera recorded nothing before it (when that was a gap). */
export function gapsBefore(recs: RecordingView[]): Map<number, number> {
  const gaps = new Map<number, number>();
  const byCamera = new Map<string, RecordingView[]>();
  for (const r of recs) byCamera.set(r.cameraId, [...(byCamera.get(r.cameraId) ?? []), r]);
  for (const list of byCamera.values()) {
    const sorted = [...list].sort((a, b) => a.startMs - b.startMs);
    for (let i = 1; i < sorted.length; i++) {
      const gap = sorted[i]!.startMs - sorted[i - 1]!.endMs;
      if (gap > SHOWN_GAP_MS) gaps.set(sorted[i]!.id, gap);
    }
  }
  return gaps;
}
