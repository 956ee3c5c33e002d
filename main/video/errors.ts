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
  | 'STREAM_TARGET_NOT_FOUND'
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

/**
 * Why a stream to a platform failed, in `data.reason` of its STREAM_FAILED VideoError: `unreachable`
 * (no connection), `tls` (the certificate or TLS failed), `timeout` (no answer in time), `refused`
 * (the server answered the connect or publish with an error), `bad-name` (it refused the stream key:
 * NetStream.Publish.BadName), `closed` (it hung up), `protocol` (it sent what RTMP does not allow),
 * `encoder` (ffmpeg failed). Messages name the server, never the stream key.
 */
export type StreamFailureReason =
  'unreachable' | 'tls' | 'timeout' | 'refused' | 'bad-name' | 'closed' | 'protocol' | 'encoder';
