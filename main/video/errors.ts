import { AppError } from '../common/errors';

/** What went wrong in the camera side of the node (ONVIF, capture, recording, streaming). */
export type VideoErrorCode =
  | 'BAD_ADDRESS'
  | 'CAMERA_NOT_ON_LAN'
  | 'CAMERA_UNREACHABLE'
  | 'CAMERA_AUTH_FAILED'
  | 'CAMERA_PROTOCOL'
  | 'CAMERA_NOT_FOUND'
  | 'DISCOVERY_FAILED'
  | 'CAMERA_EXISTS'
  | 'NO_STREAM'
  | 'PROFILE_NOT_FOUND'
  | 'BAD_SETTINGS'
  | 'CAPTURE_FAILED'
  | 'DISK_FULL'
  | 'RECORDING_NOT_FOUND'
  | 'NO_CONSENT'
  | 'CONSENT_INVALID'
  | 'STREAM_FAILED'
  | 'SECRET_CORRUPT'
  | 'NOT_RUNNING'
  | 'SNAPSHOT_UNAVAILABLE'
  | 'FFMPEG_MISSING'
  | 'BAD_OPTIONS'
  | 'BAD_FRAME';

/**
 * A typed error of the video module; `code` is what callers (and the renderer) branch on.
 *
 * @example throw new VideoError('NO_CONSENT', 'streaming camera "door" needs a recorded consent covering now; record one first', { cameraId });
 */
export class VideoError extends AppError<VideoErrorCode> {
  override readonly name = 'VideoError';
}

/**
 * Why a camera could not be reached or added, in `data.reason` of its VideoError: fixed words chosen
 * by the node, never text the camera (or whatever answered at its address) sent.
 */
export type CameraFailureReason =
  | 'not-on-lan'
  | 'stream-not-on-lan'
  | 'stream-host-not-found'
  | 'host-not-found'
  | 'refused'
  | 'no-answer'
  | 'auth-failed'
  | 'not-onvif'
  | 'unusable-answer';
