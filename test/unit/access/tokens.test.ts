// API keys and bearer tokens through the real gateway, router and access service over a real node.db:
// forged, expired and revoked tokens, a revoked key and a wrong scope are refused as problem+json,
// and a refused call changes nothing.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, generateKeyPair } from 'jose';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessService } from '../../../main/access/access-service';
import { AuditLog } from '../../../main/access/audit-log';
import { ApiError } from '../../../main/api/errors';
import { auditHandlers } from '../../../main/api/handlers/audit';
import { authHandlers } from '../../../main/api/handlers/auth';
import { keysHandlers } from '../../../main/api/handlers/keys';
import { restRoutes } from '../../../main/api/rest/index';
import { type AllHandlers, Router } from '../../../main/api/router';
import { nodeDatabase } from '../../../main/app/app-components';
import { EventBus } from '../../../main/app/events';
import { NodeMetrics } from '../../../main/app/metrics';
import { SYSTEM } from '../../../main/contract/access';
import { Gateway } from '../../../main/hosts/gateway/gateway';
import { tempDir } from '../../helpers/tmp';

const dir = tempDir();
let now = 1_700_000_000_000;
let submitted = 0;
const ACCOUNT = `0x${'12'.repeat(20)}`;

describe('API keys and bearer tokens', () => {
  const db = nodeDatabase(join(dir.path, 'data'));
  const access = new AccessService({}, { db: () => db.get(), now: () => now });
  const audit = new AuditLog(
    () => db.get(),
    () => now,
  );
  let gw: Gateway;
  let base = '';
  let readKey = '';
  let posKey = '';
  let readKeyId = '';

  beforeAll(async () => {
    mkdirSync(join(dir.path, 'ui'));
    writeFileSync(join(dir.path, 'ui', 'index.html'), '<!doctype html>');
    await db.start();
    await access.start();
    await access.setupOwner('olga', 'owner-password-1', { ip: 'local', userAgent: '' });
    const r = access.createKey(SYSTEM, 'back office reader', ['read']);
    [readKey, readKeyId] = [r.secret, r.key.id];
    posKey = access.createKey(SYSTEM, 'till 1', ['pos:write']).secret;
    const own = {
      ...authHandlers({ access }),
      ...keysHandlers({ access }),
      ...auditHandlers({ audit }),
      'chain.account': async () => {
        throw new ApiError('NOT_FOUND', 'ACCOUNT_NOT_FOUND stand-in: the handler was reached');
      },
      'chain.submitTx': async () => {
        submitted++;
        return { txHash: '0x00' };
      },
    };
    const handlers = new Proxy(own as unknown as AllHandlers, {
      get: (t, k) =>
        (t as Record<string | symbol, unknown>)[k] ??
        (async () => {
          throw new ApiError('DISABLED', 'not in this test');
        }),
    });
    gw = new Gateway(
      { host: '127.0.0.1', port: 0, rendererDir: join(dir.path, 'ui') },
      {
        router: new Router(
          handlers,
          () => now,
          (c) => audit.append(c),
        ),
        sessions: access,
        operations: {
          status: () => {
            throw new Error('not in this test');
          },
          metrics: new NodeMetrics({ status: () => ({}) as never, mempoolSize: () => 0, cameras: () => [] }),
        },
        rest: restRoutes,
        bus: new EventBus(),
        log: pino({ level: 'silent' }),
      },
    );
    await gw.start();
    base = gw.url.replace(/\/$/, '');
  });
  afterAll(async () => {
    await gw.stop();
    await db.stop();
    dir.cleanup();
  });

  const token = async (body: unknown) => {
    const r = await fetch(`${base}/api/v1/auth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as { access_token: string; code?: string } };
  };
  const read = async (bearer: string) => {
    const r = await fetch(`${base}/api/v1/accounts/${ACCOUNT}`, {
      headers: { Authorization: `Bearer ${bearer}` },
    });
    return {
      status: r.status,
      type: r.headers.get('content-type'),
      body: (await r.json()) as { code: string },
    };
  };
  const REACHED = 404; // the stand-in handler's answer: the call got past the rights check

  it('a key with the read scope exchanges for a token that reads; the key works as a bearer itself', async () => {
    const t = await token({ apiKey: readKey });
    expect(t.status).toBe(200);
    expect(t.body).toMatchObject({ token_type: 'Bearer', expires_in: 600 });
    expect((await read(t.body.access_token)).status).toBe(REACHED);
    expect((await read(readKey)).status).toBe(REACHED);
  });

  it('forged tokens are 401 problem+json', async () => {
    const good = (await token({ apiKey: readKey })).body.access_token;
    const [h, p, sig] = good.split('.') as [string, string, string];
    const flipped = `${h}.${p}.${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`;
    const { privateKey } = await generateKeyPair('ES256');
    const otherSigner = await new SignJWT({ kind: 'key' })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject(readKeyId)
      .setIssuer('hotpot-node')
      .setAudience('hotpot-api')
      .setExpirationTime(Math.floor(now / 1000) + 600)
      .sign(privateKey);
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`;
    for (const forged of [flipped, otherSigner, none, 'hps_not-a-key', `${readKey.slice(0, -1)}x`]) {
      const r = await read(forged);
      expect([r.status, r.type, r.body.code], forged.slice(0, 24)).toEqual([
        401,
        'application/problem+json',
        'UNAUTHORIZED',
      ]);
    }
  });

  it('an expired token is 401, also one that worked (and so was kept as verified) before it expired', async () => {
    const t = (await token({ apiKey: readKey })).body.access_token;
    expect((await read(t)).status).toBe(REACHED);
    expect((await read(t)).status).toBe(REACHED);
    now += 601_000;
    expect((await read(t)).status).toBe(401);
  });

  it('a wrong scope is 403, and the refused write changes nothing', async () => {
    const t = (await token({ apiKey: posKey })).body.access_token;
    expect((await read(t)).status).toBe(403);
    const r = await fetch(`${base}/api/v1/txs`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${t}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ tx: '0x00' }),
    });
    expect([r.status, r.headers.get('content-type')]).toEqual([403, 'application/problem+json']);
    expect(submitted).toBe(0);
  });

  it('revoking the key ends it and every token made from it', async () => {
    const t = (await token({ apiKey: readKey })).body.access_token;
    expect((await read(t)).status).toBe(REACHED);
    access.revokeKey(readKeyId);
    expect((await read(t)).status).toBe(401);
    expect((await read(readKey)).status).toBe(401);
    expect((await token({ apiKey: readKey })).status).toBe(401);
  });

  it("a person's token ends with their sessions; the audit log has the exchanges, not the secrets", async () => {
    const t = await token({ username: 'olga', password: 'owner-password-1' });
    expect(t.status).toBe(200);
    expect((await read(t.body.access_token)).status).toBe(REACHED);
    const me = await access.principalOfBearer(t.body.access_token);
    expect(me).toMatchObject({ kind: 'user', username: 'olga' });
    access.signOutEverywhere(me);
    expect((await read(t.body.access_token)).status).toBe(401);
    expect((await token({ username: 'olga', password: 'wrong-password' })).status).toBe(401);
    const entries = audit.list({ limit: 100, action: 'auth.token' });
    expect(entries.filter((e) => !e.success).length).toBeGreaterThanOrEqual(2);
    const text = JSON.stringify(entries);
    expect(text).not.toContain('owner-password-1');
    expect(text).not.toContain(posKey);
  });
});
