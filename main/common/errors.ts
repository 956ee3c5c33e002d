/**
 * The error base every module extends, and the envelope errors travel in across IPC, HTTP and
 * worker boundaries (`{ ok: false, error: { name, code, message, data } }`). Environment-free.
 *
 * @example
 * type WalletErrorCode = 'WRONG_PASSWORD' | 'LOCKED';
 * class WalletError extends AppError<WalletErrorCode> { override readonly name = 'WalletError'; }
 * throw new WalletError('WRONG_PASSWORD', 'keystore password is wrong (the file is unchanged)');
 */
export class AppError<C extends string = string> extends Error {
  override readonly name: string = 'AppError';
  readonly code: C;
  readonly data: Record<string, unknown>;

  constructor(code: C, message: string, data: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.data = data;
  }
}

/** An error as it crosses a boundary: plain data, so the receiver branches on `code`. */
export interface SerializedError {
  name: string;
  code: string;
  message: string;
  data: Record<string, unknown>;
}

/** The result envelope used on every boundary (Signal's pattern). */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: SerializedError };

/** Errors that are not ours (bugs, library failures) cross the boundary as INTERNAL. */
export class InternalError extends AppError<'INTERNAL'> {
  override readonly name = 'InternalError';
}

/** Turns anything thrown into the data shape that crosses a boundary. */
export function serializeError(err: unknown): SerializedError {
  if (err instanceof AppError) {
    return { name: err.name, code: err.code, message: err.message, data: toPlainData(err.data) };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { name: 'InternalError', code: 'INTERNAL', message, data: {} };
}

/** The receiving side's view of a serialized error: still an Error, still branchable on `code`. */
export class RemoteError extends AppError<string> {
  override readonly name: string;
  constructor(e: SerializedError) {
    super(e.code, e.message, e.data);
    this.name = e.name;
  }
}

function toPlainData(data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    if (v === undefined) continue;
    if (typeof v === 'bigint') out[k] = v.toString();
    else if (v instanceof Uint8Array)
      out[k] = `0x${Array.from(v, (b) => b.toString(16).padStart(2, '0')).join('')}`;
    else out[k] = v;
  }
  return out;
}
