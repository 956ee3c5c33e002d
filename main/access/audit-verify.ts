import type { AuditProblem, AuditVerdict } from '../contract/audit';
import { type AuditLog, GENESIS_HASH, entryHash } from './audit-log';

/**
 * Walks the audit log from its first entry and names the first place it was tampered with:
 * - `changed`: an entry's fields no longer hash to the hash it carries;
 * - `deleted`: a sequence number is missing (or the first entries are);
 * - `reordered`: an entry is intact but does not follow the one before it (moved, swapped or
 *   inserted);
 * and, when given, whether the log still reaches the head that was anchored (`truncated` when the
 * newest entries are gone).
 */
export function verifyAuditLog(log: AuditLog, anchored?: { seq: number; hash: string }): AuditVerdict {
  let prev = { seq: 0, hash: GENESIS_HASH };
  let entries = 0;
  for (const e of log.all()) {
    entries++;
    const { hash, ...body } = e;
    const problem = (kind: AuditProblem['kind'], message: string): AuditVerdict => ({
      ok: false,
      entries,
      problem: { kind, seq: e.seq, message },
    });
    if (entryHash(body) !== hash)
      return problem('changed', `entry ${e.seq} was changed after it was written`);
    if (e.seq !== prev.seq + 1)
      return problem(
        'deleted',
        e.seq > prev.seq + 1
          ? `entries ${prev.seq + 1}${e.seq - 1 > prev.seq + 1 ? `–${e.seq - 1}` : ''} were deleted`
          : `entry ${e.seq} is out of sequence`,
      );
    if (e.prevHash !== prev.hash)
      return problem(
        'reordered',
        `entry ${e.seq} does not follow entry ${prev.seq}: entries were moved, swapped, or one before it was removed and the rest renumbered`,
      );
    prev = { seq: e.seq, hash };
  }
  if (anchored && (prev.seq < anchored.seq || (prev.seq === anchored.seq && prev.hash !== anchored.hash)))
    return {
      ok: false,
      entries,
      problem: {
        kind: 'truncated',
        seq: anchored.seq,
        message: `the log ends at entry ${prev.seq}, but entry ${anchored.seq} was anchored`,
      },
    };
  return { ok: true, entries, problem: null };
}
