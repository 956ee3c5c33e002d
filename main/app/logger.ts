import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';

export type { Logger };

/** Options of the node's logger. */
export interface LoggerOptions {
  /** Logs go to `<dataDir>/logs/hotpot.N.log` (JSON lines, rotated). */
  dataDir: string;
  level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
  /** Also print to the terminal: 'pretty' (human-readable), 'json', or 'none'. */
  console: 'pretty' | 'json' | 'none';
  /** Rotate when a file reaches this size. */
  rotateBytes?: number;
  /** How many rotated files to keep. */
  keepFiles?: number;
}

/**
 * The node's pino logger: JSON lines to a size-rotated file in the data dir (pino-roll, in pino's
 * transport worker so the main loop never waits on disk), and the same records to the terminal.
 */
export function createLogger(opts: LoggerOptions): Logger {
  const dir = join(opts.dataDir, 'logs');
  mkdirSync(dir, { recursive: true });
  const targets: pino.TransportTargetOptions[] = [
    {
      target: 'pino-roll',
      level: opts.level,
      options: {
        file: join(dir, 'hotpot'),
        extension: '.log',
        size: `${Math.round((opts.rotateBytes ?? 10 * 1024 * 1024) / 1024)}k`,
        limit: { count: opts.keepFiles ?? 5 },
        mkdir: true,
      },
    },
  ];
  if (opts.console === 'pretty') {
    targets.push({
      target: 'pino-pretty',
      level: opts.level,
      options: {
        destination: 2,
        colorize: process.stderr.isTTY,
        translateTime: 'SYS:HH:MM:ss.l',
        ignore: 'pid,hostname,app',
        singleLine: true,
      },
    });
  } else if (opts.console === 'json') {
    targets.push({ target: 'pino/file', level: opts.level, options: { destination: 2 } });
  }
  return pino(
    {
      level: opts.level,
      base: { app: 'hotpot' },
      redact: ['password', '*.password', 'mnemonic', '*.mnemonic', 'privateKey', '*.privateKey', 'token'],
    },
    pino.transport({ targets }),
  );
}

/** Flushes the transport (call at shutdown so the last lines reach the file). */
export function flushLogger(log: Logger): Promise<void> {
  return new Promise((resolve) => log.flush(() => resolve()));
}
