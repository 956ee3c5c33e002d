import { build } from 'esbuild';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { appRoot } from '../../main/platform/paths';

/**
 * Bundles a TypeScript program for a test's child process or worker into test/.tmp/bundles and
 * returns its path: ESM for node24 with packages external (resolved from node_modules at run time),
 * like scripts/build.mjs bundles main.
 *
 * @example const script = await bundleScript(join(__dirname, 'crash-writer.ts'));
 */
export async function bundleScript(
  entry: string,
  opts: { outName?: string; sourcemap?: 'inline' } = {},
): Promise<string> {
  const outDir = join(appRoot(), 'test', '.tmp', 'bundles');
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, opts.outName ?? `${basename(entry).replace(/\.ts$/, '')}.mjs`);
  const result = await build({
    entryPoints: [entry],
    outfile,
    write: false,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    packages: 'external',
    logLevel: 'error',
    ...(opts.sourcemap ? { sourcemap: opts.sourcemap } : {}),
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  });
  // Test files run in parallel and bundle the same workers: write aside and rename, so no test
  // ever loads a half-written bundle.
  const tmp = `${outfile}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, result.outputFiles[0]!.contents);
  renameSync(tmp, outfile);
  return outfile;
}

/**
 * Bundles a worker of main/ for tests, as scripts/build.mjs does for dist/.
 *
 * @example const workerFile = await bundleWorker('video/detect/detector.worker.ts');
 */
export function bundleWorker(pathUnderMain: string): Promise<string> {
  return bundleScript(join(appRoot(), 'main', pathUnderMain), {
    outName: basename(pathUnderMain).replace(/\.ts$/, '.mjs'),
    sourcemap: 'inline',
  });
}
