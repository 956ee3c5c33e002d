/** `bin/hotpot audit verify`: was the audit log of privileged acts edited since it was written? */
import { resolve } from 'node:path';
import { AuditLog } from '../access/audit-log';
import { verifyAuditLog } from '../access/audit-verify';
import { nodeDatabase } from '../app/app-components';
import { loadConfig } from '../config/load';
import type { AuditVerdict } from '../contract/audit';
import { type AnchoredAuditHead, readAnchoredAuditHead } from '../node/anchored-audit-head';
import { parseFlags } from './args';

export const summary = 'the audit log of privileged acts: audit verify --data-dir D';

const USAGE = `Usage: bin/hotpot audit verify --data-dir D

  verify   walks the hash-chained audit log and names the first entry that was changed, deleted
           or moved since it was written, then checks it against the newest head this store
           anchored on the chain (ledger.db in the data dir): a log that ends below that head, or
           whose entry there has another hash, was cut off or rewritten. Works whether or not the
           node is running.

Exit codes: 0 the log is intact, 1 it was tampered with (the entry and the anchor are named), 2 bad usage.
`;

/** `bin/hotpot audit …`. Returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'verify') {
    process.stdout.write(USAGE);
    return sub === '--help' || sub === 'help' ? 0 : 2;
  }
  const { values } = parseFlags(rest, { 'data-dir': { type: 'string' } }, 'audit verify');
  if (!values['data-dir']) {
    process.stderr.write('hotpot audit verify: --data-dir is required\n');
    return 2;
  }
  const dataDir = resolve(values['data-dir']);
  const config = loadConfig({
    flags: { dataDir: [dataDir, '--data-dir'] },
    env: process.env,
    defaultDataDir: dataDir,
  });
  const chain = readAnchoredAuditHead(dataDir, config.franchiseId);
  const anchor = chain.franchiseId ? chain.anchor : null;
  const db = nodeDatabase(dataDir);
  await db.start();
  try {
    const verdict = verifyAuditLog(new AuditLog(() => db.get(), Date.now), anchor ?? undefined);
    return report(verdict, chain);
  } finally {
    await db.stop();
  }
}

/** Prints the verdict and which anchor it was held to; returns the exit code. */
function report(verdict: AuditVerdict, chain: AnchoredAuditHead): number {
  const against =
    chain.franchiseId === null
      ? `not checked against the chain: ${chain.reason}`
      : chain.anchor
        ? `compared with the anchor of franchise ${chain.franchiseId} on chain ${chain.chainId}: entry ${chain.anchor.seq} at height ${chain.anchor.height}`
        : `no anchor on chain yet (franchise ${chain.franchiseId} on chain ${chain.chainId})`;
  if (verdict.ok) {
    process.stdout.write(`audit log intact: ${verdict.entries} entries\n${against}\n`);
    return 0;
  }
  process.stderr.write(
    `audit log TAMPERED: ${verdict.problem!.message} [${verdict.problem!.kind}]\n${against}\n`,
  );
  return 1;
}
