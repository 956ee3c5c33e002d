/**
 * The sales writer's thread (bundled to dist/main/workers/sales-writer.worker.js): owns the writing
 * connection to `sales.db` and runs every write it is sent (./sales-writes.ts) in group commits, so
 * the fsyncs happen here and not on the event loop that answers the tills.
 * In: `{ id, name, args }`; out: `{ id, ok, value | error }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { serializeError } from '../common/errors';
import type { Db } from '../store/db';
import { GroupCommit } from './group-commit';
import { openSalesDb, type WriterReply, type WriterRequest } from './sales-writer';
import { SALES_WRITES } from './sales-writes';

if (!parentPort) throw new Error('sales-writer.worker must run as a worker thread');
const port = parentPort;
const db = openSalesDb((workerData as { dbFile: string }).dbFile);
const commits = new GroupCommit(() => db);

port.on('message', (req: WriterRequest) => {
  if ('close' in req) {
    // Messages arrive in order: every earlier write is in a group already; let it commit first.
    void commits
      .run(() => null)
      .then(() => {
        db.pragma('wal_checkpoint(TRUNCATE)');
        db.close();
        port.postMessage({ id: req.id, ok: true, value: null } satisfies WriterReply);
      });
    return;
  }
  const run = SALES_WRITES[req.name] as (db: Db, a: unknown) => unknown;
  commits
    .run(() => run(db, req.args))
    .then(
      (value) => port.postMessage({ id: req.id, ok: true, value } satisfies WriterReply),
      (err: unknown) =>
        port.postMessage({ id: req.id, ok: false, error: serializeError(err) } satisfies WriterReply),
    );
});
