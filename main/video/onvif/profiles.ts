/**
 * Which of a camera's ONVIF media profiles the node records, and which it remembers as the
 * sub-stream. Cameras usually offer a main stream (full resolution) and one or two smaller ones
 * for previews; `GetProfiles` lists them in no promised order.
 */
import { VideoError } from '../errors';
import type { CameraProfile } from './client';

/** A media profile as the camera record keeps it: its token and name, its own size and rate, its RTSP URI. */
export interface StreamProfile {
  token: string;
  name: string;
  /** The profile's own width in pixels (0 when the camera did not say). */
  width: number;
  height: number;
  /** The profile's own frame rate (0 when the camera did not say). */
  fps: number;
  rtspUri: string;
}

/** The stream a camera records and its smallest other stream, if it has one. */
export interface ChosenStreams {
  main: StreamProfile;
  sub: StreamProfile | null;
}

const pixels = (p: StreamProfile): number => p.width * p.height;

/** Larger first: more pixels, then a higher rate; equal ones keep the camera's order. */
const largerFirst = (a: StreamProfile, b: StreamProfile): number => pixels(b) - pixels(a) || b.fps - a.fps;

function toStream(p: CameraProfile): StreamProfile {
  return { token: p.token, name: p.name, width: p.width, height: p.height, fps: p.fps, rtspUri: p.rtspUri };
}

function describe(p: StreamProfile): string {
  return `${p.token} (${p.width}×${p.height})`;
}

/**
 * The main stream is the profile `profileToken` names, else the largest (most pixels, then the
 * highest rate); the sub-stream is the smallest other profile that is smaller than the main one
 * (null when there is none). Only profiles with an rtsp:// URI count. Throws NO_STREAM when no profile
 * has one, PROFILE_NOT_FOUND when `profileToken` names none of them.
 *
 * @example chooseStreams(probe.profiles) // { main: 1920×1080 'main', sub: 640×360 'sub' }
 */
export function chooseStreams(profiles: readonly CameraProfile[], profileToken?: string): ChosenStreams {
  const streams = profiles.filter((p) => p.rtspUri.startsWith('rtsp://')).map(toStream);
  if (streams.length === 0)
    throw new VideoError('NO_STREAM', 'the camera has no media profile with an RTSP stream URI');
  let main: StreamProfile | undefined;
  if (profileToken !== undefined) {
    main = streams.find((p) => p.token === profileToken);
    if (!main)
      throw new VideoError(
        'PROFILE_NOT_FOUND',
        `the camera has no media profile "${profileToken}" with an RTSP stream; its profiles are ${streams.map(describe).join(', ')} (leave the profile out to record the largest)`,
        { profileToken, profiles: streams.map((p) => p.token) },
      );
  } else main = [...streams].sort(largerFirst)[0]!;
  const chosen = main;
  const smaller = streams.filter((p) => p !== chosen && pixels(p) > 0 && pixels(p) < pixels(chosen));
  const sub = smaller.reduce<StreamProfile | null>(
    (best, p) => (best === null || largerFirst(best, p) < 0 ? p : best),
    null,
  );
  return { main, sub };
}
