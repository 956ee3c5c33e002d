import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defaultDataDir, loadConfig, parseHostPort } from '../config/load';
import { appRoot } from '../platform/paths';
import { runHeadless } from '../hosts/run-headless';
import { parseFlags } from './args';

export const summary =
  'start the node (Electron window where available, else headless) [--headless] [--data-dir D] [--http HOST:PORT]';

const HELP = `Usage: bin/hotpot start [--headless] [--data-dir DIR] [--http HOST:PORT] [--log-level LEVEL]

Starts the node. Without --headless it opens the Electron window when Electron's binary is installed,
and otherwise runs headless and prints the UI's URL.

  --headless           no window: serve the UI over HTTP (default 127.0.0.1:7420)
  --data-dir DIR       where the node keeps its databases, keys and logs (default ~/.hotpot headless,
                       Electron's userData with a window)
  --http HOST:PORT     where the headless host listens; a non-loopback address is served over HTTPS
                       (the node's own certificate, or HOTPOT_HTTPS_CERT + HOTPOT_HTTPS_KEY) and
                       needs HOTPOT_ACCESS_TOKEN
  --log-level LEVEL    fatal|error|warn|info|debug|trace
Configuration: defaults ← DIR/config.json ← HOTPOT_* environment ← flags (see README).
`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    {
      headless: { type: 'boolean' },
      'data-dir': { type: 'string' },
      http: { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    'start',
  );
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const flags: Record<string, [unknown, string]> = {};
  if (values['data-dir']) flags['dataDir'] = [values['data-dir'], '--data-dir'];
  if (values.http) flags['http'] = [parseHostPort(values.http, '--http'), '--http'];
  if (values['log-level']) flags['log.level'] = [values['log-level'], '--log-level'];

  let reason: string | undefined;
  if (!values.headless) {
    const electron = findElectron();
    if (electron.path) return runElectron(electron.path, argv);
    reason = `starting headless: ${electron.why}`;
  }
  const config = loadConfig({ flags, env: process.env, defaultDataDir: defaultDataDir() });
  return runHeadless(config, reason ? { reason } : {});
}

/**
 * Electron's binary, or why there is none. It is looked up on disk (`electron/path.txt` and `dist/`)
 * rather than by `require('electron')`: since Electron 36 that require downloads the binary from
 * GitHub when it is missing, and nothing here may download from outside the npm registry.
 */
export function findElectron(): { path?: string; why: string } {
  let dir: string;
  try {
    dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch (err) {
    return { why: `Electron is not installed (${(err as Error).message.split('\n')[0]})` };
  }
  const pathFile = join(dir, 'path.txt');
  const binary = existsSync(pathFile) ? join(dir, 'dist', readFileSync(pathFile, 'utf8').trim()) : null;
  if (binary && existsSync(binary)) return { path: binary, why: '' };
  return { why: "Electron's binary is not installed (it downloads from outside the npm registry)" };
}

function runElectron(binary: string, argv: string[]): Promise<number> {
  const child = spawn(binary, [appRoot(), ...argv.filter((a) => a !== '--headless')], { stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig));
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
}
