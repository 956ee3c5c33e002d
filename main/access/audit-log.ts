import { createHash } from 'node:crypto';
import { canonicalJson } from '../common/canonical-json';
import type { AuditEntry, AuditFilter } from '../contract/audit';
import type { Db } from '../store/db';

/** What is recorded of one privileged act (the log adds its number, time and hashes). */
export interface AuditRecord {
  /** Who: a person's name, an API key's name, `system` or `anonymous`. */
  actor: string;
  /** What: the contract method, or an event of its own (`auth.signIn`). */
  action: string;
  /** Which resource it was about (an id, a name, an address), when it names one. */
  resource: string;
  ip: string;
  userAgent: string;
  success: boolean;
  /** The input without its secrets, and the error code when it failed. */
  details: Record<string, unknown>;
}

/** The hash of the entry before the first. */
export const GENESIS_HASH = '0'.repeat(64);

interface Row {
  seq: number;
  at_ms: number;
  actor: string;
  action: string;
  resource: string;
  ip: string;
  user_agent: string;
  success: number;
  details_json: string;
  prev_hash: string;
  hash: string;
}

/**
 * The hash an entry must carry: SHA-256 of its fields and the previous entry's hash, as canonical
 * JSON. Its sequence number is left out: the order is the chain of hashes, so rows moved to other
 * numbers still hash alike and show as out of order, not as changed.
 */
export function entryHash(e: Omit<AuditEntry, 'hash'>): string {
  const { seq: _seq, ...fields } = e;
  return createHash('sha256').update(canonicalJson(fields)).digest('hex');
}

function entryOf(r: Row): AuditEntry {
  return {
    seq: r.seq,
    atMs: r.at_ms,
    actor: r.actor,
    action: r.action,
    resource: r.resource,
    ip: r.ip,
    userAgent: r.user_agent,
    success: r.success === 1,
    details: JSON.parse(r.details_json) as Record<string, unknown>,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/**
 * The audit log (`access_audit` in node.db): append-only and hash-chained, each entry holding the
 * previous one's hash, so an entry changed, deleted or moved afterwards shows (`verifyAuditLog`),
 * even to someone who had the database file. Appends are synchronous: an act and its record are
 * never apart by a crash of the event loop.
 */
export class AuditLog {
  constructor(
    private readonly db: () => Db,
    private readonly now: () => number,
  ) {}

  append(rec: AuditRecord): AuditEntry {
    const db = this.db();
    return db.transaction(() => {
      const last = this.head();
      const body = { ...rec, seq: last.seq + 1, atMs: this.now(), prevHash: last.hash };
      const entry: AuditEntry = { ...body, hash: entryHash(body) };
      db.prepare(
        `INSERT INTO access_audit (seq, at_ms, actor, action, resource, ip, user_agent, success, details_json, prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        entry.seq,
        entry.atMs,
        entry.actor,
        entry.action,
        entry.resource,
        entry.ip,
        entry.userAgent,
        entry.success ? 1 : 0,
        JSON.stringify(entry.details),
        entry.prevHash,
        entry.hash,
      );
      return entry;
    })();
  }

  /** Newest first, filtered; `before` pages back by sequence number. */
  list(f: AuditFilter): AuditEntry[] {
    const clauses: Array<[string, unknown?]> = [];
    if (f.actor) clauses.push(['actor = ?', f.actor]);
    if (f.action) clauses.push(['action LIKE ?', `${f.action}%`]);
    if (f.fromMs !== undefined) clauses.push(['at_ms >= ?', f.fromMs]);
    if (f.toMs !== undefined) clauses.push(['at_ms < ?', f.toMs]);
    if (f.before !== undefined) clauses.push(['seq < ?', f.before]);
    if (f.failedOnly) clauses.push(['success = 0']);
    const where = clauses.map(([c]) => c);
    const args = clauses.filter((c) => c.length > 1).map(([, v]) => v);
    const sql = `SELECT * FROM access_audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
    return (
      this.db()
        .prepare(sql)
        .all(...args, f.limit) as Row[]
    ).map(entryOf);
  }

  /** Every entry in the order stored (by sequence number), for verification. */
  *all(): Generator<AuditEntry> {
    for (const r of this.db().prepare('SELECT * FROM access_audit ORDER BY seq').iterate() as Iterable<Row>)
      yield entryOf(r);
  }

  /** The newest entry's number and hash (the genesis hash before the first): what the next entry chains to, and what an anchor records. */
  head(): { seq: number; hash: string } {
    const last = this.db().prepare('SELECT seq, hash FROM access_audit ORDER BY seq DESC LIMIT 1').get() as
      { seq: number; hash: string } | undefined;
    return last ?? { seq: 0, hash: GENESIS_HASH };
  }
}
