import { AuditLog } from '../access/audit-log';
import { verifyAuditLog } from '../access/audit-verify';
import { nodeDatabase } from '../app/app-components';
import { parseFlags } from './args';

export const summary = 'the audit log of privileged acts: audit verify --data-dir D';

const USAGE = `Usage: bin/hotpot audit verify --data-dir D

  verify   walks the hash-chained audit log and names the first entry that was changed, deleted
           or moved since it was written (works whether or not the node is running)

Exit codes: 0 the log is intact, 1 it was tampered with (the entry is named), 2 bad usage.
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
  const db = nodeDatabase(values['data-dir']);
  await db.start();
  try {
    const verdict = verifyAuditLog(new AuditLog(() => db.get(), Date.now));
    if (verdict.ok) {
      process.stdout.write(`audit log intact: ${verdict.entries} entries\n`);
      return 0;
    }
    process.stderr.write(`audit log TAMPERED: ${verdict.problem!.message} [${verdict.problem!.kind}]\n`);
    return 1;
  } finally {
    await db.stop();
  }
}
