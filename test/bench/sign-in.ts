// `bin/hotpot bench sign-in`: can a wrong password be told from an unknown name by its answer or its
// time? Signs in over HTTP to a real gateway and access service (node.db in a temp dir), alternating
// a wrong password for a real person with a name that has no user, and prints JSON: each kind's
// statuses, bodies and time percentiles, and the ratio of their medians. The throttle is set wide
// here so every attempt is checked (with the shipped one, the sixth attempt of a name is locked out).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { AccessService } from '../../main/access/access-service';
import { authHandlers } from '../../main/api/handlers/auth';
import { type AllHandlers, Router } from '../../main/api/router';
import { nodeDatabase } from '../../main/app/app-components';
import { EventBus } from '../../main/app/events';
import { NodeMetrics } from '../../main/app/metrics';
import { Gateway } from '../../main/hosts/gateway/gateway';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '40' } } });
const rounds = Number(values.rounds);
const dir = mkdtempSync(join(tmpdir(), 'hotpot-bench-signin-'));
writeFileSync(join(dir, 'index.html'), '<!doctype html>');
const db = nodeDatabase(join(dir, 'data'));
await db.start();
const access = new AccessService(
  { throttle: { perName: 1e9, perAddress: 1e9, firstLockMs: 1, maxLockMs: 1 } },
  { db: () => db.get(), now: Date.now },
);
await access.start();
await access.setupOwner('olga', 'the-right-password', { ip: 'local', userAgent: '' });
const gw = new Gateway(
  { host: '127.0.0.1', port: 0, rendererDir: dir, rateLimits: { anonymousPerMin: 1e9 } },
  {
    router: new Router(authHandlers({ access }) as unknown as AllHandlers),
    sessions: access,
    rest: [],
    bus: new EventBus(),
    log: pino({ level: 'silent' }),
    operations: {
      status: () => ({}) as never,
      metrics: new NodeMetrics({ status: () => ({}) as never, mempoolSize: () => 0, cameras: () => [] }),
    },
  },
);
await gw.start();

async function attempt(username: string): Promise<{ ms: number; status: number; body: string }> {
  const t0 = performance.now();
  const r = await fetch(new URL('/rpc/auth.signIn', gw.url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: 'a-wrong-password' }),
  });
  const body = await r.text();
  return { ms: performance.now() - t0, status: r.status, body };
}

const kinds = { wrongPassword: [] as number[], unknownName: [] as number[] };
const answers = { wrongPassword: new Set<string>(), unknownName: new Set<string>() };
await attempt('warm-up');
for (let i = 0; i < rounds; i++) {
  for (const [kind, name] of [
    ['wrongPassword', 'olga'],
    ['unknownName', `nobody-${i}`],
  ] as const) {
    const a = await attempt(name);
    kinds[kind].push(a.ms);
    answers[kind].add(`${a.status} ${a.body}`);
  }
}
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)]!;
const summary = (xs: number[]) => ({
  p10_ms: +pct(xs, 0.1).toFixed(1),
  p50_ms: +pct(xs, 0.5).toFixed(1),
  p90_ms: +pct(xs, 0.9).toFixed(1),
});
process.stdout.write(
  JSON.stringify({
    rounds,
    wrong_password: { ...summary(kinds.wrongPassword), answers: [...answers.wrongPassword] },
    unknown_name: { ...summary(kinds.unknownName), answers: [...answers.unknownName] },
    same_answer:
      answers.wrongPassword.size === 1 &&
      answers.unknownName.size === 1 &&
      [...answers.wrongPassword][0] === [...answers.unknownName][0],
    median_ratio_unknown_over_wrong: +(pct(kinds.unknownName, 0.5) / pct(kinds.wrongPassword, 0.5)).toFixed(
      3,
    ),
    note: 'alternated pairs on a shared 2-core machine; compare the ratio, not absolute times',
  }) + '\n',
);
await gw.stop();
await db.stop();
rmSync(dir, { recursive: true, force: true });
