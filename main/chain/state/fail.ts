/** How the state machine rejects: one helper that throws the typed `ChainError` (pure). */
import { ChainError, type ChainErrorCode } from '../errors';

/** Throws a `ChainError` with `code`, `message` and `data`. */
export function fail(code: ChainErrorCode, message: string, data: Record<string, unknown> = {}): never {
  throw new ChainError(code, message, data);
}
