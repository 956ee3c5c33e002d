import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { appRoot } from '../../main/app/paths';

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
  await build({
    entryPoints: [entry],
    outfile,
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
  return outfile;
}
