import { createHash, randomBytes } from 'node:crypto';
import { type Db, prepared } from '../store/db';

/** How long a session lasts without use, and at most. */
export interface SessionLimits {
  idleMs: number;
  absoluteMs: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 };

/** A live session. */
export interface Session {
  /** The token's hash: what is stored and what identifies the session in views and the audit log. */
  id: string;
  userId: string;
  createdAtMs: number;
  lastSeenAtMs: number;
  stepUpAtMs: number;
}

interface Row {
  token_hash: string;
  user_id: string;
  created_at_ms: number;
  last_seen_at_ms: number;
  step_up_at_ms: number;
  revoked_at_ms: number | null;
}

/** A use is written back at most this often (a read on every request would be a write on every request). */
const TOUCH_EVERY_MS = 60_000;

function hashOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Sessions (`access_sessions` in node.db). The token is 32 random bytes the caller holds (an
 * httpOnly cookie, the window's slot in the main process); only its SHA-256 is stored, so the
 * database file signs nobody in.
 */
export class SessionStore {
  constructor(
    private readonly db: () => Db,
    private readonly limits: SessionLimits = DEFAULT_SESSION_LIMITS,
  ) {}

  /** A new session for `userId`; returns the token (shown to nobody but the edge that holds it). */
  open(
    userId: string,
    nowMs: number,
    client: { ip: string; userAgent: string },
  ): { token: string; session: Session } {
    const token = randomBytes(32).toString('base64url');
    const id = hashOf(token);
    this.db()
      .prepare(
        `INSERT INTO access_sessions (token_hash, user_id, created_at_ms, last_seen_at_ms, step_up_at_ms, ip, user_agent)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, userId, nowMs, nowMs, nowMs, client.ip, client.userAgent.slice(0, 300));
    return { token, session: { id, userId, createdAtMs: nowMs, lastSeenAtMs: nowMs, stepUpAtMs: nowMs } };
  }

  /** The live session `token` names, touched as used now; undefined when unknown, revoked or expired. */
  resolve(token: string, nowMs: number): Session | undefined {
    return token ? this.resolveId(hashOf(token), nowMs) : undefined;
  }

  /** The live session with this id (what a bearer token names), touched as used now. */
  resolveId(id: string, nowMs: number): Session | undefined {
    const r = prepared(this.db(), 'SELECT * FROM access_sessions WHERE token_hash = ?').get(id) as
      Row | undefined;
    if (!r || r.revoked_at_ms !== null) return undefined;
    if (nowMs - r.last_seen_at_ms > this.limits.idleMs || nowMs - r.created_at_ms > this.limits.absoluteMs) {
      this.revoke(id, nowMs);
      return undefined;
    }
    if (nowMs - r.last_seen_at_ms > TOUCH_EVERY_MS)
      this.db().prepare('UPDATE access_sessions SET last_seen_at_ms = ? WHERE token_hash = ?').run(nowMs, id);
    return {
      id,
      userId: r.user_id,
      createdAtMs: r.created_at_ms,
      lastSeenAtMs: nowMs,
      stepUpAtMs: r.step_up_at_ms,
    };
  }

  /** The person confirmed their password in this session. */
  stepUp(id: string, nowMs: number): void {
    this.db().prepare('UPDATE access_sessions SET step_up_at_ms = ? WHERE token_hash = ?').run(nowMs, id);
  }

  revoke(id: string, nowMs: number): void {
    this.db()
      .prepare('UPDATE access_sessions SET revoked_at_ms = ? WHERE token_hash = ? AND revoked_at_ms IS NULL')
      .run(nowMs, id);
  }

  /** Ends every session of `userId` ("sign out everywhere", a disabled person, a reset password). */
  revokeAllOf(userId: string, nowMs: number): number {
    return this.db()
      .prepare('UPDATE access_sessions SET revoked_at_ms = ? WHERE user_id = ? AND revoked_at_ms IS NULL')
      .run(nowMs, userId).changes;
  }
}
