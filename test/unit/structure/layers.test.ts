/**
 * The layer check (`npm run lint:layers`: dependency-cruiser with the allowlist of scripts/layers.mjs)
 * passes on the tree as it is, and fails on what it is there to catch. Each failure is planted in a
 * copy of the shipped code, so the tree itself is never touched.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { appRoot } from '../../../main/platform/paths';
import { tempDir } from '../../helpers/tmp';

type TempDir = ReturnType<typeof tempDir>;

const ROOT = appRoot();
const SHIPPED = ['main', 'native', 'preload', 'renderer'];
const CONFIG = [
  'package.json',
  'tsconfig.base.json',
  'tsconfig.node.json',
  '.dependency-cruiser.mjs',
  'scripts/layers.mjs',
];
const layerCheck = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts['lint:layers']!.split(' ');

/** Runs the layer check as package.json says, in `cwd`. */
function checkLayers(cwd: string): { code: number | null; out: string } {
  const bin = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruiser.mjs');
  const r = spawnSync(process.execPath, [bin, ...layerCheck.slice(1)], {
    cwd,
    encoding: 'utf8',
    // plain text to match against, whatever the runner's colour setting
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** A copy of the shipped code and the check's configuration, with the project's node_modules. */
function copyOfTree(): TempDir {
  const dir = tempDir('hotpot-layers-');
  for (const f of [...SHIPPED, ...CONFIG])
    cpSync(join(ROOT, f), join(dir.path, f), {
      recursive: true,
      filter: (src) => !src.includes('/native/build'),
    });
  symlinkSync(join(ROOT, 'node_modules'), join(dir.path, 'node_modules'));
  return dir;
}

describe('the layer check', () => {
  const dirs: TempDir[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));

  /** Plants `line` at the end of `file` in a fresh copy of the tree and runs the check there. */
  function plant(file: string, line: string) {
    const dir = copyOfTree();
    dirs.push(dir);
    appendFileSync(join(dir.path, file), `\n${line}\n`);
    return checkLayers(dir.path);
  }

  beforeAll(() => {
    // The copy passes as it is, so each failure below is the planted line's.
    const dir = copyOfTree();
    try {
      const r = checkLayers(dir.path);
      expect(r.out).toContain('no dependency violations found');
      expect(r.code).toBe(0);
    } finally {
      dir.cleanup();
    }
  }, 60_000);

  it('fails on an import that runs back up: the ground floor importing the composition root', () => {
    const after = plant('main/common/errors.ts', "import '../app/compose';");
    expect(after.code).not.toBe(0);
    expect(after.out).toMatch(/not-in-allowed: main\/common\/errors\.ts → main\/app\/compose\.ts/);
  });

  it('fails on an import that runs back up: the chain importing the node that drives it', () => {
    const after = plant('main/chain/bytes.ts', "import '../node/errors';");
    expect(after.code).not.toBe(0);
    expect(after.out).toMatch(/not-in-allowed: main\/chain\/bytes\.ts → main\/node\/errors\.ts/);
  });

  it('fails on a package the pure core does not list, though other layers may use it', () => {
    const after = plant('main/chain/bytes.ts', "import 'better-sqlite3';");
    expect(after.code).not.toBe(0);
    expect(after.out).toMatch(/not-in-allowed: main\/chain\/bytes\.ts → node_modules\/better-sqlite3\//);
    const wallet = plant('main/wallet/keys.ts', "import 'pino';");
    expect(wallet.out).toMatch(/wallet-core-is-pure: main\/wallet\/keys\.ts → node_modules\/pino\//);
  });

  it('fails on a package that is not installed at all, and on Node built-ins in the pure core', () => {
    const after = plant('main/consensus/proposer.ts', "import 'pg';\nimport 'node:fs';");
    expect(after.code).not.toBe(0);
    expect(after.out).toMatch(/no-unresolvable: main\/consensus\/proposer\.ts → pg/);
    expect(after.out).toMatch(
      /not-in-allowed: main\/consensus\/proposer\.ts → node:fs|not-in-allowed: main\/consensus\/proposer\.ts → fs/,
    );
  });

  it('keeps Electron to the hosts and the preload, and devDependencies out of shipped code', () => {
    const after = plant('main/api/router.ts', "import 'electron';\nimport 'vitest';");
    expect(after.code).not.toBe(0);
    expect(after.out).toMatch(/not-in-allowed: main\/api\/router\.ts → node_modules\/electron\//);
    expect(after.out).toMatch(/not-in-allowed: main\/api\/router\.ts → node_modules\/vitest\//);
  });
});
