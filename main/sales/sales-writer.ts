/**
 * Who writes `sales.db`: one writer, through which every write goes (./sales-writes.ts), each group
 * committed with one fsync (`synchronous=FULL`). In the app it runs on its own thread
 * (`sales-writer.worker.ts`), so the fsync never stalls the event loop that answers the tills; tests
 * may run it inline. A write resolves only once its transaction has committed.
 */
import { Worker } from 'node:worker_threads';
import type { SerializedError } from '../common/errors';
import { type Db, openDatabase } from '../store/db';
import { SalesError } from './errors';
import { GroupCommit } from './group-commit';
import { SALES_MIGRATIONS } from './sales-db';
import {
  SALES_WRITES,
  type SalesWriteArgs,
  type SalesWriteName,
  type SalesWriteResult,
} from './sales-writes';

export interface SalesWriter {
  write<K extends SalesWriteName>(name: K, args: SalesWriteArgs<K>): Promise<SalesWriteResult<K>>;
  close(): Promise<void>;
}

/** Opens `sales.db` for writing: FULL, every migration run. */
export function openSalesDb(file: string): Db {
  return openDatabase(file, { synchronous: 'FULL', migrations: SALES_MIGRATIONS });
}

/** The writer on the caller's thread (tests, tools): the same writes and group commits, fsync inline. */
export class InlineSalesWriter implements SalesWriter {
  private readonly db: Db;
  private readonly commits: GroupCommit;

  constructor(file: string) {
    this.db = openSalesDb(file);
    this.commits = new GroupCommit(() => this.db);
  }

  write<K extends SalesWriteName>(name: K, args: SalesWriteArgs<K>): Promise<SalesWriteResult<K>> {
    const run = SALES_WRITES[name] as (db: Db, a: SalesWriteArgs<K>) => SalesWriteResult<K>;
    return this.commits.run(() => run(this.db, args));
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/** A message to the worker, and its answer. */
export type WriterRequest = { id: number; name: SalesWriteName; args: unknown } | { id: number; close: true };
export type WriterReply =
  { id: number; ok: true; value: unknown } | { id: number; ok: false; error: SerializedError };

/** The writer on its own thread (the app): writes cross as messages, errors come back typed. */
export class ThreadSalesWriter implements SalesWriter {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: unknown) => void }
  >();
  private failed: SalesError | null = null;

  constructor(workerFile: string, dbFile: string) {
    this.worker = new Worker(workerFile, { workerData: { dbFile } });
    this.worker.on('message', (r: WriterReply) => {
      const w = this.waiting.get(r.id);
      if (!w) return;
      this.waiting.delete(r.id);
      if (r.ok) w.resolve(r.value);
      else w.reject(new SalesError(r.error.code as never, r.error.message, r.error.data));
    });
    const fail = (why: string) => {
      this.failed = new SalesError(
        'SALES_UNAVAILABLE',
        `the sales writer stopped (${why}); restart the node`,
      );
      for (const w of this.waiting.values()) w.reject(this.failed);
      this.waiting.clear();
    };
    this.worker.on('error', (err) => fail(err.message));
    this.worker.on('exit', (code) => fail(`exit code ${code}`));
  }

  write<K extends SalesWriteName>(name: K, args: SalesWriteArgs<K>): Promise<SalesWriteResult<K>> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, name, args } satisfies WriterRequest);
    });
  }

  /** Lets the writes already sent commit, has the thread close the database, then ends it. */
  async close(): Promise<void> {
    if (this.failed) return;
    const id = this.nextId++;
    const closed = new Promise<unknown>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    this.worker.postMessage({ id, close: true } satisfies WriterRequest);
    await closed.catch(() => undefined);
    this.failed = new SalesError('SALES_UNAVAILABLE', 'the sales writer is closed');
    await this.worker.terminate();
  }
}
