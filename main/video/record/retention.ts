import { rmSync, statfsSync } from 'node:fs';
import type { VideoDb } from './video-db';

/** Options of {@link applyRetention}. */
export interface RetentionOptions {
  /** Recordings root (the filesystem whose free space counts). */
  dir: string;
  /** Delete segments that started longer ago than this. */
  maxAgeMs: number;
  /** Delete the oldest segments until at least this much is free. */
  minFreeBytes: number;
}

/** Free bytes for an unprivileged writer on the filesystem holding `dir`. */
export function freeBytes(dir: string): number {
  const fs = statfsSync(dir);
  return Number(fs.bavail) * Number(fs.bsize);
}

/**
 * Deletes recordings older than `maxAgeMs`, then the oldest ones while the disk has less than
 * `minFreeBytes` free. Index rows stay (marked deleted) so anchors can still verify copies.
 *
 * @returns the ids deleted
 */
export function applyRetention(
  db: VideoDb,
  opts: RetentionOptions,
  nowMs: number,
  free: (dir: string) => number = freeBytes,
): number[] {
  const deleted: number[] = [];
  const remove = (id: number, path: string): void => {
    rmSync(path, { force: true });
    db.markDeleted(id, nowMs);
    deleted.push(id);
  };
  for (;;) {
    const batch = db.oldestRecordings(100).filter((r) => nowMs - r.startMs > opts.maxAgeMs);
    if (batch.length === 0) break;
    for (const r of batch) remove(r.id, r.path);
  }
  while (free(opts.dir) < opts.minFreeBytes) {
    const oldest = db.oldestRecordings(1)[0];
    if (!oldest) break;
    remove(oldest.id, oldest.path);
  }
  return deleted;
}
