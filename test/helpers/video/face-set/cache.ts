/**
 * A cache of built stills in the temp dir, keyed by the generator's own source (this directory's
 * files and faces.json) and the options: the set takes about 10 s of CPU to build, a few hundred ms
 * to read back. A change to any generator file makes a new key, so a stale set is never read.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appRoot } from '../../../../main/platform/paths';
import type { Still } from './stills';

const GENERATOR_DIR = join('test', 'helpers', 'video', 'face-set');

/** The cache key of a set built with `options`, or null when the generator's sources are not at hand. */
export function cacheKey(options: unknown): string | null {
  const dir = join(appRoot(), GENERATOR_DIR);
  if (!existsSync(dir)) return null;
  const h = createHash('sha256').update(JSON.stringify(options));
  for (const f of readdirSync(dir).sort()) h.update(f).update(readFileSync(join(dir, f)));
  h.update(readFileSync(join(appRoot(), 'test', 'fixtures', 'video', 'faces.json')));
  return h.digest('hex').slice(0, 16);
}

const CACHE_ROOT = join(tmpdir(), 'hotpot-face-set');
const cacheDir = (key: string): string => join(CACHE_ROOT, key);

/** Keeps the newest `keep` built sets (another checkout may use another), removes older ones (~170 MB each). */
function prune(keep: number): void {
  const dirs = readdirSync(CACHE_ROOT)
    .filter((d) => /^[0-9a-f]{16}$/.test(d))
    .map((d) => ({ d, at: statSync(join(CACHE_ROOT, d)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const { d } of dirs.slice(keep)) rmSync(join(CACHE_ROOT, d), { recursive: true, force: true });
}

type StillMeta = Omit<Still, 'frame'> & { width: number; height: number };

export function readCachedStills(key: string): Still[] | null {
  const dir = cacheDir(key);
  const index = join(dir, 'index.json');
  if (!existsSync(index)) return null;
  const metas = JSON.parse(readFileSync(index, 'utf8')) as StillMeta[];
  return metas.map((m, i) => {
    const data = readFileSync(join(dir, `${i}.rgb`));
    if (data.length !== m.width * m.height * 3)
      throw new Error(`face set cache ${dir}: still ${i} is truncated`);
    const { width, height, ...rest } = m;
    return {
      ...rest,
      frame: {
        format: 'rgb24',
        width,
        height,
        data: new Uint8Array(data.buffer, data.byteOffset, data.length),
      },
    };
  });
}

/** Writes the stills under `key` (into a fresh dir, renamed into place: readers never see half a set). */
export function writeCachedStills(key: string, stills: readonly Still[]): void {
  const dir = cacheDir(key);
  const tmp = `${dir}.${process.pid}.tmp`;
  mkdirSync(tmp, { recursive: true });
  stills.forEach((s, i) => writeFileSync(join(tmp, `${i}.rgb`), s.frame.data));
  const metas: StillMeta[] = stills.map(({ frame, ...rest }) => ({
    ...rest,
    width: frame.width,
    height: frame.height,
  }));
  writeFileSync(join(tmp, 'index.json'), JSON.stringify(metas));
  try {
    renameSync(tmp, dir);
  } catch {
    // another process wrote the same set first
    rmSync(tmp, { recursive: true, force: true });
  }
  prune(2);
}
