import { AppError } from '../common/errors';

/** Every way a wallet operation can fail. The renderer and the CLI branch on these codes. */
export type WalletErrorCode =
  /** The wallet password does not open the keystore. */
  | 'WRONG_PASSWORD'
  /** The BIP39 passphrase gives a different wallet than the one stored. */
  | 'WRONG_PASSPHRASE'
  /** The wallet was made with a BIP39 passphrase and none was given. */
  | 'PASSPHRASE_REQUIRED'
  /** The operation needs the wallet unlocked. */
  | 'LOCKED'
  /** There is no keystore in the data dir yet. */
  | 'NO_WALLET'
  /** create/import would overwrite an existing keystore. */
  | 'WALLET_EXISTS'
  /** The keystore file is not valid JSON of our format, or a field is out of range. */
  | 'KEYSTORE_CORRUPT'
  /** The keystore file ends early (a partial write or a cut copy). */
  | 'KEYSTORE_TRUNCATED'
  /** The keystore's encrypted part or its clear metadata was altered (authentication failed). */
  | 'KEYSTORE_TAMPERED'
  /** The file is some other format (e.g. an Ethereum Web3 keystore, or not a keystore at all). */
  | 'KEYSTORE_FOREIGN'
  /** The keystore has a version this program does not read. */
  | 'KEYSTORE_VERSION'
  /** Reading or writing the keystore file failed at the OS level. */
  | 'KEYSTORE_IO'
  /** The KDF parameters are too weak or too large to accept. */
  | 'KDF_PARAMS'
  /** The key-derivation worker failed or could not be started. */
  | 'KDF_FAILED'
  /** The mnemonic is not a valid BIP39 English phrase. */
  | 'BAD_MNEMONIC'
  /** An address is malformed or its EIP-55 checksum is wrong. */
  | 'BAD_ADDRESS'
  /** No account with that address or index exists in the wallet. */
  | 'UNKNOWN_ACCOUNT'
  /** A Web3 Secret Storage file is malformed or uses an unsupported KDF/cipher. */
  | 'WEB3_KEYSTORE_INVALID'
  /** The password of an imported Web3 keystore is wrong (its MAC does not match). */
  | 'WEB3_WRONG_PASSWORD'
  /** The amount, fee or nonce of a transfer is not acceptable. */
  | 'BAD_AMOUNT'
  /** The preview of a transfer is stale or unknown (re-run the preview). */
  | 'PREVIEW_EXPIRED'
  /** The ledger rejected or could not take the transaction. */
  | 'LEDGER_UNAVAILABLE'
  /** An argument is out of range (e.g. word count, account index). */
  | 'BAD_ARGUMENT';

/**
 * The wallet module's error. Messages say what was wrong and what to do.
 *
 * @example throw new WalletError('WRONG_PASSWORD', 'wallet password is wrong (the keystore is unchanged)');
 */
export class WalletError extends AppError<WalletErrorCode> {
  override readonly name = 'WalletError';
}

/** The exact wrong-password error every path uses, so the UI and CLI say the same thing. */
export function wrongPassword(): WalletError {
  return new WalletError('WRONG_PASSWORD', 'wallet password is wrong (the keystore is unchanged)');
}
