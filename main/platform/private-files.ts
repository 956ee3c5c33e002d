import { chmodSync, existsSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Everything this process creates from here on is readable by its own user only: folders 0700,
 * files 0600 (databases and their WAL files, logs, exports, keys). Called first thing by each entry
 * point, before any file is opened; worker threads and child processes inherit it.
 */
export function createFilesPrivately(): void {
  process.umask(0o077);
}

/**
 * Takes group and other access away from a data dir made before files were created privately:
 * the folder and every folder under it become 0700, and every file keeps only its owner's bits (0600
 * for data; links are left alone).
 * Returns how many entries it changed.
 */
export function makeDataDirPrivate(dataDir: string): number {
  if (!existsSync(dataDir)) return 0;
  let changed = 0;
  const visit = (path: string): void => {
    const st = lstatSync(path);
    if (st.isSymbolicLink()) return;
    if ((st.mode & 0o077) !== 0) {
      chmodSync(path, st.isDirectory() ? 0o700 : st.mode & 0o700);
      changed++;
    }
    if (st.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(dataDir);
  return changed;
}
