import { AppError } from '../../common/errors';

/** Why an anonymization request was refused. */
export type AnonymizeErrorCode =
  'BAD_OPTIONS' | 'BAD_MASK' | 'UNSUPPORTED_INPUT' | 'INPUT_MISSING' | 'FFMPEG_FAILED' | 'DETECTION_FAILED';

/** Anonymization options or privacy masks were invalid; the frame was not touched. */
export class AnonymizeError extends AppError<AnonymizeErrorCode> {
  override readonly name = 'AnonymizeError';
}
