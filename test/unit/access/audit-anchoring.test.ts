// The audit log's head anchored on the chain by the scheduler through a real composed ledger node
// (the embedded development chain, which registers its own dev store), and `bin/hotpot audit verify`
// (a real process) holding the log to that anchor: a cut-off tail and a consistently re-chained log,
// which the log alone cannot show, are both named with the anchor they contradict.
import { afterEach, describe, expect, it } from 'vitest';
import { AuditAnchorScheduler } from '../../../main/access/audit-anchoring';
import { AuditLog, type AuditRecord, entryHash } from '../../../main/access/audit-log';
import { verifyAuditLog } from '../../../main/access/audit-verify';
import { nodeDatabase } from '../../../main/app/app-components';
import { composeLedgerNode } from '../../../main/app/compose-ledger';
import type { NodeService } from '../../../main/node/node-service';
import { MemoryHub } from '../../../main/p2p/memory-network';
import { runCli } from '../../helpers/node-process';
import { tempDir } from '../../helpers/tmp';
import { SILENT_LOG, nodeDir, testGenesis, testKeys, waitFor } from '../node/helpers';

const [key] = testKeys(1, 900) as [Uint8Array];
const act = (i: number): AuditRecord => ({
  actor: 'olga',
  action: 'wallet.send',
  resource: `order-${i}`,
  ip: '192.0.2.1',
  userAgent: 'test',
  success: true,
  details: { i },
});

let stops: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const s of stops.reverse()) await s();
  stops = [];
});

/** A node on `chainId` (the dev chain unless said) with an audit log of `entries` entries, both started. */
async function store(entries: number, opts: { chainId?: string; privateKey?: Uint8Array | null } = {}) {
  const root = tempDir('hotpot-audit-anchor-');
  stops.push(root.cleanup);
  const g = testGenesis([key], { chainId: opts.chainId ?? 'hotpot-dev' });
  const dataDir = nodeDir(root.path, 'n', g);
  const node: NodeService = composeLedgerNode(
    { dataDir },
    {
      log: SILENT_LOG,
      network: new MemoryHub().node('n', g.chainId),
      privateKey: opts.privateKey === undefined ? key : opts.privateKey,
    },
  );
  stops.push(() => node.stop());
  await node.start();
  const db = nodeDatabase(dataDir);
  await db.start();
  stops.push(() => db.stop());
  let t = 1_000;
  const log = new AuditLog(
    () => db.get(),
    () => (t += 10),
  );
  for (let i = 1; i <= entries; i++) log.append(act(i));
  const warnings: string[] = [];
  const infos: string[] = [];
  const scheduler = new AuditAnchorScheduler(
    { everyMs: 100, stopWaitMs: 20_000 },
    {
      audit: log,
      anchorer: node,
      log: { info: (_o, m) => infos.push(m), warn: (_o, m) => warnings.push(m) },
    },
  );
  return { dataDir, node, db, log, scheduler, warnings, infos };
}

/** A dev-chain store whose head was anchored on the interval (entry 6) and at stop (entry 9); the node is stopped. */
async function anchoredStore() {
  const s = await store(6);
  await s.scheduler.start();
  await waitFor('entry 6 anchored', async () => (await s.node.latestAuditAnchor())?.seq === 6, 30_000);
  const first = (await s.node.latestAuditAnchor())!;
  await new Promise((r) => setTimeout(r, 500)); // several rounds with an unchanged head
  expect(await s.node.latestAuditAnchor()).toEqual(first); // nothing anchored again
  for (let i = 7; i <= 9; i++) s.log.append(act(i));
  await s.scheduler.stop(); // the head moved: anchored once more before stop returns
  const anchor = (await s.node.latestAuditAnchor())!;
  expect(anchor).toMatchObject({ seq: 9, hash: s.log.head().hash });
  expect(anchor.height).toBeGreaterThan(first.height);
  expect(s.warnings).toEqual([]);
  await s.node.stop();
  await s.db.stop(); // as an operator would, on the files
  const verify = () => runCli(['audit', 'verify', '--data-dir', s.dataDir]);
  const sql = async (q: string, ...args: unknown[]) => {
    await s.db.start();
    s.db
      .get()
      .prepare(q)
      .run(...args);
  };
  return { ...s, anchor, verify, sql };
}

describe('anchoring the audit log head', () => {
  it('anchors a moved head every interval and at stop; verify says which anchor it compared with', async () => {
    const { anchor, verify } = await anchoredStore();
    const r = await verify();
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `audit log intact: 9 entries\ncompared with the anchor of franchise dev-store on chain hotpot-dev: entry 9 at height ${anchor.height}\n`,
    );
  });

  it('verify names a log cut off below the anchored head (newest entries deleted in SQLite)', async () => {
    const s = await anchoredStore();
    await s.sql('DELETE FROM access_audit WHERE seq IN (8, 9)');
    expect(verifyAuditLog(s.log).ok).toBe(true); // the log alone looks whole
    expect(verifyAuditLog(s.log, s.anchor).problem).toMatchObject({ kind: 'truncated', seq: 9 });
    await s.db.stop();
    const r = await s.verify();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `the log ends at entry 7, but entry 9 was anchored at height ${s.anchor.height} [truncated]`,
    );
    expect(r.stderr).toContain(
      `compared with the anchor of franchise dev-store on chain hotpot-dev: entry 9`,
    );
  });

  it('verify names a log rewritten and chained again from entry 4 (which the log alone cannot show)', async () => {
    const s = await anchoredStore();
    await s.sql('SELECT 1'); // opens node.db
    let prevHash = [...s.log.all()][2]!.hash;
    for (const e of [...s.log.all()].slice(3)) {
      const { hash: _old, ...fields } = e;
      const body = { ...fields, details: { i: 1000 + e.seq }, prevHash };
      const hash = entryHash(body);
      s.db
        .get()
        .prepare('UPDATE access_audit SET details_json = ?, prev_hash = ?, hash = ? WHERE seq = ?')
        .run(JSON.stringify(body.details), prevHash, hash, e.seq);
      prevHash = hash;
    }
    expect(verifyAuditLog(s.log)).toEqual({ ok: true, entries: 9, problem: null });
    expect(verifyAuditLog(s.log, s.anchor).problem).toMatchObject({ kind: 'rewritten', seq: 9 });
    await s.db.stop();
    const r = await s.verify();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`entry 9 does not have the hash anchored at height ${s.anchor.height}`);
    expect(r.stderr).toContain('[rewritten]');
  });

  it('a log with no anchor yet verifies as before, saying so', async () => {
    const s = await store(3);
    await s.node.stop();
    await s.db.stop();
    const r = await runCli(['audit', 'verify', '--data-dir', s.dataDir]);
    expect([r.code, r.stdout]).toEqual([
      0,
      'audit log intact: 3 entries\nno anchor on chain yet (franchise dev-store on chain hotpot-dev)\n',
    ]);
  });

  it('when it cannot anchor (no franchise; an observer) it warns once with the reason and keeps trying', async () => {
    for (const opts of [{ chainId: 'hotpot-test' }, { privateKey: null }]) {
      const s = await store(2, opts);
      await s.scheduler.start();
      await new Promise((r) => setTimeout(r, 600));
      s.log.append(act(3)); // the log never waits for anchoring
      await s.scheduler.stop();
      expect(s.warnings).toHaveLength(1);
      expect(s.warnings[0]).toMatch(
        opts.privateKey === null
          ? /needs a signing key: this node runs as an observer/
          : /needs the franchise id/,
      );
      expect(s.log.head().seq).toBe(3);
      expect(await s.node.latestAuditAnchor()).toBeNull();
    }
  });
});
