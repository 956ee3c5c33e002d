/**
 * BIP39 mnemonics and BIP32/BIP44 account keys. Pure: randomness comes in as bytes.
 * Accounts live at m/44'/60'/0'/0/i, so a phrase shows the same addresses as common Ethereum wallets.
 */
import { HDKey } from '@scure/bip32';
import { entropyToMnemonic, mnemonicToEntropy, mnemonicToSeedSync, validateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import type { Address } from '../chain/types';
import { privateKeyToAddress } from './address';
import { WalletError } from './errors';
import type { KdfRequest } from './kdf';

/** Word counts a new wallet may have. */
export type MnemonicWords = 12 | 24;

/** Entropy bytes for a word count (BIP39: 12 words = 128 bits, 24 words = 256 bits). */
export function entropyBytesFor(words: MnemonicWords): 16 | 32 {
  return words === 12 ? 16 : 32;
}

/** The BIP44 path of account `index` (Ethereum coin type 60). */
export function accountPath(index: number): string {
  checkIndex(index);
  return `m/44'/60'/0'/0/${index}`;
}

/** Largest account index (BIP32 non-hardened child indexes stop below 2^31). */
export const MAX_ACCOUNT_INDEX = 0x7fffffff;

/**
 * Mnemonic for `entropy` (16 or 32 bytes from a CSPRNG the caller supplies).
 *
 * @example newMnemonic(randomBytes(16)) // 12 English words
 */
export function newMnemonic(entropy: Uint8Array): string {
  if (entropy.length !== 16 && entropy.length !== 32) {
    throw new WalletError(
      'BAD_ARGUMENT',
      `expected 16 or 32 bytes of entropy (12 or 24 words), got ${entropy.length} bytes`,
    );
  }
  return entropyToMnemonic(entropy, wordlist);
}

/**
 * Normalizes a phrase a person typed or pasted (case, extra spaces, line breaks) and checks it
 * against the BIP39 English list and checksum. Returns the canonical phrase and its entropy.
 */
export function parseMnemonic(input: string): { mnemonic: string; entropy: Uint8Array } {
  const words = input
    .normalize('NFKD')
    .toLowerCase()
    .trim()
    .split(/\s+/u)
    .filter((w) => w.length > 0);
  if (![12, 15, 18, 21, 24].includes(words.length)) {
    throw new WalletError(
      'BAD_MNEMONIC',
      `a recovery phrase has 12, 15, 18, 21 or 24 words; got ${words.length}`,
      { words: words.length },
    );
  }
  const unknown = words.map((w, i) => ({ w, i })).filter(({ w }) => !wordlist.includes(w));
  if (unknown.length > 0) {
    // Say which positions are wrong, never echo the words themselves (they are secret).
    const at = unknown.map(({ i }) => i + 1).join(', ');
    throw new WalletError(
      'BAD_MNEMONIC',
      `word ${at} of the recovery phrase is not in the BIP39 English list; check the spelling`,
      { positions: unknown.map(({ i }) => i + 1) },
    );
  }
  const mnemonic = words.join(' ');
  if (!validateMnemonic(mnemonic, wordlist)) {
    throw new WalletError(
      'BAD_MNEMONIC',
      'the recovery phrase checksum does not match: a word is wrong or the order is off; check each word against your backup',
    );
  }
  return { mnemonic, entropy: mnemonicToEntropy(mnemonic, wordlist) };
}

/** The mnemonic of stored entropy. */
export function mnemonicFromEntropy(entropy: Uint8Array): string {
  return entropyToMnemonic(entropy, wordlist);
}

/** The 64-byte BIP39 seed (PBKDF2-HMAC-SHA512, 2048 rounds; a few ms) of a phrase and optional passphrase. */
export function seedFromMnemonic(mnemonic: string, passphrase = ''): Uint8Array {
  return mnemonicToSeedSync(mnemonic, passphrase);
}

/**
 * The same seed as {@link seedFromMnemonic}, as a request for the KDF worker (BIP39: PBKDF2-HMAC-SHA512,
 * 2048 rounds, password = NFKD phrase, salt = "mnemonic" + NFKD passphrase), so unlock never blocks the main loop.
 */
export function bip39SeedRequest(mnemonic: string, passphrase = ''): KdfRequest {
  const enc = new TextEncoder();
  return {
    alg: 'pbkdf2-sha512',
    password: enc.encode(mnemonic.normalize('NFKD')),
    salt: enc.encode(`mnemonic${passphrase}`.normalize('NFKD')),
    c: 2048,
    dkLen: 64,
  };
}

/** One derived account: its index, address, and (secret) private key. */
export interface DerivedAccount {
  index: number;
  address: Address;
  privateKey: Uint8Array;
}

/** The master key of a seed; derive accounts from it with {@link deriveAccount}. */
export function masterKey(seed: Uint8Array): HDKey {
  return HDKey.fromMasterSeed(seed);
}

/** Derives account `index` at m/44'/60'/0'/0/index. */
export function deriveAccount(master: HDKey, index: number): DerivedAccount {
  const node = master.derive(accountPath(index));
  if (!node.privateKey)
    throw new WalletError(
      'BAD_ARGUMENT',
      `account ${index} has no private key (the master key is public only)`,
    );
  const privateKey = Uint8Array.from(node.privateKey);
  node.wipePrivateData();
  return { index, address: privateKeyToAddress(privateKey), privateKey };
}

function checkIndex(index: number): void {
  if (!Number.isInteger(index) || index < 0 || index > MAX_ACCOUNT_INDEX) {
    throw new WalletError(
      'BAD_ARGUMENT',
      `account index must be an integer from 0 to ${MAX_ACCOUNT_INDEX}, got ${index}`,
      { index },
    );
  }
}
