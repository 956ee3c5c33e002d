import { AppError } from '../common/errors';

export type AccessErrorCode =
  | 'BAD_CREDENTIALS'
  | 'LOCKED_OUT'
  | 'SETUP_DONE'
  | 'USER_EXISTS'
  | 'USER_NOT_FOUND'
  | 'KEY_NOT_FOUND'
  | 'LAST_OWNER'
  | 'WEAK_PASSWORD';

/** Signing in, sessions and people: the code says what to do (try later, choose another name…). */
export class AccessError extends AppError<AccessErrorCode> {
  override readonly name = 'AccessError';
}
