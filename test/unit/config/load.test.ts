import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../main/config/errors';
import { loadConfig, parseHostPort, servesHttps } from '../../../main/config/load';
import { tempDir } from '../../helpers/tmp';
import { SYSTEM } from '../../../main/contract/access';

const dirs: Array<() => void> = [];
afterEach(() => dirs.splice(0).forEach((c) => c()));
function dir(): string {
  const d = tempDir();
  dirs.push(d.cleanup);
  return d.path;
}

describe('loadConfig', () => {
  it('layers defaults ← file ← environment ← flags', () => {
    const d = dir();
    writeFileSync(
      join(d, 'config.json'),
      JSON.stringify({
        http: { host: '127.0.0.1', port: 8000 },
        log: { level: 'debug' },
        wallet: { autoLockMinutes: 3 },
      }),
    );
    const cfg = loadConfig({
      flags: { http: [{ host: '127.0.0.1', port: 9000 }, '--http'] },
      env: { HOTPOT_LOG_LEVEL: 'warn', HOTPOT_P2P_MDNS: 'false', HOTPOT_DATA_DIR: d },
      defaultDataDir: '/nonexistent',
    });
    expect(cfg.dataDir).toBe(d);
    expect(cfg.http.port).toBe(9000); // flag beats file
    expect(cfg.log.level).toBe('warn'); // env beats file
    expect(cfg.log.console).toBe('pretty'); // default kept under a partial file section
    expect(cfg.wallet.autoLockMinutes).toBe(3); // file beats default
    expect(cfg.network.mdns).toBe(false);
  });

  it('names the key, the source and the allowed values of a bad setting', () => {
    const d = dir();
    const err = (() => {
      try {
        loadConfig({ flags: {}, env: { HOTPOT_LOG_LEVEL: 'loud' }, defaultDataDir: d });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).code).toBe('INVALID_CONFIG');
    expect((err as Error).message).toContain('"log.level"');
    expect((err as Error).message).toContain('environment HOTPOT_LOG_LEVEL');
    expect((err as Error).message).toMatch(/fatal.*error.*warn.*info.*debug.*trace/);
  });

  it('rejects unknown keys in the config file', () => {
    const d = dir();
    writeFileSync(join(d, 'config.json'), JSON.stringify({ wallet: { autolock: 5 } }));
    expect(() => loadConfig({ flags: {}, env: {}, defaultDataDir: d })).toThrow(
      /unknown config key in "wallet" "autolock" \(config file\)/,
    );
  });

  it('rejects a config file that is not JSON, saying where it is', () => {
    const d = dir();
    writeFileSync(join(d, 'config.json'), '{ nope');
    expect(() => loadConfig({ flags: {}, env: {}, defaultDataDir: d })).toThrow(
      new RegExp(`config file ${d}/config.json is not valid JSON`),
    );
  });

  it('refuses a LAN address without an access token', () => {
    const d = dir();
    expect(() =>
      loadConfig({
        flags: { http: [{ host: '0.0.0.0', port: 7420 }, '--http'] },
        env: {},
        defaultDataDir: d,
      }),
    ).toThrow(/accessToken/);
    const cfg = loadConfig({
      flags: { http: [{ host: '0.0.0.0', port: 7420 }, '--http'] },
      env: { HOTPOT_ACCESS_TOKEN: 'x'.repeat(40) },
      defaultDataDir: d,
    });
    expect(cfg.accessToken).toHaveLength(40);
  });

  it('serves HTTPS on a LAN address, on loopback only when asked, and wants both files of an own certificate', () => {
    const d = dir();
    const lan = loadConfig({
      flags: { http: [{ host: '0.0.0.0', port: 7420 }, '--http'] },
      env: { HOTPOT_ACCESS_TOKEN: 'x'.repeat(40) },
      defaultDataDir: d,
    });
    expect(servesHttps(lan)).toBe(true);
    const local = loadConfig({ flags: {}, env: {}, defaultDataDir: d });
    expect(local.https).toEqual({ mode: 'lan' });
    expect(servesHttps(local)).toBe(false);
    expect(servesHttps(loadConfig({ flags: {}, env: { HOTPOT_HTTPS: 'always' }, defaultDataDir: d }))).toBe(
      true,
    );
    expect(() => loadConfig({ flags: {}, env: { HOTPOT_HTTPS: 'sometimes' }, defaultDataDir: d })).toThrow(
      /https.mode/,
    );
    expect(() =>
      loadConfig({ flags: {}, env: { HOTPOT_HTTPS_CERT: '/etc/cert.pem' }, defaultDataDir: d }),
    ).toThrow(/"https.keyFile" is missing: an own HTTPS certificate needs both/);
    const own = loadConfig({
      flags: {},
      env: { HOTPOT_HTTPS_CERT: '/etc/cert.pem', HOTPOT_HTTPS_KEY: '/etc/key.pem' },
      defaultDataDir: d,
    });
    expect(own.https).toEqual({ mode: 'lan', certFile: '/etc/cert.pem', keyFile: '/etc/key.pem' });
  });

  it('refuses a port out of range and a short token', () => {
    const d = dir();
    expect(() =>
      loadConfig({
        flags: { http: [{ host: '127.0.0.1', port: 70000 }, '--http'] },
        env: {},
        defaultDataDir: d,
      }),
    ).toThrow(/"http.port" \(flag --http\)/);
    expect(() => loadConfig({ flags: {}, env: { HOTPOT_ACCESS_TOKEN: 'short' }, defaultDataDir: d })).toThrow(
      /accessToken.*at least 32/,
    );
  });

  it('takes the gateway rate limits from the config file, under the --http flag too, and checks them', () => {
    const d = dir();
    expect(loadConfig({ flags: {}, env: {}, defaultDataDir: d }).http.rateLimits).toBeUndefined();
    writeFileSync(join(d, 'config.json'), JSON.stringify({ http: { rateLimits: { keyPerMin: 600_000 } } }));
    const cfg = loadConfig({
      flags: { http: [{ host: '127.0.0.1', port: 9000 }, '--http'] },
      env: { HOTPOT_HTTP: '127.0.0.1:8000' },
      defaultDataDir: d,
    });
    expect(cfg.http).toEqual({ host: '127.0.0.1', port: 9000, rateLimits: { keyPerMin: 600_000 } });
    writeFileSync(join(d, 'config.json'), JSON.stringify({ http: { rateLimits: { keyPerMin: 0 } } }));
    expect(() => loadConfig({ flags: {}, env: {}, defaultDataDir: d })).toThrow(
      /"http.rateLimits.keyPerMin" \(config file\)/,
    );
    writeFileSync(join(d, 'config.json'), JSON.stringify({ http: { rateLimits: { perKey: 5 } } }));
    expect(() => loadConfig({ flags: {}, env: {}, defaultDataDir: d })).toThrow(
      /unknown config key in "http.rateLimits" "perKey" \(config file\)/,
    );
  });

  it('reports a data dir that cannot be created', () => {
    const d = dir();
    writeFileSync(join(d, 'file'), 'x');
    expect(() => loadConfig({ flags: {}, env: {}, defaultDataDir: join(d, 'file', 'sub') })).toThrow(
      /data dir .* is not writable \(ENOTDIR\)/,
    );
  });
});

describe('parseHostPort', () => {
  it('parses IPv4 and bracketed IPv6', () => {
    expect(parseHostPort('127.0.0.1:80', 'x')).toEqual({ host: '127.0.0.1', port: 80 });
    expect(parseHostPort('[::1]:7420', 'x')).toEqual({ host: '::1', port: 7420 });
    expect(() => parseHostPort('localhost', '--http')).toThrow(/--http must be HOST:PORT/);
  });
});

describe('composeApp with video switched off', () => {
  it('answers video calls with a typed DISABLED error naming the key', async () => {
    const { composeApp } = await import('../../../main/app/compose');
    const pino = (await import('pino')).default;
    const d = tempDir();
    dirs.push(d.cleanup);
    const config = loadConfig({ flags: {}, env: { HOTPOT_VIDEO_ENABLED: 'false' }, defaultDataDir: d.path });
    const app = composeApp({ config, host: 'headless', log: pino({ level: 'silent' }) });
    const r = await app.router.call('video.cameras', {}, { via: 'test', principal: SYSTEM });
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'DISABLED', message: 'video is switched off on this node (config key "video.enabled")' },
    });
  });
});
