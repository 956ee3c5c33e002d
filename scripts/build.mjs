// Builds everything the node runs: the native addon (when its sources changed), main + workers,
// the preload, and the renderer. Idempotent; takes about a second when nothing changed.
// Usage: node scripts/build.mjs [--quiet]
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const quiet = process.argv.includes('--quiet');
const log = (msg) => {
  if (!quiet) console.error(`build: ${msg}`);
};
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

function walk(dir, pred, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, pred, out);
    else if (pred(p)) out.push(p);
  }
  return out;
}

function hashFiles(files, extra = '') {
  const h = createHash('sha256').update(extra);
  for (const f of files.sort()) h.update(relative(root, f)).update(readFileSync(f));
  return h.digest('hex');
}

function buildNative() {
  const gyp = join(root, 'native', 'binding.gyp');
  if (!existsSync(gyp)) return;
  const sources = [gyp, ...walk(join(root, 'native', 'src'), (p) => /\.(cc|cpp|c|h|hpp)$/.test(p))];
  const stampFile = join(root, 'native', 'build', '.hotpot-stamp');
  const want = hashFiles(sources, process.version + process.arch);
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === want) return;
  log('building the native addon (node-gyp)');
  const nodeGyp = join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  const r = spawnSync(process.execPath, [nodeGyp, 'rebuild', '--release', '--loglevel=warn'], {
    cwd: join(root, 'native'),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: process.env,
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    process.stderr.write(`${r.stdout ?? ''}${r.stderr ?? ''}`);
    // The addon is optional at run time: the JavaScript kernels give the same pixels, only slower.
    console.error('build: WARNING the native addon did not build; the JavaScript fallback will be used');
    return;
  }
  writeFileSync(stampFile, want);
}

const workers = walk(join(root, 'main'), (p) => p.endsWith('.worker.ts'));
const benches = walk(join(root, 'test', 'bench'), (p) => /\/test\/bench\/[^/]+\.ts$/.test(p));
const common = {
  bundle: true,
  sourcemap: 'linked',
  logLevel: 'error',
  define: { __HOTPOT_VERSION__: JSON.stringify(pkg.version) },
};

buildNative();
await Promise.all([
  build({
    ...common,
    entryPoints: {
      cli: join(root, 'main', 'cli.ts'),
      electron: join(root, 'main', 'hosts', 'electron-main.ts'),
      ...Object.fromEntries(workers.map((w) => [`workers/${basename(w, '.ts')}`, w])),
    },
    outdir: join(root, 'dist', 'main'),
    platform: 'node',
    format: 'esm',
    target: 'node24',
    packages: 'external',
    external: ['electron'],
    banner: {
      js: "import { createRequire as __hotpotCreateRequire } from 'node:module'; const require = __hotpotCreateRequire(import.meta.url);",
    },
  }),
  build({
    ...common,
    entryPoints: Object.fromEntries(benches.map((b) => [basename(b, '.ts'), b])),
    outdir: join(root, 'dist', 'bench'),
    platform: 'node',
    format: 'esm',
    target: 'node24',
    packages: 'external',
    banner: {
      js: "import { createRequire as __hotpotCreateRequire } from 'node:module'; const require = __hotpotCreateRequire(import.meta.url);",
    },
  }),
  build({
    ...common,
    entryPoints: [join(root, 'preload', 'index.ts')],
    outfile: join(root, 'dist', 'preload', 'index.cjs'),
    platform: 'node',
    format: 'cjs',
    target: 'node24',
    external: ['electron'],
  }),
  build({
    ...common,
    entryPoints: { app: join(root, 'renderer', 'main.tsx') },
    outdir: join(root, 'dist', 'renderer', 'assets'),
    platform: 'browser',
    format: 'esm',
    target: 'chrome130',
    minify: true,
    jsx: 'automatic',
    loader: { '.svg': 'dataurl', '.png': 'dataurl' },
    define: { ...common.define, 'process.env.NODE_ENV': '"production"' },
  }),
]);
mkdirSync(join(root, 'dist', 'renderer'), { recursive: true });
cpSync(join(root, 'renderer', 'index.html'), join(root, 'dist', 'renderer', 'index.html'));
if (existsSync(join(root, 'assets')))
  cpSync(join(root, 'assets'), join(root, 'dist', 'assets'), { recursive: true });
log('done');
