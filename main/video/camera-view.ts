/**
 * What the UI sees of a camera and of a recording: the contract's `CameraView` and `RecordingView`
 * (main/contract/video.ts) built from the stored rows and the capture worker's last status.
 */
import type { CameraView, RecordingView, StreamView } from '../contract/video';
import type { CaptureStatus } from './capture/protocol';
import { protectedFacePx } from './detect';
import type { StreamProfile } from './onvif/profiles';
import type { CameraRow, RecordingRow } from './record/video-db';
import { recordingFormat, type NodeCaptureLimits } from './recording-format';
import type { FaceDetectorOptions } from './types';

/** What the view of a camera reads from its running capture (absent when none runs). */
export interface CameraRunView {
  status: CaptureStatus | undefined;
  /** Why the worker could not be started at all (not built, bad input). */
  launchError?: string;
  streaming: boolean;
}

/** What every camera's view is worked out with: the node's caps and the detector the cameras run. */
export interface CameraViewContext {
  capture: NodeCaptureLimits;
  /** The detector options the capture workers run (parsed: defaults filled). */
  detector: FaceDetectorOptions;
  /** Is the video service running? */
  started: boolean;
}

function streamView(p: StreamProfile): StreamView {
  return { profileToken: p.token, profileName: p.name, width: p.width, height: p.height, fps: p.fps };
}

/**
 * One camera with its live status (never its password, nor its stream URIs): what it records (its
 * main stream at its own size and rate, within the caps), that stream's profile, its sub-stream, and
 * the smallest face it protects at that size, and how many watch its live view (`liveWatchers`).
 */
export function cameraView(
  c: CameraRow,
  run: CameraRunView | undefined,
  ctx: CameraViewContext,
  liveWatchers = 0,
): CameraView {
  const s = run?.status;
  const st = run?.launchError
    ? { state: 'error' as const, message: run.launchError }
    : cameraState(s, ctx.started);
  const format = recordingFormat(c.stream, ctx.capture, c.limits);
  return {
    id: c.id,
    name: c.name,
    xaddr: c.xaddr,
    username: c.username,
    ...format,
    source: streamView(c.stream),
    subStream: c.subStream ? streamView(c.subStream) : null,
    maxWidth: c.limits.maxWidth,
    maxFps: c.limits.maxFps,
    protectsFacesFromPx: protectedFacePx(ctx.detector, format.width, format.height),
    info: c.info,
    masks: c.masks,
    anonymize: c.anonymize,
    ...st,
    recording: s?.recording ?? (c.recording ? 'on' : 'off'),
    recordingMessage: s?.recordingMessage ?? '',
    streaming: run?.streaming ?? false,
    stats: s?.stats ?? null,
    lastFrameAtMs: s?.lastFrameAtMs ?? null,
    liveWatchers,
  };
}

/** Maps the capture worker's state to what the camera tile says. */
export function cameraState(
  s: CaptureStatus | undefined,
  running: boolean,
): { state: CameraView['state']; message: string } {
  if (!running) return { state: 'stopped', message: 'the video service is stopped' };
  if (!s) return { state: 'online', message: 'starting' };
  if (/401|Unauthorized|authori[sz]ation failed/i.test(s.message))
    return {
      state: 'auth-failed',
      message: `the camera refused the stored user name or password for RTSP: ${s.message}`,
    };
  switch (s.state) {
    case 'streaming':
      return { state: 'streaming', message: s.message };
    case 'starting':
      return { state: 'online', message: s.message };
    case 'stalled':
    case 'reconnecting':
      return { state: 'offline', message: s.message };
    case 'error':
      return { state: 'error', message: s.message };
    case 'stopped':
      return { state: 'stopped', message: s.message };
  }
}

/** A recording with its verification state; `file` is its path under `recordingsDir`. */
export function recordingView(r: RecordingRow, recordingsDir: string): RecordingView {
  const { path, ...rest } = r;
  return {
    ...rest,
    file: path.slice(recordingsDir.length + 1),
    anchorState: r.anchor ? 'anchored' : 'pending',
  };
}
