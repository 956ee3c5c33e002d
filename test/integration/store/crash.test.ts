import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../main/store/db';
import { EVENT_STORE_MIGRATIONS } from '../../../main/store/event-store';
import { bundleScript } from '../../helpers/bundle';
import { tempDir } from '../../helpers/tmp';

const KILLS = 25;

/** Runs the writer until it has committed for `aliveMs`, SIGKILLs it, and returns the last seq it reported committed. */
function runAndKill(script: string, file: string, aliveMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, file, 'FULL'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let last = 0;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const lines = out.split('\n');
      out = lines.pop()!;
      for (const l of lines) {
        if (l === 'ready') setTimeout(() => child.kill('SIGKILL'), aliveMs);
        else if (l) last = Number(l);
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code, signal) =>
      signal === 'SIGKILL' ? resolve(last) : reject(new Error(`writer exited ${code}: ${err}`)),
    );
  });
}

describe('SQLite store under SIGKILL', () => {
  const dir = tempDir();
  let script = '';
  beforeAll(async () => {
    script = await bundleScript(join(__dirname, 'crash-writer.ts'));
  });
  afterAll(() => dir.cleanup());

  it(`reopens consistent with every committed event after ${KILLS} kills at random moments`, async () => {
    const file = join(dir.path, 'node.db');
    let seed = 12345;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let k = 0; k < KILLS; k++) {
      const acknowledged = await runAndKill(script, file, 5 + Math.floor(rand() * 120));
      // Reopen as the node would: integrity holds, migrations are idempotent, nothing committed is lost.
      const db = openDatabase(file, { synchronous: 'FULL', migrations: EVENT_STORE_MIGRATIONS });
      const { n, max } = db.prepare('SELECT count(*) AS n, max(seq) AS max FROM events').get() as {
        n: number;
        max: number;
      };
      db.close();
      expect(
        max ?? 0,
        `kill ${k}: last acknowledged seq ${acknowledged} must survive`,
      ).toBeGreaterThanOrEqual(acknowledged);
      expect(n, `kill ${k}: seqs are contiguous (no half transaction)`).toBe(max ?? 0);
    }
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    raw.close();
  });
});
