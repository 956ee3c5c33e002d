/**
 * Addresses for the wallet: the chain module's helpers (`main/chain/keys.ts`), with address parse
 * errors re-coded as the wallet's `BAD_ADDRESS` so the UI branches on one code.
 */
import { ChainError } from '../chain/errors';
import {
  parseAddress as chainParseAddress,
  privateKeyToAddress,
  publicKeyToAddress,
  toChecksumAddress,
} from '../chain/keys';
import type { Address } from '../chain/types';
import { WalletError } from './errors';

export { privateKeyToAddress, publicKeyToAddress, toChecksumAddress };

/**
 * Parses an address typed by a person: 0x + 40 hex digits; mixed case must match EIP-55, so a typo
 * is caught. Returns the lowercase form. Throws `WalletError('BAD_ADDRESS')` with the chain's message.
 *
 * @example parseAddress('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed') // '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed'
 */
export function parseAddress(input: string): Address {
  try {
    return chainParseAddress(input.trim());
  } catch (err) {
    if (err instanceof ChainError) throw new WalletError('BAD_ADDRESS', err.message, { reason: err.code });
    throw err;
  }
}
