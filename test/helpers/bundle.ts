import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { appRoot } from '../../main/app/paths';

/**
 * Bundles a TypeScript test program (a child process for a test) into test/.tmp/<name>.mjs and returns
 * its path. Dependencies stay external (resolved from node_modules at run time).
 */
export async function bundleScript(
  entry: string,
  name = basename(entry).replace(/\.ts$/, ''),
): Promise<string> {
  const outDir = join(appRoot(), 'test', '.tmp', 'bundles');
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, `${name}.mjs`);
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    packages: 'external',
    logLevel: 'error',
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  });
  return outfile;
}
