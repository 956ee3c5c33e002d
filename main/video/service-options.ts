/**
 * What a {@link VideoService} (main/video/service.ts) is built from: its options and the node's
 * defaults for them, the narrow dependencies it takes from the node, and the events it pushes to the UI.
 */
import type { CameraView } from '../contract/video';
import type { Db } from '../store/db';
import { DEFAULT_CAMERA_NETWORKS } from './onvif/camera-network';
import type { DiscoveryOptions } from './onvif/discovery';
import { DEFAULT_SCENE_CHANGE, type SceneChangeOptions } from './pipeline/scene-change';
import type { MediaAnchorer } from './record/anchor';
import { DEFAULT_MAX_FPS } from './recording-format';
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
    /**
     * The node's cap on the width every camera records at, in pixels (null: none, each camera's main
     * stream at its own size). The owner's cap on a camera (`maxWidth` of its settings) may lower it further.
     */
    maxWidth: number | null;
    /** The node's cap on the rate every camera records at: its main stream's own rate up to this. */
    maxFps: number;
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
  /**
   * A camera out for `afterMs` is looked for at a new address (WS-Discovery, matched by serial
   * number; main/video/onvif/relocate.ts), checked every `everyMs`, at most once per `retryMs` each.
   */
  relocate: { afterMs: number; everyMs: number; retryMs: number };
  /**
   * The networks cameras may be on, as CIDRs (`video.cameraNetworks`): a camera's address and its
   * streams' hosts must be inside, or it is not contacted (default: the LAN ranges, no loopback).
   */
  cameraNetworks: string[];
}

/** The events the video service pushes to the UI (`video.status`, `video.live` of the contract). */
export type VideoEvent =
  | { name: 'video.status'; payload: { cameras: CameraView[] } }
  | { name: 'video.live'; payload: { cameraId: string; atMs: number; jpeg: Uint8Array } };

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

/**
 * The node's defaults for the video service (the composition root passes `dataDir` and the worker
 * files). Detection: ssd_mobilenetv1 at score ≥ 0.2 — the tiny face detector was measured to let
 * clear faces in group photos through (bench video --parts privacy). Frames travel as yuv420p, what
 * cameras send and x264 takes: rgb24 doubled the bytes per frame and made the decoder and the
 * recorder convert every frame (bench video --parts cameras, one 1080p15 camera, tiny@416 on WASM:
 * 0.72 → 0.56 CPU s per video s).
 */
export function defaultVideoOptions(
  dataDir: string,
  workers: VideoServiceOptions['workers'],
): VideoServiceOptions {
  return {
    dataDir,
    segmentMs: 60_000,
    retention: { maxAgeMs: 30 * 86_400_000, minFreeBytes: 2 * 1024 ** 3, everyMs: 60_000 },
    anchor: { everyMs: 5 * 60_000, maxBatch: 64 },
    // Each camera is recorded at its main stream's own size and rate (a 1080p camera at 1080p), the
    // rate up to 30 fps; the owner may lower either per camera.
    capture: {
      maxWidth: null,
      maxFps: DEFAULT_MAX_FPS,
      pixelFormat: 'yuv420p',
      ioTimeoutMs: 10_000,
      stallMs: 8_000,
      // A camera that went away is tried again at most 2.5 s apart (3 s with jitter) and its decoder
      // sees its first frame ~1.4 s after starting, so recording resumes within 5 s of the stream
      // coming back. An attempt on a camera that is still out costs one short-lived ffmpeg: ~40 ms of
      // CPU, under 2% of a core.
      restartInitialMs: 1_000,
      restartMaxMs: 2_500,
    },
    // At least 5 detections a second (every 2nd frame of a 10 fps camera, every 3rd at 15 fps, every
    // 6th at 30) with the tracker between, and at once on a frame that looks like a new scene: a
    // tracker knows only the faces it has seen, so after a hard cut it let faces through until the
    // next detection (bench video --parts pipeline; test/unit/video/detect/scene-cut.test.ts).
    // Frames the detector cannot reach in time are blurred whole, never passed.
    pipeline: {
      detectFps: 5,
      sceneChange: { ...DEFAULT_SCENE_CHANGE },
      deadlineMs: 1_500,
      whenBehind: 'blur',
      maxTrackedFrames: 6,
    },
    // 512 px: the scale face-api's ssd was trained at (it pads every input to 512²; the ONNX path
    // runs the frame's own shape, 512×288 for 16:9).
    // plus the full-resolution small-face pass where something moved (main/video/detect/search): at
    // 512 px alone a 1080p camera protected only faces of 90 px and more.
    relocate: { afterMs: 20_000, everyMs: 5_000, retryMs: 60_000 },
    detector: { model: 'ssd_mobilenetv1', inputSizePx: 512, minScore: 0.2, smallFaces: 'motion' },
    live: { fps: 2, outWidthPx: 480 },
    workers,
    cameraNetworks: [...DEFAULT_CAMERA_NETWORKS],
  };
}
