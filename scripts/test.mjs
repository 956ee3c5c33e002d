// Runs every check and test: typecheck, lint, the layer check, formatting, then every vitest project (unit, vectors,
// simulation, integration with real processes, end-to-end in Chromium). Ends with one plain line
// "tests: N passed, N failed, N skipped". Exit code 0 only when everything passed.
// Usage: node scripts/test.mjs [--quick] [vitest args…]   (--quick skips typecheck/lint/format)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const vitestArgs = args.filter((a) => a !== '--quick');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const results = [];
// The layer check, as `npm run lint:layers` runs it (package.json).
const LAYER_CHECK = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  .scripts['lint:layers'].split(' ')
  .slice(1);

function step(name, cmd, argv) {
  const t0 = Date.now();
  console.log(`\n=== ${name}: ${[cmd.split('/').pop(), ...argv].join(' ')}`);
  const r = spawnSync(cmd, argv, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, FORCE_COLOR: process.env.CI ? '0' : '1' },
  });
  const ok = r.status === 0;
  results.push({ name, ok, s: ((Date.now() - t0) / 1000).toFixed(1) });
  console.log(`=== ${name}: ${ok ? 'ok' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return ok;
}

if (!quick) {
  step('typecheck (node)', bin('tsc'), ['--noEmit', '-p', 'tsconfig.node.json']);
  step('typecheck (web)', bin('tsc'), ['--noEmit', '-p', 'tsconfig.web.json']);
  step('lint', bin('eslint'), ['--max-warnings=0', '.']);
  step('layers', bin('depcruise'), [...LAYER_CHECK]);
  step('format', bin('prettier'), ['--check', '--log-level=warn', '.']);
}
const tmp = join(root, 'test', '.tmp');
mkdirSync(tmp, { recursive: true });
const report = join(tmp, 'vitest-report.json');
rmSync(report, { force: true });
step('tests', bin('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...vitestArgs,
]);

let passed = 0,
  failed = 0,
  skipped = 0;
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  passed = r.numPassedTests;
  failed = r.numFailedTests;
  skipped = r.numPendingTests + r.numTodoTests;
  // Tests that never ran because their file's setup (beforeAll) failed count as failed, not skipped.
  for (const file of r.testResults ?? []) {
    const results = file.assertionResults ?? [];
    if (file.status !== 'failed' || results.some((a) => a.status === 'failed')) continue;
    const notRun = results.filter((a) => a.status === 'skipped' || a.status === 'pending').length;
    failed += notRun;
    skipped -= notRun;
  }
  if (!r.success && failed === 0) failed = Math.max(1, r.numFailedTestSuites);
}
console.log('\n' + results.map((r) => `${r.ok ? 'ok  ' : 'FAIL'} ${r.name} (${r.s} s)`).join('\n'));
const checksFailed = results.filter((r) => !r.ok && r.name !== 'tests').length;
failed += checksFailed;
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
