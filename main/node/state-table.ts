/**
 * The `state` table of ledger.db, read and written straight (no cache): what the ledger store's cache
 * sits on, what a snapshot restores into, and what a pinned read-only connection reads a snapshot from.
 */
import type { StateKey, StateReader, StateStore } from '../chain/state/store';
import type { Db } from '../store/db';

/** Reads of the state table on `db` (read-only connections too). */
export function stateTableReader(db: Db): StateReader {
  const get = db.prepare('SELECT value FROM state WHERE key = ?').pluck();
  return {
    get: (key: StateKey) => {
      const v = get.get(key) as Buffer | undefined;
      return v === undefined ? undefined : bytesOf(v);
    },
  };
}

/** Reads and writes of the state table on `db` (a null value deletes the key). */
export function stateTable(db: Db): StateStore {
  const put = db.prepare(
    'INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  );
  const del = db.prepare('DELETE FROM state WHERE key = ?');
  return {
    ...stateTableReader(db),
    set: (key, value) => {
      if (value === null) del.run(key);
      else put.run(key, value);
    },
  };
}

/** A SQLite blob's bytes, without copying. */
export function bytesOf(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
