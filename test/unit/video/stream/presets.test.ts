import { describe, expect, it } from 'vitest';
import { ingestUrl, parseIngestUrl } from '../../../../main/video/stream/ingest-url';
import { serverUrlFor, STREAM_PRESETS, streamKeyHint } from '../../../../main/video/stream/presets';

describe('stream presets and ingest URLs', () => {
  it("gives each platform's RTMPS server by default and its RTMP one on request", () => {
    expect(serverUrlFor('twitch', {})).toBe('rtmps://live.twitch.tv:443/app');
    expect(serverUrlFor('twitch', { secure: false })).toBe('rtmp://live.twitch.tv/app');
    expect(serverUrlFor('youtube', {})).toBe('rtmps://a.rtmps.youtube.com:443/live2');
    expect(serverUrlFor('youtube', { secure: false })).toBe('rtmp://a.rtmp.youtube.com/live2');
    expect(Object.keys(STREAM_PRESETS)).toEqual(['twitch', 'youtube']);
  });

  it('takes a custom server URL without a key, and refuses one with credentials, a query or no app', () => {
    expect(serverUrlFor('custom', { serverUrl: ' rtmp://ingest.example:1935/live/ ' })).toBe(
      'rtmp://ingest.example:1935/live',
    );
    expect(() => serverUrlFor('custom', {})).toThrow(/needs its server URL/);
    expect(() => serverUrlFor('custom', { serverUrl: 'http://example/live' })).toThrow(/rtmp: or rtmps:/);
    expect(() => serverUrlFor('custom', { serverUrl: 'rtmp://u:p@example/live' })).toThrow(/no user name/);
    expect(() => serverUrlFor('custom', { serverUrl: 'rtmp://example/live?key=1' })).toThrow(/no user name/);
    expect(() => serverUrlFor('custom', { serverUrl: 'rtmp://example' })).toThrow(/an app/);
  });

  it('shows a key as its last 4 characters behind dots, a short one as dots only', () => {
    expect(streamKeyHint('live_123456_abcd')).toBe('••••abcd');
    expect(streamKeyHint('1234567')).toBe('••••');
  });

  it('takes an ingest URL apart into server and key, and joins them back', () => {
    expect(parseIngestUrl('rtmps://a.rtmps.youtube.com:443/live2/abcd-efgh-ijkl')).toEqual({
      secure: true,
      host: 'a.rtmps.youtube.com',
      port: 443,
      app: 'live2',
      tcUrl: 'rtmps://a.rtmps.youtube.com:443/live2',
      streamKey: 'abcd-efgh-ijkl',
    });
    expect(parseIngestUrl('rtmp://live.twitch.tv/app/live_1_x?bandwidthtest=true')).toMatchObject({
      port: 1935,
      app: 'app',
      tcUrl: 'rtmp://live.twitch.tv/app',
      streamKey: 'live_1_x?bandwidthtest=true',
    });
    expect(parseIngestUrl('rtmp://[::1]:1936/a/b/KEY')).toMatchObject({
      host: '::1',
      port: 1936,
      app: 'a/b',
    });
    for (const key of ['plain', 'with?query=1', 'ключ', 'a%b#c'])
      expect(parseIngestUrl(ingestUrl('rtmp://h/live/', key)).streamKey).toBe(key);
    expect(() => parseIngestUrl('rtmp://host/KEY-ONLY')).toThrow(/an app and a stream key/);
    // The message never quotes the key.
    expect(() => parseIngestUrl('rtmp://host/KEY-ONLY')).not.toThrow(/KEY-ONLY/);
  });
});
