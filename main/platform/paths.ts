import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project (or packaged app) root: the nearest folder above this module with a package.json.
 * Works from the sources (vitest) and from the bundle in dist/main.
 */
export function appRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir)
      throw new Error('cannot find the app root (no package.json above ' + import.meta.url + ')');
    dir = up;
  }
}

/**
 * Path of a built worker: `main/**\/NAME.worker.ts` is bundled to `dist/main/workers/NAME.worker.js`
 * by scripts/build.mjs. Tests that start workers therefore need `bin/hotpot setup` (which `hotpot test` runs).
 *
 * @example new Worker(workerPath('keystore'))
 */
export function workerPath(name: string): string {
  const p = join(appRoot(), 'dist', 'main', 'workers', `${name}.worker.js`);
  if (!existsSync(p)) throw new Error(`worker ${name} is not built at ${p}: run bin/hotpot setup`);
  return p;
}
