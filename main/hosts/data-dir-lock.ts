import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { HostError } from './errors';

/**
 * One node per data dir: `<dataDir>/node.lock` holds the owner's pid. A lock left by a process that
 * no longer exists (a crash, SIGKILL) is taken over.
 */
export class DataDirLock {
  private readonly file: string;
  private held = false;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'node.lock');
  }

  /** Takes the lock or throws ALREADY_RUNNING naming the other process. */
  acquire(): void {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(this.file, 'wx', 0o600);
        writeSync(fd, String(process.pid));
        closeSync(fd);
        this.held = true;
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const pid = Number(readSafe(this.file));
        if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
          throw new HostError(
            'ALREADY_RUNNING',
            `another node (pid ${pid}) is using the data dir ${this.file.slice(0, -'/node.lock'.length)}: stop it first or use another --data-dir`,
            { pid },
          );
        }
        unlinkSafe(this.file); // stale: its owner is gone
      }
    }
    throw new HostError('ALREADY_RUNNING', `cannot take ${this.file}`);
  }

  release(): void {
    if (this.held) unlinkSafe(this.file);
    this.held = false;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
function readSafe(f: string): string {
  try {
    return readFileSync(f, 'utf8').trim();
  } catch {
    return '';
  }
}
function unlinkSafe(f: string): void {
  try {
    unlinkSync(f);
  } catch {
    // already gone
  }
}
