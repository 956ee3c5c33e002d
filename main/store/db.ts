import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { StoreError } from './errors';

/** A better-sqlite3 connection. */
export type Db = Database.Database;

/** One numbered schema step of one module. Versions start at 1 and never change once shipped. */
export interface Migration {
  module: string;
  version: number;
  /** A short description, recorded with the step. */
  name: string;
  /** SQL run inside the migration's transaction, or a function for steps SQL alone cannot express. */
  up: string | ((db: Db) => void);
}

/** How to open a database. */
export interface OpenDatabaseOptions {
  /** FULL for the ledger (a committed block survives a power cut); NORMAL is enough for off-chain data in WAL mode. */
  synchronous: 'FULL' | 'NORMAL';
  migrations: readonly Migration[];
  readonly?: boolean;
}

/**
 * Opens (creating if needed) an SQLite database in WAL mode, checks its integrity quickly, and runs
 * every pending migration, each in its own transaction together with its `_migrations` row, so a crash
 * at any point leaves either the old or the new schema, never half of one.
 *
 * @example const db = openDatabase(join(dataDir, 'node.db'), { synchronous: 'NORMAL', migrations: [...eventStoreMigrations] });
 */
export function openDatabase(file: string, opts: OpenDatabaseOptions): Db {
  let db: Db;
  try {
    if (!opts.readonly) mkdirSync(dirname(file), { recursive: true });
    db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
  } catch (err) {
    throw new StoreError(
      'OPEN_FAILED',
      `cannot open database ${file}: ${(err as Error).message}`,
      { file },
      { cause: err },
    );
  }
  try {
    if (!opts.readonly) db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${opts.synchronous}`);
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // Statement journals (each savepoint's undo, e.g. one per write of a group commit) and temp tables
    // in memory: on disk each savepoint cost its own write syscalls, and they are never needed after a
    // crash (the WAL is what recovers). The sales writer spent most of its time there at 1,000 sales/s.
    db.pragma('temp_store = MEMORY');
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok')
      throw new StoreError('CORRUPT', `database ${file} failed its integrity check: ${String(check)}`, {
        file,
      });
    if (!opts.readonly) migrate(db, file, opts.migrations);
    return db;
  } catch (err) {
    db.close();
    if (err instanceof StoreError) throw err;
    throw mapSqliteError(err, file);
  }
}

function migrate(db: Db, file: string, migrations: readonly Migration[]): void {
  db.exec(`CREATE TABLE IF NOT EXISTS _migrations (
    module TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, applied_at_ms INTEGER NOT NULL,
    PRIMARY KEY (module, version)) STRICT`);
  const applied = new Map<string, number>();
  for (const row of db
    .prepare('SELECT module, MAX(version) AS v FROM _migrations GROUP BY module')
    .all() as Array<{ module: string; v: number }>) {
    applied.set(row.module, row.v);
  }
  const byModule = new Map<string, Migration[]>();
  for (const m of migrations) {
    const list = byModule.get(m.module) ?? [];
    list.push(m);
    byModule.set(m.module, list);
  }
  const record = db.prepare(
    'INSERT INTO _migrations (module, version, name, applied_at_ms) VALUES (?, ?, ?, ?)',
  );
  for (const [module, list] of byModule) {
    list.sort((a, b) => a.version - b.version);
    list.forEach((m, i) => {
      if (m.version !== i + 1)
        throw new StoreError(
          'MIGRATION_FAILED',
          `migrations of "${module}" must be numbered 1, 2, 3…; found ${m.version} at position ${i + 1}`,
          { module },
        );
    });
    const have = applied.get(module) ?? 0;
    if (have > list.length) {
      throw new StoreError(
        'NEWER_SCHEMA',
        `database ${file} has "${module}" schema version ${have}, newer than this build knows (${list.length}): run a newer Hot Pot Spot Node`,
        { file, module, have, known: list.length },
      );
    }
    for (const m of list.slice(have)) {
      const step = db.transaction(() => {
        if (typeof m.up === 'string') db.exec(m.up);
        else m.up(db);
        record.run(module, m.version, m.name, Date.now());
      });
      try {
        step();
      } catch (err) {
        throw new StoreError(
          'MIGRATION_FAILED',
          `migration ${module} #${m.version} (${m.name}) failed on ${file}: ${(err as Error).message}`,
          { file, module, version: m.version },
          { cause: err },
        );
      }
    }
  }
}

/** Maps SQLite's error codes to typed store errors with advice. */
export function mapSqliteError(err: unknown, file: string): StoreError {
  const code = (err as { code?: string }).code ?? '';
  const msg = (err as Error).message;
  if (code === 'SQLITE_FULL')
    return new StoreError(
      'DISK_FULL',
      `disk is full writing ${file}: free some space (nothing was written)`,
      { file },
      { cause: err },
    );
  if (code === 'SQLITE_READONLY' || code.startsWith('SQLITE_CANTOPEN'))
    return new StoreError(
      'READ_ONLY',
      `database ${file} cannot be written (${code}): check the data dir's permissions`,
      { file },
      { cause: err },
    );
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB')
    return new StoreError(
      'CORRUPT',
      `database ${file} is damaged (${code}): restore it from a backup or resync`,
      { file },
      { cause: err },
    );
  return new StoreError(
    'OPEN_FAILED',
    `database ${file}: ${msg}`,
    { file, sqliteCode: code },
    { cause: err },
  );
}

/** Each connection's compiled statements, by SQL text (dropped with the connection). */
const compiled = new WeakMap<Db, Map<string, Database.Statement>>();

/**
 * `db.prepare(sql)`, compiled once per connection: for statements a hot path runs on every request
 * (who a session or a key is), where compiling the SQL again each time costs more than running it.
 *
 * @example prepared(db, 'SELECT * FROM access_sessions WHERE token_hash = ?').get(id)
 */
export function prepared(db: Db, sql: string): Database.Statement {
  let statements = compiled.get(db);
  if (!statements) compiled.set(db, (statements = new Map()));
  let statement = statements.get(sql);
  if (!statement) statements.set(sql, (statement = db.prepare(sql)));
  return statement;
}
