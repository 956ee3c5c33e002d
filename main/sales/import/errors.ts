import { AppError } from '../../common/errors';

export type SalesImportErrorCode =
  /** The file is over the size one import takes (413): split it into files of whole orders. */
  | 'TOO_LARGE'
  /** The file has rows with errors and the caller did not ask to skip their orders; nothing was stored. */
  | 'IMPORT_HAS_ERRORS';

/** An import refused as a whole; its data says why (the first errors, their count). */
export class SalesImportError extends AppError<SalesImportErrorCode> {
  override readonly name = 'SalesImportError';
}
