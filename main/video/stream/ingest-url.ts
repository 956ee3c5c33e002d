/**
 * The parts of an RTMP ingest URL: the server a publisher connects to (`rtmp[s]://host[:port]/app`,
 * RTMP's tcUrl and app) and the stream key, its last path segment (`rtmp://live.twitch.tv/app/KEY`).
 * The key goes to the server only inside the RTMP session (`publish`), never on a command line.
 */
import { VideoError } from '../errors';

/** An ingest URL taken apart. */
export interface IngestTarget {
  secure: boolean;
  host: string;
  port: number;
  /** The application path (`app`, `live2`, `live/sub`). */
  app: string;
  /** The URL without the key, as RTMP's connect command names it. */
  tcUrl: string;
  streamKey: string;
}

const DEFAULT_PORT = { 'rtmp:': 1935, 'rtmps:': 443 } as const;

/**
 * `url` taken apart; throws BAD_SETTINGS when it is not `rtmp[s]://host[:port]/app…/key`. The
 * message never quotes the key.
 *
 * @example parseIngestUrl('rtmp://live.twitch.tv/app/live_123_abc')
 * // → { secure: false, host: 'live.twitch.tv', port: 1935, app: 'app', tcUrl: 'rtmp://live.twitch.tv/app', streamKey: 'live_123_abc' }
 */
export function parseIngestUrl(url: string): IngestTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new VideoError('BAD_SETTINGS', 'the ingest URL is not a URL; expected rtmp://host/app/KEY');
  }
  if (u.protocol !== 'rtmp:' && u.protocol !== 'rtmps:')
    throw new VideoError(
      'BAD_SETTINGS',
      `the ingest URL's scheme is ${u.protocol}; expected rtmp: or rtmps:`,
    );
  const segments = u.pathname.split('/').filter(Boolean);
  if (segments.length < 2 || !u.hostname)
    throw new VideoError(
      'BAD_SETTINGS',
      `the ingest URL needs a host, an app and a stream key (rtmp://${u.host || 'host'}/app/KEY)`,
    );
  const app = segments.slice(0, -1).join('/');
  return {
    secure: u.protocol === 'rtmps:',
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : DEFAULT_PORT[u.protocol],
    app,
    tcUrl: `${u.protocol}//${u.host}/${app}`,
    streamKey: decodeURIComponent(segments.at(-1)!) + u.search,
  };
}

/**
 * The ingest URL of `serverUrl` (no key, e.g. `rtmp://a.rtmp.youtube.com/live2`) with `streamKey`
 * as its last segment.
 */
export function ingestUrl(serverUrl: string, streamKey: string): string {
  return `${serverUrl.replace(/\/+$/, '')}/${encodeURIComponent(streamKey)}`;
}
