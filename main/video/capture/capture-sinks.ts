/**
 * The exits of a capture session — recorder, live view, RTMP stream, snapshot — as the session
 * sees them, and {@link ffmpegCaptureSinks}, the real ones (each an ffmpeg process). Every exit
 * takes only an {@link AnonymizedFrame}: nothing raw can be handed to one.
 */
import { encodeSnapshot, LiveJpegEncoder } from '../live/jpeg';
import type { AnonymizedFrame } from '../pipeline/anonymized-frame';
import { SegmentRecorder, type SegmentRecorderDeps } from '../record/segment-recorder';
import { RtmpPublisher } from '../stream/rtmp';
import type { CaptureWorkerConfig } from './protocol';

/** An exit that runs for the whole session (recorder, live view). */
export interface FrameExit {
  write(frame: AnonymizedFrame): void;
  close(): Promise<void>;
}

/** An exit that runs while the user streams: it may end by itself (`done` says why, null when clean). */
export interface StreamExit {
  write(frame: AnonymizedFrame): void;
  stop(): Promise<void>;
  readonly done: Promise<string | null>;
}

/** Builds a session's exits; the session decides which it needs (from its config) and when. */
export interface CaptureSinks {
  /** The recorder (only when the config records); its segments and errors go to `events`. */
  recorder(events: Omit<SegmentRecorderDeps, 'nowMs'>): FrameExit;
  /** The live view (only when the config has one); each JPEG goes to `onJpeg`. */
  live(onJpeg: (jpeg: Uint8Array, atMs: number) => void): FrameExit;
  /** A stream to `url`, started on the owner's request. */
  stream(target: { url: string; bitrateKbps?: number }): StreamExit;
  /** A full-size JPEG of one frame. */
  snapshot(frame: AnonymizedFrame): Promise<Uint8Array>;
}

/**
 * The real exits of one camera: H.264 segments, a low-rate JPEG live view, an RTMP publisher and
 * JPEG snapshots, all through ffmpeg at the camera's size, rate and pixel format.
 */
export function ffmpegCaptureSinks(cfg: CaptureWorkerConfig, nowMs: () => number): CaptureSinks {
  const frame = { width: cfg.width, height: cfg.height, pixelFormat: cfg.pixelFormat };
  return {
    recorder: (events) => {
      const record = cfg.record;
      if (!record) throw new Error('this camera does not record (its config has no record section)');
      return new SegmentRecorder(
        {
          cameraId: cfg.cameraId,
          dir: record.dir,
          segmentMs: record.segmentMs,
          width: cfg.width,
          height: cfg.height,
          fps: cfg.fps,
          pixelFormat: cfg.pixelFormat,
          minFreeBytes: record.minFreeBytes,
          retryMs: record.retryMs,
          ffmpegPath: cfg.ffmpegPath,
        },
        { nowMs, ...events },
      );
    },
    live: (onJpeg) => {
      const live = cfg.live;
      if (!live) throw new Error('this camera has no live view (its config has no live section)');
      const encoder = new LiveJpegEncoder(
        { ...frame, fps: live.fps, outWidthPx: live.outWidthPx, ffmpegPath: cfg.ffmpegPath },
        onJpeg,
      );
      return { write: (f) => encoder.offer(f), close: () => encoder.close() };
    },
    stream: ({ url, bitrateKbps }) =>
      new RtmpPublisher({ url, ...frame, fps: cfg.fps, bitrateKbps, ffmpegPath: cfg.ffmpegPath }),
    snapshot: (f) => encodeSnapshot(f, cfg.ffmpegPath),
  };
}
