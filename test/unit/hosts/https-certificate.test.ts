import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { connect } from 'node:tls';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { type AllHandlers, Router } from '../../../main/api/router';
import { nodeRoutes } from '../../../main/api/rest/node';
import { EventBus } from '../../../main/app/events';
import { NodeMetrics } from '../../../main/app/metrics';
import { ANONYMOUS } from '../../../main/contract/access';
import { Gateway } from '../../../main/hosts/gateway/gateway';
import { httpsCertificate } from '../../../main/hosts/gateway/https-certificate';
import { tempDir } from '../../helpers/tmp';

const DAY = 86_400_000;

describe("the gateway's HTTPS certificate", () => {
  const dir = tempDir();
  const other = tempDir();
  afterAll(() => {
    dir.cleanup();
    other.cleanup();
  });

  it('is made at first start in <dataDir>/tls, private to the user, and kept on the next start', async () => {
    const first = await httpsCertificate({ dataDir: dir.path, host: '127.0.0.1' });
    expect(first.made).toBe(true);
    expect(first.info.source).toBe('node');
    expect(first.info.fingerprintSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(first.info.names).toEqual(expect.arrayContaining(['localhost', '127.0.0.1']));
    expect(statSync(join(dir.path, 'tls')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir.path, 'tls', 'key.pem')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir.path, 'tls', 'cert.pem')).mode & 0o777).toBe(0o600);
    const cert = new X509Certificate(readFileSync(join(dir.path, 'tls', 'cert.pem')));
    expect(cert.fingerprint256).toBe(first.info.fingerprintSha256);
    expect(cert.publicKey.asymmetricKeyType).toBe('ec');
    expect(first.info.validToMs - Date.now()).toBeGreaterThan(390 * DAY);
    const again = await httpsCertificate({ dataDir: dir.path, host: '127.0.0.1' });
    expect(again.made).toBe(false);
    expect(again.info.fingerprintSha256).toBe(first.info.fingerprintSha256);
    // ::1 is among the names as written, so binding it keeps the certificate too.
    expect((await httpsCertificate({ dataDir: dir.path, host: '::1' })).made).toBe(false);
  });

  it('is made again for an address it does not name, and when it nears its end', async () => {
    const before = await httpsCertificate({ dataDir: dir.path, host: '127.0.0.1' });
    const moved = await httpsCertificate({ dataDir: dir.path, host: '127.0.0.9' });
    expect(moved.made).toBe(true);
    expect(moved.info.names).toContain('127.0.0.9');
    expect(moved.info.fingerprintSha256).not.toBe(before.info.fingerprintSha256);
    const later = () => moved.info.validToMs - 10 * DAY;
    const renewed = await httpsCertificate({ dataDir: dir.path, host: '127.0.0.9' }, later);
    expect(renewed.made).toBe(true);
    expect(renewed.info.validToMs).toBeGreaterThan(moved.info.validToMs);
    // With the clock back to today, that one is not valid yet: made again rather than served.
    expect((await httpsCertificate({ dataDir: dir.path, host: '127.0.0.9' })).made).toBe(true);
  });

  it("uses the owner's certificate when configured, and refuses one that is unusable with a typed error", async () => {
    const mine = await httpsCertificate({ dataDir: other.path, host: '127.0.0.1' });
    const theirs = join(other.path, 'tls');
    const own = { certFile: join(theirs, 'cert.pem'), keyFile: join(theirs, 'key.pem') };
    const used = await httpsCertificate({ dataDir: dir.path, host: '127.0.0.1', own });
    expect(used).toMatchObject({ made: false, info: { source: 'owner' } });
    expect(used.info.fingerprintSha256).toBe(mine.info.fingerprintSha256);

    const garbage = join(other.path, 'garbage.pem');
    writeFileSync(garbage, 'not a certificate');
    const refusals: Array<[typeof own, RegExp]> = [
      [{ ...own, keyFile: join(dir.path, 'tls', 'key.pem') }, /is not the key of the certificate/],
      [{ ...own, certFile: join(other.path, 'missing.pem') }, /cannot read the HTTPS certificate .*ENOENT/],
      [{ ...own, certFile: garbage }, /is not a PEM certificate/],
      [{ ...own, keyFile: garbage }, /is not a PEM private key/],
    ];
    for (const [bad, message] of refusals)
      await expect(
        httpsCertificate({ dataDir: dir.path, host: '127.0.0.1', own: bad }),
      ).rejects.toMatchObject({
        name: 'HostError',
        code: 'TLS_INVALID',
        message: expect.stringMatching(message),
      });
    const expired = () => mine.info.validToMs + DAY;
    await expect(
      httpsCertificate({ dataDir: dir.path, host: '127.0.0.1', own }, expired),
    ).rejects.toMatchObject({ code: 'TLS_INVALID', message: expect.stringMatching(/expired on .*renew it/) });
    // Nothing the node had made was touched by the refusals.
    expect((await httpsCertificate({ dataDir: dir.path, host: '127.0.0.9' })).made).toBe(false);
  });

  it('the gateway serves HTTPS with it: the fingerprint clients see is the one Settings shows', async () => {
    const cert = await httpsCertificate({ dataDir: other.path, host: '127.0.0.1' });
    expect(cert.made).toBe(false);
    writeFileSync(join(dir.path, 'index.html'), '<!doctype html><title>ui</title>');
    const status = {
      ...{ chainId: 'c', height: 1, hash: null, blockTimeMs: null, peers: 0, syncing: false },
      ...{ version: 't', validator: true, uptimeMs: 0 },
    };
    const gw = new Gateway(
      { host: '127.0.0.1', port: 0, rendererDir: dir.path, https: { cert: cert.cert, key: cert.key } },
      {
        router: new Router({ 'node.status': async () => status } as unknown as AllHandlers),
        sessions: { principalOf: () => ANONYMOUS, principalOfBearer: async () => ANONYMOUS },
        rest: [...nodeRoutes],
        bus: new EventBus(),
        log: pino({ level: 'silent' }),
        operations: {
          status: () => status,
          metrics: new NodeMetrics({
            status: () => status,
            mempoolSize: () => 0,
            cameras: () => [],
          }),
        },
      },
    );
    await gw.start();
    try {
      expect(gw.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
      const port = Number(new URL(gw.url).port);
      const seen = await new Promise<string>((resolve, reject) => {
        const s = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
          resolve(s.getPeerCertificate().fingerprint256);
          s.end();
        });
        s.on('error', reject);
      });
      expect(seen).toBe(cert.info.fingerprintSha256);
      // A client that trusts this certificate (as one that pinned its fingerprint) reads the status.
      const body = await new Promise<string>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            path: '/api/v1/status',
            ca: cert.cert,
            servername: 'localhost',
            headers: { host: `127.0.0.1:${port}` },
          },
          (res) => {
            let text = '';
            res.on('data', (d: Buffer) => (text += d.toString()));
            res.on('end', () => resolve(text));
          },
        );
        req.on('error', reject);
        req.end();
      });
      expect(JSON.parse(body)).toMatchObject({ chainId: 'c', height: 1 });
      // Plain HTTP to the same port gets no answer of ours.
      await expect(fetch(`http://127.0.0.1:${port}/api/v1/status`)).rejects.toThrow();
    } finally {
      await gw.stop();
    }
  });
});
