import { join } from 'node:path';
import { composeApp } from '../app/compose';
import { DataDirLock } from '../app/data-dir-lock';
import { createLogger, flushLogger } from '../app/logger';
import { appRoot } from '../app/paths';
import type { Config } from '../config/schema';
import { HeadlessHost } from './headless';

/** Hard limit for a graceful stop; past it the process exits anyway (the databases are WAL-safe). */
export const STOP_DEADLINE_MS = 10_000;

/**
 * Runs the node headless until SIGTERM/SIGINT: compose, start, print the UI's URL, stop in reverse
 * order on a signal. Resolves with the exit code.
 */
export async function runHeadless(config: Config, opts: { reason?: string } = {}): Promise<number> {
  const lock = new DataDirLock(config.dataDir);
  lock.acquire();
  const log = createLogger({ dataDir: config.dataDir, level: config.log.level, console: config.log.console });
  const app = composeApp({ config, host: 'headless', log });
  const host = new HeadlessHost(
    {
      host: config.http.host,
      port: config.http.port,
      rendererDir: join(appRoot(), 'dist', 'renderer'),
      ...(config.accessToken ? { accessToken: config.accessToken } : {}),
    },
    { router: app.router, rest: app.rest, bus: app.bus, log },
  );
  try {
    await app.start([{ name: 'headless-host', service: host }]);
  } catch (err) {
    await flushLogger(log);
    lock.release();
    throw err;
  }
  if (opts.reason) process.stderr.write(`hotpot: ${opts.reason}\n`);
  process.stdout.write(`Hot Pot Spot Node is running headless. Open the UI at ${host.url}\n`);

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'stopping');
      const force = setTimeout(() => {
        process.stderr.write(`hotpot: stop took longer than ${STOP_DEADLINE_MS} ms; exiting\n`);
        lock.release();
        process.exit(1);
      }, STOP_DEADLINE_MS);
      force.unref();
      app
        .stop()
        .then(() => flushLogger(log))
        .finally(() => {
          clearTimeout(force);
          lock.release();
          process.stderr.write('hotpot: stopped\n');
          resolve(0);
        });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
