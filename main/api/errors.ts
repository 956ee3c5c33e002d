import { AppError } from '../common/errors';

export type ApiErrorCode =
  | 'UNKNOWN_METHOD'
  | 'BAD_INPUT'
  | 'BAD_OUTPUT'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'STEP_UP_REQUIRED'
  | 'TOO_LARGE'
  | 'RATE_LIMITED'
  | 'NOT_FOUND'
  | 'BAD_REQUEST'
  | 'DISABLED';

/** An error at the API edge: the call itself was wrong (method, input, size, credentials). */
export class ApiError extends AppError<ApiErrorCode> {
  override readonly name = 'ApiError';
}
