import { AppError } from '../../common/errors';

/** Why detection could not run. */
export type DetectErrorCode =
  'MODEL_MISSING' | 'BACKEND_UNAVAILABLE' | 'BAD_OPTIONS' | 'BAD_FRAME' | 'WORKER_FAILED' | 'DISPOSED';

/** The face detector could not be built or could not run on a frame. */
export class DetectError extends AppError<DetectErrorCode> {
  override readonly name = 'DetectError';
}
