import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { appRoot } from '../../../main/app/paths';

/** Bundles the test peer into test/.tmp (esbuild, packages stay external) and returns its path. */
export async function bundlePeer(): Promise<string> {
  const dir = join(appRoot(), 'test', '.tmp');
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, 'p2p-peer.mjs');
  await build({
    entryPoints: [join(appRoot(), 'test', 'integration', 'p2p', 'peer-main.ts')],
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
