/**
 * Where Twitch and YouTube take an RTMP stream (their ingest servers, RTMPS and plain RTMP), and the
 * checks on a server URL the owner gives for any other platform ('custom'). A server URL holds no
 * stream key: the key is stored sealed and joined to the URL only when a stream starts.
 */
import type { StreamPreset } from '../../contract/video';
import { VideoError } from '../errors';
import { parseIngestUrl } from './ingest-url';

/** The platforms' ingest servers: RTMPS (TLS, the default) and RTMP. */
export const STREAM_PRESETS = Object.freeze({
  twitch: { label: 'Twitch', rtmps: 'rtmps://live.twitch.tv:443/app', rtmp: 'rtmp://live.twitch.tv/app' },
  youtube: {
    label: 'YouTube',
    rtmps: 'rtmps://a.rtmps.youtube.com:443/live2',
    rtmp: 'rtmp://a.rtmp.youtube.com/live2',
  },
} satisfies Record<Exclude<StreamPreset, 'custom'>, { label: string; rtmps: string; rtmp: string }>);

/** How many of a key's last characters its hint shows (a key shorter than twice this shows none). */
const HINT_CHARS = 4;

/**
 * The server URL of a stream target: the preset's (RTMPS unless `secure` is false) or, for
 * 'custom', `serverUrl` checked (rtmp:// or rtmps://, a host and an app, no user name, password,
 * query or fragment). Throws BAD_SETTINGS; the message never quotes the URL.
 *
 * @example serverUrlFor('youtube', {}) // → 'rtmps://a.rtmps.youtube.com:443/live2'
 */
export function serverUrlFor(preset: StreamPreset, opts: { secure?: boolean; serverUrl?: string }): string {
  if (preset !== 'custom') return STREAM_PRESETS[preset][opts.secure === false ? 'rtmp' : 'rtmps'];
  const url = (opts.serverUrl ?? '').trim().replace(/\/+$/, '');
  if (!url)
    throw new VideoError(
      'BAD_SETTINGS',
      'a custom stream target needs its server URL (rtmp://host/app, no key)',
    );
  if (url.length > 1024)
    throw new VideoError('BAD_SETTINGS', `the server URL is ${url.length} characters; at most 1024`);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new VideoError(
      'BAD_SETTINGS',
      'the server URL is not a URL; expected rtmp://host/app or rtmps://host/app',
    );
  }
  if (u.username || u.password || u.search || u.hash)
    throw new VideoError(
      'BAD_SETTINGS',
      'the server URL must hold no user name, password, query or fragment; put the stream key in its own field',
    );
  // The server URL with a key after it must be an ingest URL.
  parseIngestUrl(`${url}/key`);
  return url;
}

/**
 * What a list shows of a stream key: its last 4 characters behind dots (`••••abcd`); only the dots
 * when the key is shorter than 8, so a hint never gives away half a key.
 */
export function streamKeyHint(key: string): string {
  return key.length >= 2 * HINT_CHARS ? `••••${key.slice(-HINT_CHARS)}` : '••••';
}
