// The audit log over a real node.db, tampered with directly in SQLite as someone with the file would,
// and `bin/hotpot audit verify` (a real process) naming each kind of tampering.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog, type AuditRecord } from '../../../main/access/audit-log';
import { verifyAuditLog } from '../../../main/access/audit-verify';
import { nodeDatabase } from '../../../main/app/app-components';
import { auditHandlers } from '../../../main/api/handlers/audit';
import { SYSTEM } from '../../../main/contract/access';
import { runCli } from '../../helpers/node-process';
import { tempDir } from '../../helpers/tmp';

const act = (i: number): AuditRecord => ({
  actor: i % 2 ? 'olga' : 'carol',
  action: i % 3 ? 'wallet.send' : 'auth.signIn',
  resource: `0x${String(i).padStart(40, '0')}`,
  ip: '192.0.2.1',
  userAgent: 'test',
  success: i % 4 !== 0,
  details: { i },
});

describe('audit log', () => {
  const dir = tempDir();
  let dataDir = '';
  let db: ReturnType<typeof nodeDatabase>;
  let log: AuditLog;

  beforeEach(async () => {
    dataDir = join(dir.path, `d${Math.random()}`);
    db = nodeDatabase(dataDir);
    await db.start();
    let t = 1_000;
    log = new AuditLog(
      () => db.get(),
      () => (t += 10),
    );
    for (let i = 1; i <= 10; i++) log.append(act(i));
  });
  afterEach(async () => {
    await db.stop();
  });

  const sql = (s: string) => db.get().prepare(s).run();
  const verifyCli = async () => {
    await db.stop(); // as an operator would, on the file
    const r = await runCli(['audit', 'verify', '--data-dir', dataDir]);
    await db.start();
    return r;
  };

  it('chains each entry to the one before and verifies intact', async () => {
    const all = [...log.all()];
    expect(all.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (let i = 1; i < all.length; i++) expect(all[i]!.prevHash).toBe(all[i - 1]!.hash);
    expect(verifyAuditLog(log)).toEqual({ ok: true, entries: 10, problem: null });
    expect(log.list({ limit: 3, actor: 'olga' }).map((e) => e.seq)).toEqual([9, 7, 5]);
    expect(log.list({ limit: 100, failedOnly: true }).map((e) => e.seq)).toEqual([8, 4]);
    const r = await verifyCli();
    expect([r.code, r.stdout]).toEqual([
      0,
      `audit log intact: 10 entries\nnot checked against the chain: there is no chain in ${dataDir} (no ledger.db)\n`,
    ]);
  });

  it('names an entry changed in SQLite', async () => {
    sql(`UPDATE access_audit SET details_json = '{"i":999}' WHERE seq = 6`);
    expect(verifyAuditLog(log).problem).toMatchObject({ kind: 'changed', seq: 6 });
    const r = await verifyCli();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('entry 6 was changed after it was written [changed]');
  });

  it('names entries deleted in SQLite', async () => {
    sql('DELETE FROM access_audit WHERE seq IN (4, 5)');
    expect(verifyAuditLog(log).problem).toMatchObject({ kind: 'deleted', seq: 6 });
    const r = await verifyCli();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('entries 4–5 were deleted [deleted]');
  });

  it('names entries reordered in SQLite', async () => {
    sql('UPDATE access_audit SET seq = -1 WHERE seq = 3');
    sql('UPDATE access_audit SET seq = 3 WHERE seq = 7');
    sql('UPDATE access_audit SET seq = 7 WHERE seq = -1');
    expect(verifyAuditLog(log).problem).toMatchObject({ kind: 'reordered', seq: 3 });
    const r = await verifyCli();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('entry 3 does not follow entry 2');
  });

  it('knows the newest entries were cut off when the anchored head is given', () => {
    const head = log.head();
    sql('DELETE FROM access_audit WHERE seq = 10');
    expect(verifyAuditLog(log).ok).toBe(true); // without an anchor, a cut-off tail cannot show
    expect(verifyAuditLog(log, head).problem).toMatchObject({ kind: 'truncated', seq: 10 });
  });

  it("the Audit page's verify holds the log to the chain's anchor, and to the log alone when the node cannot say", async () => {
    const head = log.head();
    const anchored = { ...head, height: 42, timeMs: 1 };
    const withAnchor = auditHandlers({ audit: log, anchorer: { latestAuditAnchor: async () => anchored } });
    const starting = auditHandlers({
      audit: log,
      anchorer: {
        latestAuditAnchor: async () => {
          throw new Error('the ledger is starting');
        },
      },
    });
    const ctx = { via: 'test', principal: SYSTEM } as const;
    expect(await withAnchor['audit.verify']({}, ctx)).toMatchObject({ ok: true, entries: 10 });
    sql('DELETE FROM access_audit WHERE seq >= 9');
    expect(await withAnchor['audit.verify']({}, ctx)).toMatchObject({
      ok: false,
      problem: { kind: 'truncated', seq: 10 },
    });
    expect(await starting['audit.verify']({}, ctx)).toMatchObject({ ok: true, entries: 8 });
  });
});
