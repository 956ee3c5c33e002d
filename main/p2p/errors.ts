import { AppError } from '../common/errors';

/** What went wrong in the network layer. */
export type P2pErrorCode =
  | 'NOT_STARTED'
  | 'BAD_MULTIADDR'
  | 'BAD_CONFIG'
  | 'MESSAGE_TOO_LARGE'
  | 'UNKNOWN_TOPIC'
  | 'PEER_NOT_CONNECTED'
  | 'PEER_BANNED'
  | 'PEER_NOT_ALLOWED'
  | 'WRONG_CHAIN'
  | 'DIAL_FAILED'
  | 'SYNC_TIMEOUT'
  | 'SYNC_REFUSED'
  | 'SYNC_PROTOCOL'
  | 'SNAPSHOT_TIMEOUT'
  | 'SNAPSHOT_REFUSED'
  | 'SNAPSHOT_PROTOCOL'
  | 'BAD_REQUEST'
  | 'PEER_KEY';

/**
 * An error of the network layer. `data` carries the peer id, topic or limits involved.
 *
 * @example
 * throw new P2pError('MESSAGE_TOO_LARGE', `vote message is 2048 bytes, the limit is 1024 (not sent)`, { topic: 'vote' });
 */
export class P2pError extends AppError<P2pErrorCode> {
  override readonly name = 'P2pError';
}

/**
 * The running node, or `P2pError('NOT_STARTED')` when the network has not been started (or was
 * stopped).
 *
 * @example const node = started(this.deps.node());
 */
export function started<T>(node: T | undefined): T {
  if (!node) throw new P2pError('NOT_STARTED', 'the network is not started (call start() first)');
  return node;
}
