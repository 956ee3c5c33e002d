import { join } from 'node:path';
import { type App, composeApp } from '../app/compose';
import { DataDirLock } from './data-dir-lock';
import { type Logger, createLogger, flushLogger } from '../app/logger';
import { appRoot } from '../platform/paths';
import { makeDataDirPrivate } from '../platform/private-files';
import type { Config } from '../config/schema';
import { Gateway } from './gateway/gateway';
import { type HttpsCertificate, httpsCertificate } from './gateway/https-certificate';
import { servesHttps } from '../config/load';
import { ANONYMOUS } from '../contract/access';

/** Hard limit for a graceful stop; past it the process exits anyway (the databases are WAL-safe). */
export const STOP_DEADLINE_MS = 10_000;

/**
 * Runs the node headless until SIGTERM/SIGINT: compose, start, print the UI's URL, stop in reverse
 * order on a signal. Resolves with the exit code.
 */
export async function runHeadless(config: Config, opts: { reason?: string } = {}): Promise<number> {
  const lock = new DataDirLock(config.dataDir);
  lock.acquire();
  const madePrivate = makeDataDirPrivate(config.dataDir);
  const log = createLogger({ dataDir: config.dataDir, level: config.log.level, console: config.log.console });
  if (madePrivate) log.info({ entries: madePrivate }, 'data dir made private to this user (0700/0600)');
  let https: HttpsCertificate | undefined;
  try {
    https = servesHttps(config) ? await certificateOf(config, log) : undefined;
  } catch (err) {
    await flushLogger(log);
    lock.release();
    throw err;
  }
  const app = composeApp({ config, host: 'headless', log, ...(https ? { https: https.info } : {}) });
  const host = gatewayOf(app, config, log, https);
  // Signals are handled from here on, also during start: a SIGTERM while services start waits for the
  // start to finish and then stops them in reverse order (never a half-started node left behind).
  let requested: string | undefined;
  let onSignal: ((signal: string) => void) | undefined;
  const handle = (signal: string) => {
    if (onSignal) return onSignal(signal);
    if (requested) {
      process.stderr.write(`hotpot: ${signal} again while starting; exiting now\n`);
      lock.release();
      process.exit(130);
    }
    requested = signal;
  };
  // `on`, not `once`: the listener stays installed while the stop runs, so a second signal is ours too.
  process.on('SIGTERM', () => handle('SIGTERM'));
  process.on('SIGINT', () => handle('SIGINT'));

  try {
    await app.start([{ name: 'gateway', service: host }]);
  } catch (err) {
    await flushLogger(log);
    lock.release();
    throw err;
  }
  if (opts.reason) process.stderr.write(`hotpot: ${opts.reason}\n`);
  printWelcome(host.url, app, config, https);

  return new Promise<number>((resolve) => {
    let stopping = false;
    onSignal = (signal: string) => {
      if (stopping) {
        // A second Ctrl-C: the user wants out now (the databases are WAL-safe).
        process.stderr.write(`hotpot: ${signal} again; exiting without waiting for the stop\n`);
        lock.release();
        process.exit(130);
      }
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
    if (requested) onSignal(requested);
  });
}

/** Where to open the UI, the certificate to trust, and how to make the owner when there is nobody yet. */
function printWelcome(url: string, app: App, config: Config, https: HttpsCertificate | undefined): void {
  const lines = [`Hot Pot Spot Node is running headless. Open the UI at ${url}`];
  if (https)
    lines.push(
      `HTTPS certificate (${https.info.source === 'node' ? "the node's own" : 'yours'}): SHA-256 ${https.info.fingerprintSha256}`,
    );
  if (app.access.status(ANONYMOUS).setupNeeded)
    lines.push(
      'This node has nobody yet: open the UI to make the owner, or run',
      `  bin/hotpot users add --data-dir ${config.dataDir} --username NAME --role owner`,
    );
  // One write: whoever waits for the URL line has the rest with it.
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** The certificate the gateway serves: the owner's, or the node's own (made at first start). */
async function certificateOf(config: Config, log: Logger): Promise<HttpsCertificate> {
  const { certFile, keyFile } = config.https;
  const cert = await httpsCertificate({
    dataDir: config.dataDir,
    host: config.http.host,
    ...(certFile && keyFile ? { own: { certFile, keyFile } } : {}),
  });
  if (cert.made)
    log.info(
      { fingerprintSha256: cert.info.fingerprintSha256, names: cert.info.names },
      "made the gateway's HTTPS certificate: clients trust it by this fingerprint (Settings shows it)",
    );
  return cert;
}

/** The gateway in front of the composed app, on the configured address. */
function gatewayOf(app: App, config: Config, log: Logger, https: HttpsCertificate | undefined): Gateway {
  return new Gateway(
    {
      host: config.http.host,
      port: config.http.port,
      rendererDir: join(appRoot(), 'dist', 'renderer'),
      ...(https ? { https: { cert: https.cert, key: https.key } } : {}),
      ...(config.accessToken ? { accessToken: config.accessToken } : {}),
      ...(config.http.rateLimits ? { rateLimits: config.http.rateLimits } : {}),
    },
    {
      router: app.router,
      sessions: app.access,
      rest: app.rest,
      bus: app.bus,
      liveWatchers: app.liveWatchers,
      log,
      operations: { status: () => app.status.status(), metrics: app.metrics },
    },
  );
}
