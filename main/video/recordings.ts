/**
 * The video service's recordings: closed segments indexed in node.db, listed and re-verified for
 * the UI, anchored on the chain in batches, and removed by retention.
 */
import { existsSync } from 'node:fs';
import type { RecordingView } from '../contract/video';
import { recordingView } from './camera-view';
import { VideoError } from './errors';
import { anchorPending, type MediaAnchorer } from './record/anchor';
import { hashFile } from './record/hash';
import { applyRetention } from './record/retention';
import type { ClosedSegment } from './record/segment-recorder';
import type { VideoDb } from './record/video-db';
import type { VideoLog, VideoServiceOptions } from './service-options';

/** Where recordings live and how long they are kept and anchored. */
export type RecordingsOptions = Pick<VideoServiceOptions, 'retention' | 'anchor'> & { recordingsDir: string };

/** What the recordings use: the store (once the service started), the chain, a clock and a log. */
export interface RecordingsDeps {
  vdb: () => VideoDb;
  /** Puts segment hashes on the chain; without it segments stay 'pending'. */
  anchorer?: MediaAnchorer;
  nowMs: () => number;
  log: VideoLog;
}

/** The recordings index and what keeps it: anchoring and retention. */
export class Recordings {
  private anchoring = false;

  constructor(
    private readonly opts: RecordingsOptions,
    private readonly deps: RecordingsDeps,
  ) {}

  /** Indexes a segment a capture worker closed. */
  index(s: ClosedSegment): void {
    try {
      this.deps.vdb().addRecording({
        cameraId: s.cameraId,
        path: s.path,
        startMs: s.startMs,
        endMs: s.endMs,
        bytes: s.bytes,
        frames: s.frames,
        sha256: s.sha256Hex,
        cid: s.cid,
      });
    } catch (err) {
      this.deps.log.error({ err, path: s.path }, 'could not index a closed segment');
    }
  }

  /** The recordings index, newest first. */
  list(opts: { cameraId?: string; limit: number; beforeMs?: number }): RecordingView[] {
    return this.deps
      .vdb()
      .recordings(opts)
      .map((r) => recordingView(r, this.opts.recordingsDir));
  }

  /** Re-hashes a recording's file and says whether it is unchanged and anchored. */
  async verify(
    id: number,
  ): Promise<{ recording: RecordingView; fileMatches: boolean; sha256: string | null }> {
    const r = this.deps.vdb().recording(id);
    if (!r || r.deletedAtMs !== null)
      throw new VideoError(
        'RECORDING_NOT_FOUND',
        `recording ${id} does not exist (or retention deleted it)`,
        { id },
      );
    const recording = recordingView(r, this.opts.recordingsDir);
    if (!existsSync(r.path)) return { recording, fileMatches: false, sha256: null };
    const h = await hashFile(r.path);
    return { recording, fileMatches: h.sha256Hex === r.sha256, sha256: h.sha256Hex };
  }

  /** Anchors every pending segment now (one run at a time). */
  async anchorNow(): Promise<{ anchored: number; errors: string[] }> {
    if (!this.deps.anchorer || this.anchoring) return { anchored: 0, errors: [] };
    this.anchoring = true;
    try {
      const r = await anchorPending(this.deps.vdb(), this.deps.anchorer, {
        maxBatch: this.opts.anchor.maxBatch,
      });
      if (r.errors.length > 0)
        this.deps.log.warn({ errors: r.errors }, 'anchoring failed for some cameras; retrying next round');
      return r;
    } finally {
      this.anchoring = false;
    }
  }

  /** Runs retention now: the ids of the recordings it deleted. */
  retention(): number[] {
    try {
      return applyRetention(
        this.deps.vdb(),
        {
          dir: this.opts.recordingsDir,
          maxAgeMs: this.opts.retention.maxAgeMs,
          minFreeBytes: this.opts.retention.minFreeBytes,
        },
        this.deps.nowMs(),
      );
    } catch (err) {
      this.deps.log.error({ err }, 'retention failed');
      return [];
    }
  }
}
