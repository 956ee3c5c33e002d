import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Migration, openDatabase } from '../../../main/store/db';
import { StoreError } from '../../../main/store/errors';
import { EVENT_STORE_MIGRATIONS, EventStore } from '../../../main/store/event-store';
import { tempDir } from '../../helpers/tmp';

const dirs: Array<() => void> = [];
afterEach(() => dirs.splice(0).forEach((c) => c()));
function file(): string {
  const d = tempDir();
  dirs.push(d.cleanup);
  return join(d.path, 'x.db');
}

const M1: Migration = {
  module: 'demo',
  version: 1,
  name: 'items',
  up: 'CREATE TABLE items (id INTEGER PRIMARY KEY, v TEXT) STRICT',
};
const M2: Migration = {
  module: 'demo',
  version: 2,
  name: 'items.n',
  up: 'ALTER TABLE items ADD COLUMN n INTEGER NOT NULL DEFAULT 0',
};

describe('openDatabase', () => {
  it('opens in WAL with the asked synchronous level and runs migrations once, in order', () => {
    const f = file();
    const db = openDatabase(f, { synchronous: 'FULL', migrations: [M2, M1] });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    db.prepare('INSERT INTO items (v, n) VALUES (?, ?)').run('a', 1);
    db.close();
    const again = openDatabase(f, { synchronous: 'NORMAL', migrations: [M1, M2] });
    expect(again.prepare('SELECT module, version FROM _migrations ORDER BY version').all()).toEqual([
      { module: 'demo', version: 1 },
      { module: 'demo', version: 2 },
    ]);
    expect(again.prepare('SELECT v, n FROM items').get()).toEqual({ v: 'a', n: 1 });
    again.close();
  });

  it('rolls a failing migration back whole and leaves the data as it was', () => {
    const f = file();
    openDatabase(f, { synchronous: 'FULL', migrations: [M1] }).close();
    const bad: Migration = {
      module: 'demo',
      version: 2,
      name: 'broken',
      up: 'CREATE TABLE half (x); INSERT INTO nowhere VALUES (1)',
    };
    expect(() => openDatabase(f, { synchronous: 'FULL', migrations: [M1, bad] })).toThrow(
      /migration demo #2 \(broken\) failed/,
    );
    const raw = new Database(f);
    expect(raw.prepare("SELECT count(*) AS c FROM sqlite_master WHERE name = 'half'").get()).toEqual({
      c: 0,
    });
    expect(raw.prepare('SELECT max(version) AS v FROM _migrations').get()).toEqual({ v: 1 });
    raw.close();
  });

  it('refuses a database from a newer build', () => {
    const f = file();
    openDatabase(f, { synchronous: 'FULL', migrations: [M1, M2] }).close();
    const err = (() => {
      try {
        openDatabase(f, { synchronous: 'FULL', migrations: [M1] });
      } catch (e) {
        return e as StoreError;
      }
    })();
    expect(err?.code).toBe('NEWER_SCHEMA');
    expect(err?.message).toMatch(/schema version 2, newer than this build knows \(1\)/);
  });

  it('refuses gaps in migration numbers', () => {
    expect(() => openDatabase(file(), { synchronous: 'FULL', migrations: [M2] })).toThrow(/numbered 1, 2, 3/);
  });

  it('reports a file that is not a database as CORRUPT or OPEN_FAILED, without changing it', async () => {
    const f = file();
    const { writeFileSync, readFileSync } = await import('node:fs');
    writeFileSync(f, 'this is not sqlite at all, just text'.repeat(200));
    const before = readFileSync(f);
    const err = (() => {
      try {
        openDatabase(f, { synchronous: 'FULL', migrations: [M1] });
      } catch (e) {
        return e as StoreError;
      }
    })();
    expect(err).toBeInstanceOf(StoreError);
    expect(err?.code).toBe('CORRUPT');
    expect(readFileSync(f).equals(before)).toBe(true);
  });
});

describe('EventStore', () => {
  it('appends and reads events in order, and refuses updates and deletes', () => {
    const db = openDatabase(file(), { synchronous: 'NORMAL', migrations: EVENT_STORE_MIGRATIONS });
    let t = 1000;
    const store = new EventStore(db, () => t++);
    const a = store.append('camera', 'added', { id: 'c1' });
    store.append('node', 'started', {});
    store.append('camera', 'removed', { id: 'c1' });
    expect(store.read('camera').map((e) => [e.seq > 0, e.type, e.data])).toEqual([
      [true, 'added', { id: 'c1' }],
      [true, 'removed', { id: 'c1' }],
    ]);
    expect(store.read(undefined, a).map((e) => e.type)).toEqual(['started', 'removed']);
    expect(() => db.prepare('UPDATE events SET type = ?').run('x')).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM events').run()).toThrow(/append-only/);
    expect(store.read(undefined)).toHaveLength(3);
    db.close();
  });
});
