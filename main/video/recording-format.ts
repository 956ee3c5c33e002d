/**
 * At what size and rate a camera is captured and recorded: its main stream's own, lowered only by
 * the node's caps (`capture.maxWidth`, `capture.maxFps` of the video service's options) and the
 * owner's caps on that camera; and how the owner's caps are checked.
 */
import { CAMERA_LIMITS } from '../contract/video';
import { VideoError } from './errors';

/** A picture size in pixels and a frame rate. */
export interface VideoFormat {
  width: number;
  height: number;
  fps: number;
}

/** The owner's caps on one camera (null: none). */
export interface CaptureLimits {
  maxWidth: number | null;
  maxFps: number | null;
}

/** The node's caps on every camera: a width (null: none) and a rate. */
export interface NodeCaptureLimits {
  maxWidth: number | null;
  maxFps: number;
}

/**
 * The node's default cap on the rate: a camera whose profile sends more is recorded at 30 fps.
 * 50/60 fps main streams exist; they double the decoding, anonymizing and encoding for nothing a
 * store's cameras need.
 */
export const DEFAULT_MAX_FPS = 30;

/** The rate taken for a profile that does not say its own (ffmpeg's fps filter would repeat frames to reach a higher one). */
export const FPS_WHEN_UNKNOWN = 15;

/** The size taken for a profile that does not say its own. */
export const SIZE_WHEN_UNKNOWN: Readonly<{ width: number; height: number }> = Object.freeze({
  width: 1280,
  height: 720,
});

const evenFloor = (v: number): number => Math.max(2, Math.floor(v / 2) * 2);

/**
 * What a camera whose main stream is `source` records: its own width, unless the node's or the
 * owner's cap is lower (then that, the aspect kept), with even sides; its own rate up to the node's
 * cap and the owner's.
 *
 * @example recordingFormat({ width: 1920, height: 1080, fps: 25 }, { maxWidth: null, maxFps: 30 }, { maxWidth: 1280, maxFps: null }) // 1280×720 @ 25
 */
export function recordingFormat(
  source: VideoFormat,
  node: NodeCaptureLimits,
  camera: CaptureLimits,
): VideoFormat {
  const known = source.width > 0 && source.height > 0;
  const srcW = known ? source.width : SIZE_WHEN_UNKNOWN.width;
  const srcH = known ? source.height : SIZE_WHEN_UNKNOWN.height;
  const capW = Math.min(srcW, node.maxWidth ?? Infinity, camera.maxWidth ?? Infinity);
  const scale = capW / srcW;
  const ownFps = source.fps > 0 ? source.fps : FPS_WHEN_UNKNOWN;
  return {
    width: evenFloor(srcW * scale),
    height: evenFloor(srcH * scale),
    fps: Math.min(ownFps, node.maxFps, camera.maxFps ?? Infinity),
  };
}

/**
 * Checks the owner's caps on a camera (a value absent or null is no cap). Throws BAD_SETTINGS
 * naming the value and the range: a width is an even number of pixels from 160 to 7680, a rate a
 * whole number from 1 to 60.
 */
export function checkCaptureLimits(input: Partial<CaptureLimits>): void {
  const { maxWidth, maxFps } = input;
  const w = CAMERA_LIMITS.maxWidth;
  if (
    maxWidth !== undefined &&
    maxWidth !== null &&
    !(Number.isInteger(maxWidth) && maxWidth % 2 === 0 && maxWidth >= w.min && maxWidth <= w.max)
  )
    throw new VideoError(
      'BAD_SETTINGS',
      `maxWidth must be an even number of pixels from ${w.min} to ${w.max} (or none, for the camera's own), got ${String(maxWidth)} (nothing was saved)`,
      { maxWidth },
    );
  const f = CAMERA_LIMITS.maxFps;
  if (
    maxFps !== undefined &&
    maxFps !== null &&
    !(Number.isInteger(maxFps) && maxFps >= f.min && maxFps <= f.max)
  )
    throw new VideoError(
      'BAD_SETTINGS',
      `maxFps must be a whole number of frames per second from ${f.min} to ${f.max} (or none, for the camera's own), got ${String(maxFps)} (nothing was saved)`,
      { maxFps },
    );
}
