/** docs/architecture.svg is generated (`npm run graph`), and what is committed is what the code draws. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { appRoot } from '../../../main/platform/paths';

it('docs/architecture.svg is what npm run graph draws from the code today', () => {
  const root = appRoot();
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'graph.mjs'), '--check'], {
    cwd: root,
    encoding: 'utf8',
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
}, 60_000);
