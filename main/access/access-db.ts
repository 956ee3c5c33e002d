import type { Migration } from '../store/db';

/** The access module's tables in node.db: people, their sessions, the audit log, API keys, the token key. */
export const ACCESS_MIGRATIONS: readonly Migration[] = [
  {
    module: 'access',
    version: 1,
    name: 'users, sessions',
    up: `
      CREATE TABLE access_users (
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE COLLATE NOCASE,
        roles_json TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0,
        created_at_ms INTEGER NOT NULL,
        password_changed_at_ms INTEGER NOT NULL
      );
      CREATE TABLE access_sessions (
        token_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES access_users(id),
        created_at_ms INTEGER NOT NULL,
        last_seen_at_ms INTEGER NOT NULL,
        step_up_at_ms INTEGER NOT NULL,
        ip TEXT NOT NULL,
        user_agent TEXT NOT NULL,
        revoked_at_ms INTEGER
      );
      CREATE INDEX access_sessions_user ON access_sessions(user_id);
    `,
  },
  {
    module: 'access',
    version: 2,
    name: 'audit log',
    up: `
      CREATE TABLE access_audit (
        seq INTEGER PRIMARY KEY,
        at_ms INTEGER NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        resource TEXT NOT NULL,
        ip TEXT NOT NULL,
        user_agent TEXT NOT NULL,
        success INTEGER NOT NULL,
        details_json TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      );
      CREATE INDEX access_audit_time ON access_audit(at_ms);
    `,
  },
  {
    module: 'access',
    version: 3,
    name: 'API keys, token signing key',
    up: `
      CREATE TABLE access_api_keys (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        scopes_json TEXT NOT NULL,
        secret_hash TEXT NOT NULL,
        created_at_ms INTEGER NOT NULL,
        created_by TEXT NOT NULL,
        revoked_at_ms INTEGER,
        last_used_at_ms INTEGER
      );
      CREATE TABLE access_signing_keys (
        kid TEXT PRIMARY KEY,
        private_jwk TEXT NOT NULL,
        created_at_ms INTEGER NOT NULL
      );
    `,
  },
];
