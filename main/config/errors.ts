import { AppError } from '../common/errors';

export type ConfigErrorCode =
  'INVALID_CONFIG' | 'CONFIG_FILE_UNREADABLE' | 'DATA_DIR_NOT_WRITABLE' | 'BAD_FLAG';

/** A configuration problem that stops the start, naming the key, where it came from and what is allowed. */
export class ConfigError extends AppError<ConfigErrorCode> {
  override readonly name = 'ConfigError';
}
