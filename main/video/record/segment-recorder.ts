import { mkdirSync, renameSync, rmSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { FfmpegSink } from '../capture/ffmpeg-sink';
import type { AnonymizedFrame } from '../pipeline/anonymized-frame';
import type { PixelFormat } from '../types';
import { hashFile, type FileHash } from './hash';
import { mp4LooksComplete } from './mp4-check';

/** Seconds between the recorder's keyframes (see the ffmpeg arguments below). */
export const KEYFRAME_INTERVAL_S = 10;

/**
 * A pause between two frames longer than this (and than 5 frame intervals) is an outage: the
 * segment ends at the frame before it and a new one starts with the frame after, so no segment
 * plays shorter than the time it says it spans, and the gap shows between two segments.
 */
export const OUTAGE_GAP_MS = 2000;

/** A segment that was closed, renamed into place and hashed. */
export interface ClosedSegment extends FileHash {
  cameraId: string;
  path: string;
  startMs: number;
  endMs: number;
  frames: number;
}

/** Options of {@link SegmentRecorder}. */
export interface SegmentRecorderOptions {
  cameraId: string;
  /** Recordings root; segments go to `<dir>/<cameraId>/<YYYY-MM-DD>/`. */
  dir: string;
  segmentMs: number;
  width: number;
  height: number;
  fps: number;
  pixelFormat: PixelFormat;
  /** A new segment is not started while the disk has less free space than this. */
  minFreeBytes: number;
  /** After a failure (disk full, encoder crash) wait this long before trying again. */
  retryMs: number;
  x264Preset?: string;
  crf?: number;
  ffmpegPath?: string;
}

/** What the recorder tells its owner. */
export interface SegmentRecorderDeps {
  nowMs: () => number;
  onSegment: (s: ClosedSegment) => void;
  onError: (code: 'DISK_FULL' | 'RECORD_FAILED', message: string) => void;
}

/**
 * Encodes anonymized frames into H.264 MP4 segments of about `segmentMs`. Each segment is written
 * as `NAME.mp4.part` by its own ffmpeg and renamed to `NAME.mp4` only after ffmpeg finished it;
 * a failed segment (ENOSPC, crash) is deleted, so a partial file never stays behind. Only
 * {@link AnonymizedFrame}s can be written.
 */
export class SegmentRecorder {
  private sink: FfmpegSink | undefined;
  private current:
    { part: string; final: string; startMs: number; lastMs: number; frames: number } | undefined;
  private pausedUntilMs = 0;
  private closing: Promise<void>[] = [];
  private closed = false;

  constructor(
    private readonly opts: SegmentRecorderOptions,
    private readonly deps: SegmentRecorderDeps,
  ) {}

  /** Writes one frame, opening or rotating the segment as needed. */
  write(frame: AnonymizedFrame): void {
    if (this.closed) return;
    const t = frame.capturedAtMs;
    if (this.current && t - this.current.startMs >= this.opts.segmentMs) this.rotate();
    if (this.current && this.current.frames > 0 && t - this.current.lastMs > this.maxGapMs()) this.rotate();
    if (this.sink && !this.sink.alive) this.rotate();
    if (!this.sink) {
      if (this.deps.nowMs() < this.pausedUntilMs) return;
      if (!this.open(t)) return;
    }
    if (this.sink!.write(frame)) {
      this.current!.frames++;
      this.current!.lastMs = t;
    }
  }

  /** Closes the open segment (finishing it properly), refuses later frames, and waits for every pending close. */
  async close(): Promise<void> {
    this.closed = true;
    this.rotate();
    await Promise.all(this.closing);
  }

  private maxGapMs(): number {
    return Math.max(OUTAGE_GAP_MS, (5 * 1000) / this.opts.fps);
  }

  private open(startMs: number): boolean {
    const day = new Date(startMs).toISOString().slice(0, 10);
    const dir = join(this.opts.dir, this.opts.cameraId, day);
    try {
      mkdirSync(dir, { recursive: true });
      const fs = statfsSync(dir);
      const free = Number(fs.bavail) * Number(fs.bsize);
      if (free < this.opts.minFreeBytes) {
        this.fail(
          'DISK_FULL',
          `only ${free} bytes free under ${this.opts.dir} (need ${this.opts.minFreeBytes}); recording paused until retention frees space`,
        );
        return false;
      }
    } catch (err) {
      const full = (err as NodeJS.ErrnoException).code === 'ENOSPC';
      this.fail(full ? 'DISK_FULL' : 'RECORD_FAILED', `cannot prepare ${dir}: ${(err as Error).message}`);
      return false;
    }
    const stamp = new Date(startMs).toISOString().replace(/[:.]/g, '-');
    const final = join(dir, `${this.opts.cameraId}-${stamp}.mp4`);
    const part = `${final}.part`;
    this.sink = new FfmpegSink({
      width: this.opts.width,
      height: this.opts.height,
      fps: this.opts.fps,
      pixelFormat: this.opts.pixelFormat,
      ffmpegPath: this.opts.ffmpegPath,
      outputArgs: [
        '-an',
        '-c:v',
        'libx264',
        '-preset',
        this.opts.x264Preset ?? 'veryfast',
        '-crf',
        String(this.opts.crf ?? 23),
        // One encoder thread per camera up to 1080p30 (one thread encodes 1080p veryfast at ~80 fps
        // here): x264's frame threads cost ~15% more CPU per frame when frames trickle in at a
        // camera's rate (bench video --parts cameras), and a node runs several cameras at once.
        '-threads',
        this.opts.width * this.opts.height * this.opts.fps <= 1920 * 1080 * 30 ? '1' : '0',
        '-pix_fmt',
        'yuv420p',
        // A keyframe every 10 s. Each segment starts on one (its own ffmpeg), and a player seeking
        // inside a segment decodes at most 10 s of frames. The 2 s this had made files 1.5–2.4× as
        // large for the same CPU: 11 s of the bench's 1080p15 camera clip took 2.15 MB instead of
        // 1.42 as the capture worker recorded it (anonymized), 1.59 instead of 0.67 unanonymized;
        // retention would keep that many fewer days.
        '-g',
        String(Math.max(1, Math.round(this.opts.fps * KEYFRAME_INTERVAL_S))),
        '-movflags',
        '+faststart',
        '-f',
        'mp4',
        '-y',
        part,
      ],
    });
    this.current = { part, final, startMs, lastMs: startMs, frames: 0 };
    return true;
  }

  private rotate(): void {
    const sink = this.sink;
    const seg = this.current;
    this.sink = undefined;
    this.current = undefined;
    if (!sink || !seg) return;
    const p = this.finishSegment(sink, seg);
    this.closing.push(p);
    void p.finally(() => (this.closing = this.closing.filter((x) => x !== p)));
  }

  private async finishSegment(sink: FfmpegSink, seg: NonNullable<SegmentRecorder['current']>): Promise<void> {
    const err = await sink.finish();
    if (err !== null || seg.frames === 0) {
      rmSync(seg.part, { force: true });
      if (err !== null)
        this.fail(
          /No space left|ENOSPC/i.test(err) ? 'DISK_FULL' : 'RECORD_FAILED',
          `segment ${seg.final} was not written: ${err}`,
        );
      return;
    }
    try {
      if (!mp4LooksComplete(seg.part)) {
        rmSync(seg.part, { force: true });
        this.fail(
          'DISK_FULL',
          `segment ${seg.final} came out incomplete (no moov box; the disk was probably full while ffmpeg finished it) and was deleted`,
        );
        return;
      }
      renameSync(seg.part, seg.final);
      const h = await hashFile(seg.final);
      this.deps.onSegment({
        ...h,
        cameraId: this.opts.cameraId,
        path: seg.final,
        startMs: seg.startMs,
        endMs: seg.lastMs + Math.round(1000 / this.opts.fps),
        frames: seg.frames,
      });
    } catch (e) {
      rmSync(seg.part, { force: true });
      this.fail('RECORD_FAILED', `segment ${seg.final} could not be closed: ${(e as Error).message}`);
    }
  }

  private fail(code: 'DISK_FULL' | 'RECORD_FAILED', message: string): void {
    this.pausedUntilMs = this.deps.nowMs() + this.opts.retryMs;
    this.deps.onError(code, message);
  }
}
