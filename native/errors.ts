import { AppError } from '../main/common/errors';

/** Why a kernel call was refused. */
export type NativeErrorCode = 'BAD_FRAME' | 'BAD_ARGUMENT';

/** A kernel was called with a frame or argument it cannot work on; nothing was written. */
export class NativeError extends AppError<NativeErrorCode> {
  override readonly name = 'NativeError';
}
