import { AppError } from '../common/errors';

export type HostErrorCode =
  'PORT_IN_USE' | 'ADDRESS_UNAVAILABLE' | 'PERMISSION_DENIED' | 'LISTEN_FAILED' | 'ALREADY_RUNNING';

/** A host could not start (port, address, another instance). */
export class HostError extends AppError<HostErrorCode> {
  override readonly name = 'HostError';
}
