// HQ's franchise registry on a real headless development node (its key is the dev chain's HQ
// authority), over REST with real credentials: an hq-admin's bearer token registers and suspends
// stores (chain transactions, answered once committed); bad input and the wrong caller get typed
// problem+json and nothing reaches the chain; a read-scoped API key lists; the CLI talks to the same API.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NodeProcess, runCli, signInAsOwner, startNode } from '../../helpers/node-process';
import { tempDir } from '../../helpers/tmp';
import { restCall, rpcCall } from '../../helpers/rest-calls';

const OWNER_KEY = `0x${'5a'.repeat(20)}`;
const TOKENOMICS = { currency: 'RUB', tokensPerMinorUnit: '1', royaltyBps: 500, validatorRewardBps: 100 };
const KAZAN = { id: 'kazan-1', owner: OWNER_KEY, city: 'Казань', region: 'RU-TA', tokenomics: TOKENOMICS };
const ADMIN = { username: 'hq-admin', password: 'hq-admin-password-1' };
const ANALYST = { username: 'hq-analyst', password: 'hq-analyst-password-1' };

describe('the franchise registry over REST on a real development node', () => {
  const dir = tempDir('hotpot-franchise-');
  let node: NodeProcess;
  let url: string;
  let admin: string;
  let analyst: string;
  let readKey: string;

  /** A REST call with a bearer credential; answers the status, the content type and the parsed body. */
  const rest = (method: string, path: string, bearer: string, body?: unknown) =>
    restCall(url, method, path, bearer, body);

  const rpc = (cookie: string, name: string, input: unknown) => rpcCall(url, cookie, name, input);

  async function token(person: { username: string; password: string }): Promise<string> {
    const res = await fetch(new URL('/api/v1/auth/token', url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(person),
    });
    return ((await res.json()) as { access_token: string }).access_token;
  }

  beforeAll(async () => {
    node = await startNode({ dataDir: join(dir.path, 'data'), timeoutMs: 60_000 });
    url = node.url;
    const owner = await signInAsOwner(url);
    await rpc(owner, 'users.add', { ...ADMIN, roles: ['hq-admin'] });
    await rpc(owner, 'users.add', { ...ANALYST, roles: ['hq-analyst'] });
    readKey = (await rpc(owner, 'keys.create', { name: 'integrator', scopes: ['read'] }))['secret'] as string;
    admin = await token(ADMIN);
    analyst = await token(ANALYST);
  }, 90_000);
  afterAll(async () => {
    await node?.stop();
    dir.cleanup();
  });

  it('registers (201), refuses a duplicate (409) and bad input (400) without storing it, and suspends', async () => {
    const created = await rest('POST', '/api/v1/franchises', admin, KAZAN);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body['franchise']).toMatchObject({
      id: 'kazan-1',
      status: 'active',
      city: 'Казань',
      tokenomics: TOKENOMICS,
      sales: { orders: 0, amountMinor: '0', royaltyMinted: '0', lastSaleHeight: null },
    });
    const tx = created.body['tx'] as { hash: string; height: number };
    expect(tx.height).toBeGreaterThan(0);
    const onChain = await rest('GET', `/api/v1/txs/${tx.hash}`, admin);
    expect(onChain.body).toMatchObject({ type: 'franchise-register', status: 'ok' });

    const duplicate = await rest('POST', '/api/v1/franchises', admin, { ...KAZAN, city: 'Другой' });
    expect([duplicate.status, duplicate.body['code']]).toEqual([409, 'FRANCHISE_CONFLICT']);
    expect(duplicate.type).toBe('application/problem+json');

    const bad: Array<[unknown, string]> = [
      [{ ...KAZAN, id: 'bad-1', tokenomics: { ...TOKENOMICS, currency: 'rubles' } }, 'tokenomics.currency'],
      [{ ...KAZAN, id: 'bad-2', tokenomics: { ...TOKENOMICS, royaltyBps: -5 } }, 'tokenomics.royaltyBps'],
      [{ ...KAZAN, id: 'bad-3', owner: 'nobody' }, 'owner'],
      [{ ...KAZAN, id: 'bad-4', tokenomics: { ...TOKENOMICS, tokensPerMinorUnit: 1 } }, 'tokensPerMinorUnit'],
    ];
    for (const [body, field] of bad) {
      const r = await rest('POST', '/api/v1/franchises', admin, body);
      expect([r.status, r.body['code']], JSON.stringify(body)).toEqual([400, 'BAD_REQUEST']);
      expect(r.type).toBe('application/problem+json');
      expect(String(r.body['detail'])).toContain(field);
    }
    for (const id of ['bad-1', 'bad-2', 'bad-3', 'bad-4']) {
      const r = await rest('GET', `/api/v1/franchises/${id}`, admin);
      expect([r.status, r.body['code']]).toEqual([404, 'FRANCHISE_NOT_FOUND']);
    }
    const unknown = await rest('PATCH', '/api/v1/franchises/nowhere', admin, { status: 'suspended' });
    expect([unknown.status, unknown.body['code']]).toEqual([404, 'FRANCHISE_NOT_FOUND']);

    const suspended = await rest('PATCH', '/api/v1/franchises/kazan-1', admin, {
      status: 'suspended',
      tokenomics: { royaltyBps: 650 },
    });
    expect(suspended.status, JSON.stringify(suspended.body)).toBe(200);
    expect(suspended.body['franchise']).toMatchObject({
      status: 'suspended',
      city: 'Казань',
      tokenomics: { ...TOKENOMICS, royaltyBps: 650 },
    });
    const listed = await rest('GET', '/api/v1/franchises?status=suspended', analyst);
    expect(listed.status).toBe(200);
    expect((listed.body['items'] as Array<{ id: string }>).map((f) => f.id)).toEqual(['kazan-1']);
  });

  it('the wrong caller gets 401/403 and changes nothing; a read key lists', async () => {
    const byAnalyst = await rest('POST', '/api/v1/franchises', analyst, { ...KAZAN, id: 'by-analyst' });
    expect([byAnalyst.status, byAnalyst.body['code']]).toEqual([403, 'FORBIDDEN']);
    const byKey = await rest('PATCH', '/api/v1/franchises/kazan-1', readKey, { status: 'active' });
    expect([byKey.status, byKey.body['code']]).toEqual([403, 'FORBIDDEN']);
    const nobody = await rest('GET', '/api/v1/franchises', 'not-a-token');
    expect(nobody.status).toBe(401);
    const viaKey = await rest('GET', '/api/v1/franchises/kazan-1', readKey);
    expect(viaKey.status).toBe(200);
    expect(viaKey.body).toMatchObject({ id: 'kazan-1', status: 'suspended' });
    const all = await rest('GET', '/api/v1/franchises', readKey);
    expect((all.body['items'] as Array<{ id: string }>).map((f) => f.id)).not.toContain('by-analyst');
  });

  it('bin/hotpot franchise registers, updates and lists through the same API', async () => {
    const env = { HOTPOT_USER: ADMIN.username, HOTPOT_USER_PASSWORD: ADMIN.password };
    const reg = await runCli(
      [
        'franchise',
        'register',
        '--api',
        url,
        '--id',
        'tver-1',
        '--owner',
        OWNER_KEY,
        '--city',
        'Тверь',
        '--region',
        'RU-TVE',
        '--currency',
        'RUB',
        '--royalty-bps',
        '400',
      ],
      { env },
    );
    expect(reg.code, reg.stderr).toBe(0);
    expect(reg.stdout).toMatch(/^registered tver-1 \(active\) in block \d+/);
    const upd = await runCli(
      ['franchise', 'update', '--api', url, '--id', 'tver-1', '--status', 'inactive', '--json'],
      {
        env,
      },
    );
    expect(upd.code, upd.stderr).toBe(0);
    expect((JSON.parse(upd.stdout) as { franchise: { status: string } }).franchise.status).toBe('inactive');
    const again = await runCli(
      [
        'franchise',
        'register',
        '--api',
        url,
        '--id',
        'tver-1',
        '--owner',
        OWNER_KEY,
        '--city',
        'x',
        '--region',
        'y',
        '--currency',
        'RUB',
        '--royalty-bps',
        '1',
      ],
      { env },
    );
    expect([again.code, again.stderr]).toEqual([1, expect.stringContaining('[FRANCHISE_CONFLICT]')]);
    const list = await runCli(['franchise', 'list', '--api', url, '--json'], {
      env: { HOTPOT_API_KEY: readKey },
    });
    expect(list.code, list.stderr).toBe(0);
    const ids = (JSON.parse(list.stdout) as Array<{ id: string }>).map((f) => f.id);
    expect(ids).toEqual(expect.arrayContaining(['kazan-1', 'tver-1']));
    const table = await runCli(['franchise', 'list', '--api', url], { env: { HOTPOT_API_KEY: readKey } });
    expect(table.stdout).toMatch(/^ID\s+STATUS\s+CITY/);
    expect(table.stdout).toMatch(/tver-1\s+inactive\s+Тверь/);
    const badFlag = await runCli(['franchise', 'list', '--api', url, '--colour'], {});
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain('--colour');
    const help = await runCli(['franchise', '--help'], {});
    expect([help.code, help.stdout]).toEqual([0, expect.stringContaining('Usage: bin/hotpot franchise')]);
    const unreachable = await runCli(['franchise', 'list', '--api', 'http://127.0.0.1:9'], {});
    expect(unreachable.code).toBe(3);
  });

  it('bin/hotpot franchise register-peer registers and retires a store node’s peer id on chain', async () => {
    const env = { HOTPOT_USER: ADMIN.username, HOTPOT_USER_PASSWORD: ADMIN.password };
    const peerId = '12D3KooWGzh8QGuy9Tyu8ua9Dx1YAWmuRZsEXpmJJG2Dp6vbTwgE';
    const reg = await runCli(['franchise', 'register-peer', '--api', url, '--peer-id', peerId], { env });
    expect(reg.code, reg.stderr).toBe(0);
    expect(reg.stdout).toMatch(new RegExp(`^registered peer ${peerId} in block \\d+, tx 0x[0-9a-f]{64}`));
    const retire = await runCli(
      ['franchise', 'register-peer', '--api', url, '--peer-id', peerId, '--retire', '--json'],
      { env },
    );
    expect(retire.code, retire.stderr).toBe(0);
    expect(JSON.parse(retire.stdout)).toMatchObject({ peerId, active: false });
    const bad = await runCli(['franchise', 'register-peer', '--api', url, '--peer-id', 'nope'], { env });
    expect([bad.code, bad.stderr]).toEqual([1, expect.stringContaining('peer id')]);
    const missing = await runCli(['franchise', 'register-peer', '--api', url], { env });
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringContaining('--peer-id')]);
  });
});
