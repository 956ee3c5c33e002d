import type { Db, Migration } from './db';

/** Schema of the append-only event store (in node.db). */
export const EVENT_STORE_MIGRATIONS: readonly Migration[] = [
  {
    module: 'events',
    version: 1,
    name: 'append-only event log',
    up: `CREATE TABLE events (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      stream TEXT NOT NULL,
      type TEXT NOT NULL,
      at_ms INTEGER NOT NULL,
      data TEXT NOT NULL CHECK (json_valid(data))
    ) STRICT;
    CREATE INDEX events_stream ON events(stream, seq);
    CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
    CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;`,
  },
];

/** A stored event. */
export interface StoredEvent<T = unknown> {
  seq: number;
  stream: string;
  type: string;
  atMs: number;
  data: T;
}

/**
 * The append-only event store: off-chain facts (settings changed, camera added, consent recorded…)
 * from which projections are rebuilt. Rows can be neither updated nor deleted (triggers refuse it).
 */
export class EventStore {
  private readonly insert;
  private readonly readStream;
  private readonly readAll;

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {
    this.insert = db.prepare('INSERT INTO events (stream, type, at_ms, data) VALUES (?, ?, ?, ?)');
    this.readStream = db.prepare(
      'SELECT seq, stream, type, at_ms AS atMs, data FROM events WHERE stream = ? AND seq > ? ORDER BY seq LIMIT ?',
    );
    this.readAll = db.prepare(
      'SELECT seq, stream, type, at_ms AS atMs, data FROM events WHERE seq > ? ORDER BY seq LIMIT ?',
    );
  }

  /** Appends one event durably; returns its sequence number. */
  append(stream: string, type: string, data: unknown): number {
    return Number(this.insert.run(stream, type, this.now(), JSON.stringify(data)).lastInsertRowid);
  }

  /** Events of one stream (or of all when `stream` is undefined) after `afterSeq`, oldest first. */
  read<T = unknown>(stream: string | undefined, afterSeq = 0, limit = 1000): StoredEvent<T>[] {
    const rows = (
      stream === undefined ? this.readAll.all(afterSeq, limit) : this.readStream.all(stream, afterSeq, limit)
    ) as Array<Omit<StoredEvent, 'data'> & { data: string }>;
    return rows.map((r) => ({ ...r, data: JSON.parse(r.data) as T }));
  }
}
