import type { SerializedError } from '../../common/errors';
import type { PipelineStats, PrivacyPipelineOptions } from '../pipeline/pipeline';
import type { ClosedSegment } from '../record/segment-recorder';
import type { FaceDetectorOptions, PixelFormat, PrivacyMask } from '../types';

/** Everything the capture worker needs to run one camera (its `workerData`). */
export interface CaptureWorkerConfig {
  cameraId: string;
  /** rtsp://user:pass@… or a file path (tests, replay). */
  input: string;
  width: number;
  height: number;
  fps: number;
  pixelFormat: PixelFormat;
  /** ffmpeg's RTSP socket timeout. */
  ioTimeoutMs: number;
  /**
   * No frame for this long while streaming = stalled: ffmpeg is killed and restarted. No frame's
   * faces looked for in this long (the detector hangs or died): the status message says so.
   */
  stallMs: number;
  restartInitialMs: number;
  restartMaxMs: number;
  loopFile?: boolean;
  realtime?: boolean;
  pipeline: PrivacyPipelineOptions;
  /** The detector's options and its bundled worker file (detector.worker.js). */
  detector: { options: Partial<FaceDetectorOptions>; workerFile: string };
  record: { dir: string; segmentMs: number; minFreeBytes: number; retryMs: number } | null;
  live: { fps: number; outWidthPx: number } | null;
  ffmpegPath?: string;
}

/** The capture worker's state as the status shows it. */
export type CaptureState = 'starting' | 'streaming' | 'stalled' | 'reconnecting' | 'error' | 'stopped';

/** A status report from the capture worker. */
export interface CaptureStatus {
  state: CaptureState;
  message: string;
  restarts: number;
  lastFrameAtMs: number | null;
  decoderPid: number | null;
  recording: 'off' | 'on' | 'disk-full' | 'failed';
  recordingMessage: string;
  streaming: boolean;
  detector: string;
  /** The pipeline's counters, raw frames dropped while it was busy, and live JPEGs encoded. */
  stats: PipelineStats & { rawDropped: number; liveJpegs: number };
}

/** Messages to the capture worker. */
export type ToCaptureWorker =
  | { type: 'set-masks'; masks: PrivacyMask[] }
  | { type: 'snapshot'; id: number }
  /** Someone watches the live view: encode live JPEGs (none are made until this comes). */
  | { type: 'live-on' }
  /** Nobody watches any more: stop encoding them (snapshots still work). */
  | { type: 'live-off' }
  /** `id` names this stream in its `stream-ended` (a replaced stream's end may arrive after the next began). */
  | { type: 'stream-start'; id: number; url: string; bitrateKbps?: number }
  | { type: 'stream-stop' }
  | { type: 'stop' };

/** Messages from the capture worker. Every picture in them is anonymized. */
export type FromCaptureWorker =
  | { type: 'status'; status: CaptureStatus }
  /** A live JPEG, only between 'live-on' and 'live-off'. */
  | { type: 'live'; jpeg: Uint8Array; atMs: number }
  | { type: 'segment'; segment: ClosedSegment }
  | { type: 'snapshot'; id: number; jpeg?: Uint8Array; error?: SerializedError }
  | { type: 'stream-ended'; id: number; reason: string | null }
  | { type: 'fatal'; error: SerializedError }
  | { type: 'stopped' };
