import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError } from '../config/errors';

/**
 * Parses a command's flags strictly (unknown flags are an error with the list of known ones).
 *
 * @example const { values } = parseFlags(argv, { 'data-dir': { type: 'string' } }, 'start');
 */
export function parseFlags<O extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: O,
  command: string,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals });
  } catch (err) {
    const known = Object.keys(options)
      .map((k) => `--${k}`)
      .join(', ');
    throw new ConfigError(
      'BAD_FLAG',
      `${command}: ${(err as Error).message.replace(/\. To specify.*$/s, '')} (known flags: ${known})`,
    );
  }
}
