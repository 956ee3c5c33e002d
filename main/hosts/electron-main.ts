// Electron's entry point (package.json "main" → dist/main/electron.js).
import * as electron from 'electron';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { composeApp, type App } from '../app/compose';
import { createLogger, flushLogger } from '../app/logger';
import { appRoot } from '../platform/paths';
import { createFilesPrivately, makeDataDirPrivate } from '../platform/private-files';
import { AppError } from '../common/errors';
import { loadConfig, parseHostPort } from '../config/load';
import { ElectronHost } from './electron';
import { UI_SCHEME } from './ui-protocol';

const { app, dialog, protocol } = electron;

function flagsFromArgv(argv: string[]): Record<string, [unknown, string]> {
  const { values } = parseArgs({
    args: argv,
    options: { 'data-dir': { type: 'string' }, http: { type: 'string' }, 'log-level': { type: 'string' } },
    strict: false,
    allowPositionals: true,
  });
  const flags: Record<string, [unknown, string]> = {};
  if (typeof values['data-dir'] === 'string') flags['dataDir'] = [values['data-dir'], '--data-dir'];
  if (typeof values.http === 'string') flags['http'] = [parseHostPort(values.http, '--http'), '--http'];
  if (typeof values['log-level'] === 'string') flags['log.level'] = [values['log-level'], '--log-level'];
  return flags;
}

async function boot(): Promise<void> {
  const root = appRoot();
  const config = loadConfig({
    flags: flagsFromArgv(process.argv.slice(1)),
    env: process.env,
    defaultDataDir: app.getPath('userData'),
  });
  makeDataDirPrivate(config.dataDir);
  const log = createLogger({ dataDir: config.dataDir, level: config.log.level, console: 'none' });
  const node: App = composeApp({ config, host: 'electron', log });
  const host = new ElectronHost(
    {
      rendererDir: join(root, 'dist', 'renderer'),
      preloadPath: join(root, 'dist', 'preload', 'index.cjs'),
      trayIcon: join(root, 'assets', 'tray.png'),
    },
    {
      electron,
      router: node.router,
      sessions: node.access,
      bus: node.bus,
      liveWatchers: node.liveWatchers,
      log,
      onLockRequest: (reason) => node.wallet.onLockRequest(reason),
    },
  );
  app.on('second-instance', () => host.show());
  // Keep running in the tray when every window is closed.
  app.on('window-all-closed', () => undefined);
  let stopped = false;
  app.on('before-quit', (e) => {
    host.prepareQuit();
    if (stopped) return;
    e.preventDefault();
    void node
      .stop()
      .then(() => flushLogger(log))
      .finally(() => {
        stopped = true;
        app.quit();
      });
  });
  await node.start([{ name: 'electron-host', service: host }]);
}

createFilesPrivately();
// The window loads the UI from hotpot://app/ (ui-protocol.ts); a scheme must be registered before ready.
protocol.registerSchemesAsPrivileged([
  {
    scheme: UI_SCHEME,
    privileges: { standard: true, secure: true, supportFetchAPI: false, corsEnabled: false },
  },
]);
if (!app.requestSingleInstanceLock()) {
  // Another instance owns the data dir; it shows its window (second-instance) and this one leaves.
  app.quit();
} else {
  app
    .whenReady()
    .then(boot)
    .catch((err: unknown) => {
      const msg = err instanceof AppError ? err.message : String((err as Error)?.stack ?? err);
      dialog.showErrorBox('Hot Pot Spot Node could not start', msg);
      app.exit(1);
    });
}
