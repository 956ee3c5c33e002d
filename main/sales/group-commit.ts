/**
 * Group commit: writes that arrive in the same turn of the event loop share one SQLite transaction,
 * so one fsync (`synchronous=FULL`) makes all of them durable. Each write runs in its own savepoint:
 * one that throws is undone alone and rejects alone; the others commit. Every promise settles only
 * after the transaction holding its write has committed.
 */
import type { Db } from '../store/db';

interface Job<T> {
  write: () => T;
  resolve: (value: T) => void;
  reject: (err: unknown) => void;
}

/**
 * @example
 * const commits = new GroupCommit(() => db);
 * const receipt = await commits.run(() => insertSale(db, sale)); // durable when it resolves
 */
export class GroupCommit {
  private jobs: Job<unknown>[] = [];
  private scheduled = false;

  constructor(private readonly db: () => Db) {}

  /** Runs `write` inside the next group's transaction; resolves with its result once that commits. */
  run<T>(write: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.jobs.push({ write, resolve, reject } as Job<unknown>);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const jobs = this.jobs;
    this.jobs = [];
    const db = this.db();
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; err: unknown }> = [];
    try {
      db.transaction(() => {
        for (const job of jobs) {
          try {
            outcomes.push({ ok: true, value: db.transaction(job.write)() });
          } catch (err) {
            outcomes.push({ ok: false, err });
          }
        }
      })();
    } catch (err) {
      // The commit itself failed (disk full, I/O): nothing of this group is stored.
      for (const job of jobs) job.reject(err);
      return;
    }
    jobs.forEach((job, i) => {
      const o = outcomes[i]!;
      if (o.ok) job.resolve(o.value);
      else job.reject(o.err);
    });
  }
}
