/**
 * The app's own lifecycle components, which are not services of a module: `node.db` (the off-chain
 * database, opened at start and checkpointed and closed at stop) and the event store's `node started` /
 * `node stopped` records.
 */
import { join } from 'node:path';
import type { Startable } from '../common/startable';
import { type Db, openDatabase } from '../store/db';
import { EVENT_STORE_MIGRATIONS, EventStore } from '../store/event-store';
import { VIDEO_MIGRATIONS } from '../video/record/video-db';
import { ACCESS_MIGRATIONS } from '../access/access-db';

/** A database as a lifecycle component: opened at start, closed (checkpointed) at stop. */
export class DatabaseComponent implements Startable {
  db: Db | undefined;
  constructor(private readonly open: () => Db) {}
  async start(): Promise<void> {
    this.db = this.open();
  }
  async stop(): Promise<void> {
    if (this.db?.open) {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
      this.db.close();
    }
  }
  get(): Db {
    if (!this.db) throw new Error('database used before start');
    return this.db;
  }
}

/** `node.db` in the data dir: the event store, the video tables and people and sessions (`synchronous=NORMAL`: off-chain data). */
export function nodeDatabase(dataDir: string): DatabaseComponent {
  return new DatabaseComponent(() =>
    openDatabase(join(dataDir, 'node.db'), {
      synchronous: 'NORMAL',
      migrations: [...EVENT_STORE_MIGRATIONS, ...VIDEO_MIGRATIONS, ...ACCESS_MIGRATIONS],
    }),
  );
}

/** Records in `node.db`'s event store that the node started (with its version and host) and stopped. */
export function eventStoreComponent(
  db: () => Db,
  started: { version: string; host: string },
  now: () => number,
): Startable {
  let events: EventStore | undefined;
  return {
    start: async () => {
      events = new EventStore(db(), now);
      events.append('node', 'started', started);
    },
    stop: async () => {
      events?.append('node', 'stopped', {});
    },
  };
}
