import { AppError } from '../../common/errors';

/** What went wrong publishing a recording to HQ or fetching one there. */
export type PublishErrorCode =
  /** A key (HQ's public key in the config, its private key in the environment) is not 32 bytes of hex or base64. */
  | 'BAD_KEY'
  /** The bytes are not an envelope of a version we read (wrong magic, version, lengths). */
  | 'BAD_ENVELOPE'
  /** Authentication failed: the envelope was sealed to another key, or a byte of it was changed. */
  | 'CANNOT_DECRYPT'
  /** The plaintext's SHA-256 is not the one sealed in the envelope or anchored on the chain. */
  | 'HASH_MISMATCH'
  /** The file changed on disk after it was hashed (publishing refuses it). */
  | 'FILE_CHANGED'
  /** The CID is not a CID, or no peer gave its blocks in time. */
  | 'FETCH_FAILED'
  /** The IPFS node is not running (before start, after stop, or on a network without libp2p). */
  | 'NOT_RUNNING';

/**
 * A typed error of publishing to HQ; `code` is what callers branch on.
 *
 * @example throw new PublishError('CANNOT_DECRYPT', 'this envelope was not sealed to this key, or it was changed', { cid });
 */
export class PublishError extends AppError<PublishErrorCode> {
  override readonly name = 'PublishError';
}
