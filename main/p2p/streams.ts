/**
 * How our request-response protocols (status, sync) read and write a stream: length-prefixed
 * frames with a size limit per frame, cut off when a deadline fires.
 */
import type { Stream } from '@libp2p/interface';
import * as lp from 'it-length-prefixed';
import type { Uint8ArrayList } from 'uint8arraylist';

/** Errors of the length-prefixed decoder: the peer sent a bad or oversized length prefix. */
export function isFramingError(err: unknown): boolean {
  return ['InvalidDataLengthError', 'InvalidDataLengthLengthError', 'InvalidMessageLengthError'].includes(
    (err as Error).name,
  );
}

/** Length-prefixed frames of at most `maxBytes` each; the stream is aborted when `signal` fires. */
export function readFrames(
  stream: Stream,
  maxBytes: number,
  signal: AbortSignal,
): AsyncGenerator<Uint8ArrayList> {
  const onAbort = (): void => stream.abort(new Error('timed out'));
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  stream.addEventListener('close', () => signal.removeEventListener('abort', onAbort), { once: true });
  return lp.decode(stream, { maxDataLength: maxBytes });
}

/** Writes one length-prefixed frame, waiting for the stream to drain when its buffer is full. */
export async function sendFrame(stream: Stream, bytes: Uint8Array, signal?: AbortSignal): Promise<void> {
  if (!stream.send(lp.encode.single(bytes))) await stream.onDrain({ signal });
}
