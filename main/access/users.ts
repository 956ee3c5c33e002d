import { randomUUID } from 'node:crypto';
import type { Role } from '../contract/access';
import type { UserView } from '../contract/auth';
import { type Db, prepared } from '../store/db';

/** A person as stored (the hash never leaves this module's services). */
export interface UserRecord extends UserView {
  passwordHash: string;
}

interface Row {
  id: string;
  username: string;
  roles_json: string;
  password_hash: string;
  disabled: number;
  created_at_ms: number;
  password_changed_at_ms: number;
}

function fromRow(r: Row): UserRecord {
  return {
    id: r.id,
    username: r.username,
    roles: JSON.parse(r.roles_json) as Role[],
    disabled: r.disabled === 1,
    createdAtMs: r.created_at_ms,
    passwordChangedAtMs: r.password_changed_at_ms,
    passwordHash: r.password_hash,
  };
}

/** The people who may sign in to this node (`access_users` in node.db). */
export class UserStore {
  constructor(private readonly db: () => Db) {}

  count(): number {
    return (this.db().prepare('SELECT COUNT(*) AS n FROM access_users').get() as { n: number }).n;
  }

  byName(username: string): UserRecord | undefined {
    const r = this.db().prepare('SELECT * FROM access_users WHERE username = ?').get(username) as
      Row | undefined;
    return r && fromRow(r);
  }

  byId(id: string): UserRecord | undefined {
    const r = prepared(this.db(), 'SELECT * FROM access_users WHERE id = ?').get(id) as Row | undefined;
    return r && fromRow(r);
  }

  list(): UserRecord[] {
    return (this.db().prepare('SELECT * FROM access_users ORDER BY username').all() as Row[]).map(fromRow);
  }

  /** Adds a person; the caller has checked the name is free. */
  add(u: { username: string; roles: readonly Role[]; passwordHash: string; nowMs: number }): UserRecord {
    const id = randomUUID();
    this.db()
      .prepare(
        `INSERT INTO access_users (id, username, roles_json, password_hash, disabled, created_at_ms, password_changed_at_ms)
         VALUES (?, ?, ?, ?, 0, ?, ?)`,
      )
      .run(id, u.username, JSON.stringify(u.roles), u.passwordHash, u.nowMs, u.nowMs);
    return this.byId(id)!;
  }

  setDisabled(id: string, disabled: boolean): void {
    this.db()
      .prepare('UPDATE access_users SET disabled = ? WHERE id = ?')
      .run(disabled ? 1 : 0, id);
  }

  setRoles(id: string, roles: readonly Role[]): void {
    this.db().prepare('UPDATE access_users SET roles_json = ? WHERE id = ?').run(JSON.stringify(roles), id);
  }

  setPasswordHash(id: string, hash: string, nowMs: number): void {
    this.db()
      .prepare('UPDATE access_users SET password_hash = ?, password_changed_at_ms = ? WHERE id = ?')
      .run(hash, nowMs, id);
  }

  /** How many enabled people hold `role`. */
  countEnabledWith(role: Role): number {
    return this.list().filter((u) => !u.disabled && u.roles.includes(role)).length;
  }
}
