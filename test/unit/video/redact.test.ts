import { describe, expect, it } from 'vitest';
import { redactCredentials } from '../../../main/video/redact';

describe('redactCredentials', () => {
  it('removes the user and password of every URL, as ffmpeg prints them', () => {
    expect(redactCredentials('rtsp://admin:hunter22@10.0.0.5:554/cam: Connection refused')).toBe(
      'rtsp://***@10.0.0.5:554/cam: Connection refused',
    );
    expect(
      redactCredentials(
        "[concat @ 0x55] Impossible to open 'rtsp://admin:s3cr%3At%2Fp%40ss@127.0.0.1:44577/cam' | rtsps://u:p@h/x",
      ),
    ).toBe("[concat @ 0x55] Impossible to open 'rtsp://***@127.0.0.1:44577/cam' | rtsps://***@h/x");
    // an unencoded "@" in the password: the userinfo ends at the last "@" before the host
    expect(redactCredentials('rtsp://admin:p@ss@word@cam.local/live')).toBe('rtsp://***@cam.local/live');
  });

  it('leaves text without credentials as it was', () => {
    const plain = 'no frame for 8 s (stream stalled); rtsp://10.0.0.5/cam; mail admin@store.example';
    expect(redactCredentials(plain)).toBe(plain);
  });

  it('removes a known secret wherever it stands, as given and percent-encoded', () => {
    const secret = 's3cr:t/p@ss';
    expect(redactCredentials(`auth failed for s3cr:t/p@ss (sent s3cr%3At%2Fp%40ss)`, [secret])).toBe(
      'auth failed for *** (sent ***)',
    );
  });

  it('does not remove secrets too short to tell from plain words (URL userinfo still goes)', () => {
    expect(redactCredentials('rtsp://a:pw@h/cam stopped', ['pw'])).toBe('rtsp://***@h/cam stopped');
  });
});
