// Bundles main/video/detect/detector.worker.ts for tests exactly as scripts/build.mjs does for
// dist/ (the lead's build also bundles the whole app, which tests of this module do not need).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { appRoot } from '../../../../main/app/paths';

export async function buildDetectorWorker(): Promise<string> {
  const root = appRoot();
  const outdir = join(root, 'test', '.tmp', 'workers');
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: { 'detector.worker': join(root, 'main', 'video', 'detect', 'detector.worker.ts') },
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    packages: 'external',
    logLevel: 'error',
    banner: {
      js: "import { createRequire as __hotpotCreateRequire } from 'node:module'; const require = __hotpotCreateRequire(import.meta.url);",
    },
  });
  return join(outdir, 'detector.worker.js');
}
