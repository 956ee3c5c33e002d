import { AppError } from '../common/errors';

export type HostErrorCode =
  | 'PORT_IN_USE'
  | 'ADDRESS_UNAVAILABLE'
  | 'PERMISSION_DENIED'
  | 'LISTEN_FAILED'
  | 'ALREADY_RUNNING'
  /** The owner's certificate or key cannot be read, does not parse, do not belong together, or has expired. */
  | 'TLS_INVALID';

/** A host could not start (port, address, another instance, its HTTPS certificate). */
export class HostError extends AppError<HostErrorCode> {
  override readonly name = 'HostError';
}
