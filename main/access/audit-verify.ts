import type { AuditProblem, AuditVerdict } from '../contract/audit';
import type { AuditHead } from './audit-anchoring';
import { type AuditLog, GENESIS_HASH, entryHash } from './audit-log';

/** A head anchored on the chain, with the block that holds it when known (named in the verdict). */
export type AnchoredHead = AuditHead & { height?: number };

/**
 * Walks the audit log from its first entry and names the first place it was tampered with:
 * - `changed`: an entry's fields no longer hash to the hash it carries;
 * - `deleted`: a sequence number is missing (or the first entries are);
 * - `reordered`: an entry is intact but does not follow the one before it (moved, swapped or
 *   inserted);
 * and, when given, whether the log still holds the head that was anchored on the chain:
 * - `truncated`: the log ends below the anchored entry (the newest entries are gone);
 * - `rewritten`: the anchored entry is there but with another hash: every entry from some point on
 *   was rewritten and chained again, which the log alone cannot show.
 */
export function verifyAuditLog(log: AuditLog, anchored?: AnchoredHead): AuditVerdict {
  let prev = { seq: 0, hash: GENESIS_HASH };
  let entries = 0;
  let atAnchor: string | undefined;
  for (const e of log.all()) {
    entries++;
    if (anchored && e.seq === anchored.seq) atAnchor = e.hash;
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
  if (anchored) {
    const problem = anchorProblem(prev, atAnchor, anchored);
    if (problem) return { ok: false, entries, problem };
  }
  return { ok: true, entries, problem: null };
}

/** Does an intact log ending at `last` still hold the anchored head (`atAnchor`: its entry's hash)? */
function anchorProblem(
  last: { seq: number },
  atAnchor: string | undefined,
  anchored: AnchoredHead,
): AuditProblem | null {
  const where = anchored.height === undefined ? '' : ` at height ${anchored.height}`;
  if (last.seq < anchored.seq)
    return {
      kind: 'truncated',
      seq: anchored.seq,
      message: `the log ends at entry ${last.seq}, but entry ${anchored.seq} was anchored${where}`,
    };
  if (atAnchor !== anchored.hash.toLowerCase())
    return {
      kind: 'rewritten',
      seq: anchored.seq,
      message: `entry ${anchored.seq} does not have the hash anchored${where} (${anchored.hash.slice(0, 16)}…): entries up to it were rewritten and chained again`,
    };
  return null;
}
