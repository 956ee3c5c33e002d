/**
 * What a {@link VideoService} (main/video/service.ts) is built from: its options, the narrow
 * dependencies it takes from the node, and the events it pushes to the UI.
 */
import type { CameraView } from '../api/contract/video';
import type { Db } from '../store/db';
import type { DiscoveryOptions } from './onvif/discovery';
import type { SceneChangeOptions } from './pipeline/scene-change';
import type { MediaAnchorer } from './record/anchor';
import type { FaceDetectorOptions, PixelFormat } from './types';

/** Options of the video service. */
export interface VideoServiceOptions {
  dataDir: string;
  /** Where segments go (default `<dataDir>/recordings`). */
  recordingsDir?: string;
  segmentMs: number;
  retention: { maxAgeMs: number; minFreeBytes: number; everyMs: number };
  anchor: { everyMs: number; maxBatch: number };
  capture: {
    maxWidth: number;
    fps: number;
    pixelFormat: PixelFormat;
    ioTimeoutMs: number;
    stallMs: number;
    restartInitialMs: number;
    restartMaxMs: number;
  };
  pipeline: {
    /** Detections per second at least: the detector runs on every ⌊fps / detectFps⌋-th frame (every frame when fps ≤ detectFps), the tracker covers those between. */
    detectFps: number;
    /** Frames that look like a new scene are looked at out of schedule (null: never). */
    sceneChange: SceneChangeOptions | null;
    deadlineMs: number;
    whenBehind: 'blur' | 'drop';
    maxTrackedFrames: number;
  };
  detector: Partial<FaceDetectorOptions>;
  live: { fps: number; outWidthPx: number };
  /** Bundled worker files, resolved when a camera starts (the node passes `() => workerPath('capture')`, `() => workerPath('detector')`). */
  workers: { capture: () => string; detector: () => string };
  /** Test rigs: play a file instead of RTSP for a camera id (never set in production). */
  fileInputs?: Record<string, { path: string; loop: boolean }>;
  discovery?: DiscoveryOptions;
}

/** The events the video service pushes to the UI (`video.status`, `video.live` of the contract). */
export type VideoEvent =
  | { name: 'video.status'; payload: { cameras: CameraView[] } }
  | { name: 'video.live'; payload: { cameraId: string; atMs: number; jpegBase64: string } };

/** How the video service logs. */
export interface VideoLog {
  info(o: object, m: string): void;
  warn(o: object, m: string): void;
  error(o: object, m: string): void;
}

/** What the video service uses from the rest of the node. */
export interface VideoServiceDeps {
  /** node.db (opened by main/store with VIDEO_MIGRATIONS applied); read at start. */
  db: () => Db;
  /** Pushes events to the UI. */
  emit: (e: VideoEvent) => void;
  /** Puts segment hashes on the chain; without it segments stay 'pending'. */
  anchorer?: MediaAnchorer;
  nowMs: () => number;
  log: VideoLog;
}

/** The detection cadence for a camera: every k-th frame so that detection runs at ≥ `detectFps` (every frame when the camera is slower). */
export function detectEveryFramesFor(fps: number, detectFps: number): number {
  return Math.max(1, Math.floor(fps / detectFps));
}
