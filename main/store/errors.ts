import { AppError } from '../common/errors';

export type StoreErrorCode =
  'OPEN_FAILED' | 'MIGRATION_FAILED' | 'NEWER_SCHEMA' | 'CORRUPT' | 'DISK_FULL' | 'READ_ONLY';

/** A storage failure, with the database file in `data.file`. */
export class StoreError extends AppError<StoreErrorCode> {
  override readonly name = 'StoreError';
}
