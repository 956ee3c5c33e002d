import { ConfigError } from '../config/errors';

/** Where the node's API listens unless told otherwise (the config's default `http`). */
export const DEFAULT_NODE_URL = 'http://127.0.0.1:7420';

/**
 * The running node's base URL for a command that talks to it: `--api URL`, else `$HOTPOT_HTTP`
 * (the `HOST:PORT` the node was started with, or a URL), else http://127.0.0.1:7420.
 *
 * @example nodeUrl(values.api) // 'http://127.0.0.1:7420/'
 */
export function nodeUrl(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env['HOTPOT_HTTP'];
  const base =
    flag ?? (fromEnv ? (fromEnv.includes('://') ? fromEnv : `http://${fromEnv}`) : DEFAULT_NODE_URL);
  try {
    return new URL(base).toString();
  } catch {
    throw new ConfigError(
      'BAD_FLAG',
      `--api must be a URL such as ${DEFAULT_NODE_URL}, got ${JSON.stringify(base)}`,
    );
  }
}
