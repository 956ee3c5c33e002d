// A child process for the crash test: appends events as fast as it can, each in its own transaction,
// and prints the seq of every event AFTER its transaction committed. The test SIGKILLs it at random.
import { openDatabase } from '../../../main/store/db';
import { EVENT_STORE_MIGRATIONS, EventStore } from '../../../main/store/event-store';

const file = process.argv[2]!;
const synchronous = (process.argv[3] ?? 'FULL') as 'FULL' | 'NORMAL';
const db = openDatabase(file, { synchronous, migrations: EVENT_STORE_MIGRATIONS });
const store = new EventStore(db);
const batch = db.transaction((n: number) => {
  let seq = 0;
  for (let i = 0; i < n; i++) seq = store.append('crash', 'tick', { i, pad: 'x'.repeat(200) });
  return seq;
});
process.stdout.write('ready\n');
for (;;) {
  const seq = batch(1 + Math.floor(Math.random() * 20));
  process.stdout.write(`${seq}\n`);
}
