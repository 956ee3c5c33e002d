// Where does bench gateway get the old host from? A build of the tree at the last commit before the
// gateway (the hand-written node:http host), made once under .hotpot/bench-baseline/<commit>/ and
// reused; or a ready checkout the caller names with --baseline.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { appRoot } from '../../../main/platform/paths';
import { track } from './cleanup';

/** The last commit whose headless host was main/hosts/headless.ts on node:http (before fastify). */
export const BASELINE_COMMIT = 'f534da7';

const READY = '.bench-ready';

/** The built CLI of a baseline checkout, or an error saying what is missing there. */
export function baselineCli(dir: string): string {
  const cli = join(dir, 'dist', 'main', 'cli.js');
  if (!existsSync(cli))
    throw new Error(`${cli} is missing: is ${dir} a built checkout (npm ci, scripts/build.mjs)?`);
  return cli;
}

/**
 * The old host's checkout, built: `dir` when given, else the cached one under .hotpot, made when
 * missing (the tree of BASELINE_COMMIT from `git archive`, `npm ci`, `scripts/build.mjs`; a minute or
 * two, progress on stderr). A preparation cut short is started again next time.
 */
export async function prepareBaseline(dir: string | undefined, say: (msg: string) => void): Promise<string> {
  if (dir) return baselineCli(dir);
  const root = appRoot();
  const target = join(root, '.hotpot', 'bench-baseline', BASELINE_COMMIT);
  if (existsSync(join(target, READY))) return baselineCli(target);
  say(`preparing the old host (${BASELINE_COMMIT}) in ${target}: git archive, npm ci, build (once)`);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  // git archive, not a worktree: the tree alone, nothing registered in the repository others share.
  await sh(
    'sh',
    ['-c', `git -C "${root}" archive --format=tar ${BASELINE_COMMIT} | tar -x -C "${target}"`],
    root,
  );
  const env = {
    ...process.env,
    ELECTRON_SKIP_BINARY_DOWNLOAD: '1',
    ONNXRUNTIME_NODE_INSTALL: 'skip',
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    // Native addons build against the headers of the Node that runs us (node-gyp would download them).
    npm_config_nodedir: process.env['npm_config_nodedir'] ?? dirname(dirname(process.execPath)),
  };
  say('old host: npm ci');
  await sh(npmPath(), ['ci', '--no-audit', '--no-fund', '--loglevel=error'], target, env);
  say('old host: building');
  await sh(process.execPath, ['scripts/build.mjs', '--quiet'], target, env);
  const cli = baselineCli(target);
  writeFileSync(join(target, READY), `${BASELINE_COMMIT}\n`);
  say('old host ready');
  return cli;
}

/** npm beside the Node that runs us (bin/hotpot's Node 24), else the one on PATH. */
function npmPath(): string {
  const beside = join(dirname(process.execPath), 'npm');
  return existsSync(beside) ? beside : 'npm';
}

/** Runs a command to completion with its output on our stderr; rejects naming it when it fails. */
function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', process.stderr, process.stderr] });
  const untrack = track(child);
  return new Promise((resolve, reject) => {
    child.once('error', (err) => {
      untrack();
      reject(new Error(`${cmd} ${args.join(' ')} could not start: ${err.message}`));
    });
    child.once('exit', (code, signal) => {
      untrack();
      if (code === 0) resolve();
      else reject(new Error(`${cmd} ${args.join(' ')} in ${cwd} failed (${signal ?? `exit ${code}`})`));
    });
  });
}
