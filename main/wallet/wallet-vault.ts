/**
 * What does the keystore hold, and how do keys get into it and out of it? The vault creates and
 * imports wallets (new or restored mnemonic, Web3 keystore files), derives accounts, shows the
 * mnemonic for backup and exports single keys as Web3 keystores. It writes the keystore file.
 */
import { hexToBytes } from '@noble/hashes/utils.js';
import type { WalletAccount, WalletEvent, WalletStatus } from '../contract/wallet';
import type { Address } from '../chain/types';
import { parseAddress, toChecksumAddress } from './address';
import { WalletError } from './errors';
import {
  checkKdfRequest,
  DEFAULT_SCRYPT,
  type KdfRunner,
  MIN_SCRYPT_N,
  passwordBytes,
  type ScryptParams,
} from './kdf';
import {
  bip39SeedRequest,
  deriveAccount,
  entropyBytesFor,
  masterKey,
  mnemonicFromEntropy,
  type MnemonicWords,
  parseMnemonic,
} from './keys';
import {
  type KeystoreAccount,
  type KeystoreFile,
  keystoreKdfRequest,
  sealKeystore,
  type WalletSecrets,
} from './keystore';
import { keystoreExists, readKeystoreFile, writeKeystoreFile } from './keystore-file';
import { parseWeb3Keystore, web3Decrypt, web3Encrypt, web3KdfRequest } from './web3-keystore';
import {
  openWithPassword,
  type UnlockedWallet,
  unlockKeys,
  type WalletSession,
  wipeSecrets,
  wipeUnlocked,
} from './wallet-session';

/** Options of {@link WalletVault}. */
export interface WalletVaultOptions {
  /** The keystore file (`keystorePath(dataDir)`). */
  file: string;
  /** scrypt cost for new keystores. Default N=2^17, r=8, p=1. */
  kdf?: ScryptParams;
  /** Tests only: allow N below 2^17 so suites stay fast. The shipped default never sets it. */
  allowWeakKdf?: boolean;
}

/** What the vault uses. */
export interface WalletVaultDeps {
  kdf: KdfRunner;
  random: (bytes: number) => Uint8Array;
  emit: (event: WalletEvent) => void;
  /** A new wallet starts unlocked; changes need the unlocked keys. */
  session: WalletSession;
}

const MAX_HD_ACCOUNTS = 1000;

/**
 * The keystore's contents: BIP39/BIP32 HD accounts plus imported single keys, encrypted in
 * `<dataDir>/wallet/keystore.json`. Emits `wallet.changed` when accounts are added. Callers run its
 * keystore-changing methods one at a time (`WalletService` queues them).
 */
export class WalletVault {
  private readonly kdfParams: ScryptParams;

  constructor(
    private readonly options: WalletVaultOptions,
    private readonly deps: WalletVaultDeps,
  ) {
    this.kdfParams = options.kdf ?? DEFAULT_SCRYPT;
    if (this.kdfParams.N < MIN_SCRYPT_N && !options.allowWeakKdf) {
      throw new WalletError(
        'KDF_PARAMS',
        `scrypt N must be at least ${MIN_SCRYPT_N} (2^17) for a wallet keystore, got ${this.kdfParams.N}`,
      );
    }
    checkKdfRequest(keystoreKdfRequest(this.kdfParams, new Uint8Array(32), new Uint8Array(0)));
  }

  /** The wallet's state; never throws (a damaged keystore is reported in `problem`). */
  status(): WalletStatus {
    const session = this.deps.session;
    const base = { autoLockMs: session.autoLockMs, autoLockAtMs: session.autoLockAt() };
    const empty = { problem: null, hasMnemonic: false, hasPassphrase: false, accounts: [], kdf: null };
    if (!keystoreExists(this.options.file)) return { ...base, state: 'none', ...empty };
    let ks: KeystoreFile;
    try {
      ks = readKeystoreFile(this.options.file);
    } catch (err) {
      const e = err instanceof WalletError ? err : new WalletError('KEYSTORE_IO', String(err));
      return { ...base, state: 'damaged', ...empty, problem: { code: e.code, message: e.message } };
    }
    return {
      ...base,
      state: session.isUnlocked() ? 'unlocked' : 'locked',
      problem: null,
      hasMnemonic: ks.hasMnemonic,
      hasPassphrase: ks.hasPassphrase,
      accounts: ks.accounts.map(accountView),
      kdf: { N: ks.kdf.N, r: ks.kdf.r, p: ks.kdf.p },
    };
  }

  /** A new wallet with a fresh mnemonic (12 or 24 words), left unlocked. Returns the mnemonic. */
  async create(input: { words: MnemonicWords; password: string }): Promise<string> {
    this.refuseIfExists();
    checkPassword(input.password);
    if (input.words !== 12 && input.words !== 24)
      throw new WalletError('BAD_ARGUMENT', `a new wallet has 12 or 24 words, got ${String(input.words)}`);
    const entropy = this.deps.random(entropyBytesFor(input.words));
    const mnemonic = mnemonicFromEntropy(entropy);
    await this.createFrom({ entropy, passphrase: '', password: input.password, accountCount: 1 });
    return mnemonic;
  }

  /** Imports a mnemonic (with an optional BIP39 passphrase) as the wallet, left unlocked. */
  async importMnemonic(input: {
    mnemonic: string;
    passphrase?: string;
    password: string;
    accounts?: number;
  }): Promise<void> {
    this.refuseIfExists();
    checkPassword(input.password);
    const { entropy } = parseMnemonic(input.mnemonic);
    const count = input.accounts ?? 1;
    if (!Number.isInteger(count) || count < 1 || count > MAX_HD_ACCOUNTS)
      throw new WalletError('BAD_ARGUMENT', `accounts must be 1–${MAX_HD_ACCOUNTS}, got ${count}`);
    await this.createFrom({
      entropy,
      passphrase: input.passphrase ?? '',
      password: input.password,
      accountCount: count,
    });
  }

  /**
   * Derives a BIP44 account and saves it in the keystore: the next free index, or `index` when given.
   * Needs the wallet unlocked. Returns the existing account if `index` is already there.
   */
  async addAccount(input: { index?: number } = {}): Promise<WalletAccount> {
    const u = this.deps.session.requireUnlocked();
    if (!u.master)
      throw new WalletError(
        'BAD_ARGUMENT',
        'this wallet has no recovery phrase (only imported keys), so it cannot derive new accounts',
      );
    const ks = readKeystoreFile(this.options.file);
    const hd = ks.accounts.filter((a) => a.type === 'hd');
    const index = input.index ?? hd.reduce((m, a) => Math.max(m, a.index + 1), 0);
    const existing = hd.find((a) => a.index === index);
    if (existing) return accountView(existing);
    if (hd.length >= MAX_HD_ACCOUNTS)
      throw new WalletError('BAD_ARGUMENT', `a wallet holds at most ${MAX_HD_ACCOUNTS} accounts`);
    const acct = deriveAccount(u.master, index);
    const account: KeystoreAccount = { type: 'hd', index, address: acct.address };
    const accounts: KeystoreAccount[] = [...ks.accounts, account];
    try {
      this.reseal(ks, u, accounts, u.secrets);
    } catch (err) {
      acct.privateKey.fill(0);
      throw err;
    }
    u.keys.set(acct.address, acct.privateKey);
    this.deps.emit({ name: 'wallet.changed', payload: { accounts: accounts.length } });
    return accountView(account);
  }

  /** The mnemonic, for the backup view. Asks for the password again even when unlocked. */
  async revealMnemonic(input: { password: string }): Promise<string> {
    const ks = readKeystoreFile(this.options.file);
    const { derivedKey, secrets } = await openWithPassword(this.deps.kdf, ks, input.password);
    derivedKey.fill(0);
    try {
      if (!secrets.entropy)
        throw new WalletError(
          'BAD_ARGUMENT',
          'this wallet has no recovery phrase (it holds imported keys only)',
        );
      this.deps.session.touch();
      return mnemonicFromEntropy(secrets.entropy);
    } finally {
      wipeSecrets(secrets);
    }
  }

  /**
   * Imports one key from a Web3 Secret Storage v3 file as a separate account. With a wallet: it must
   * be unlocked. Without one: `password` creates a wallet holding just this key.
   */
  async importWeb3Keystore(input: {
    json: string;
    filePassword: string;
    password?: string;
    label?: string;
  }): Promise<WalletAccount> {
    const w3 = parseWeb3Keystore(input.json);
    const dk = await this.deps.kdf.derive(web3KdfRequest(w3, input.filePassword));
    let key: { privateKey: Uint8Array; address: Address };
    try {
      key = web3Decrypt(w3, dk);
    } finally {
      dk.fill(0);
    }
    const label = input.label?.slice(0, 200);
    const account: KeystoreAccount = label
      ? { type: 'imported', address: key.address, label }
      : { type: 'imported', address: key.address };
    if (!keystoreExists(this.options.file)) {
      if (!input.password)
        throw new WalletError(
          'NO_WALLET',
          'there is no wallet yet: give a wallet password to create one holding this key',
        );
      checkPassword(input.password);
      const secrets: WalletSecrets = {
        entropy: null,
        imported: [{ address: key.address, privateKey: key.privateKey }],
      };
      await this.createSealed(secrets, [account], false, input.password);
      this.deps.emit({ name: 'wallet.changed', payload: { accounts: 1 } });
      return accountView(account);
    }
    const u = this.deps.session.requireUnlocked();
    const ks = readKeystoreFile(this.options.file);
    if (ks.accounts.some((a) => a.address === key.address)) {
      key.privateKey.fill(0);
      throw new WalletError(
        'BAD_ARGUMENT',
        `account ${toChecksumAddress(key.address)} is already in the wallet`,
      );
    }
    const secrets: WalletSecrets = {
      entropy: u.secrets.entropy,
      imported: [...u.secrets.imported, { address: key.address, privateKey: key.privateKey }],
    };
    this.reseal(ks, u, [...ks.accounts, account], secrets);
    u.secrets = secrets;
    u.keys.set(key.address, key.privateKey);
    this.deps.emit({ name: 'wallet.changed', payload: { accounts: ks.accounts.length + 1 } });
    return accountView(account);
  }

  /**
   * Exports one account as a Web3 v3 keystore (scrypt, aes-128-ctr) encrypted with `exportPassword`.
   * Asks for the wallet password again. The key leaves the wallet encrypted only.
   */
  async exportWeb3Keystore(input: {
    address: string;
    password: string;
    exportPassword: string;
    passphrase?: string;
    kdf?: ScryptParams;
  }): Promise<string> {
    const address = parseAddress(input.address);
    checkPassword(input.exportPassword);
    const ks = readKeystoreFile(this.options.file);
    const { derivedKey, secrets } = await openWithPassword(this.deps.kdf, ks, input.password);
    let state: UnlockedWallet;
    try {
      state = await unlockKeys(this.deps.kdf, ks, derivedKey, secrets, input.passphrase ?? '');
    } catch (err) {
      derivedKey.fill(0);
      wipeSecrets(secrets);
      throw err;
    }
    try {
      const privateKey = state.keys.get(address);
      if (!privateKey)
        throw new WalletError(
          'UNKNOWN_ACCOUNT',
          `account ${toChecksumAddress(address)} is not in this wallet`,
        );
      return await this.sealWeb3(privateKey, input.exportPassword, input.kdf ?? this.kdfParams);
    } finally {
      wipeUnlocked(state);
    }
  }

  /** Encrypts one key as Web3 v3 JSON with `exportPassword`. */
  private async sealWeb3(privateKey: Uint8Array, exportPassword: string, kdf: ScryptParams): Promise<string> {
    if (kdf.N < MIN_SCRYPT_N && !this.options.allowWeakKdf)
      throw new WalletError('KDF_PARAMS', `export scrypt N must be at least ${MIN_SCRYPT_N}`);
    const salt = this.deps.random(32);
    const dk = await this.deps.kdf.derive({
      alg: 'scrypt',
      password: new TextEncoder().encode(exportPassword),
      salt,
      N: kdf.N,
      r: kdf.r,
      p: kdf.p,
      dkLen: 32,
    });
    try {
      return JSON.stringify(
        web3Encrypt({
          privateKey,
          derivedKey: dk,
          salt,
          iv: this.deps.random(16),
          uuid: this.deps.random(16),
          kdf,
        }),
        null,
        2,
      );
    } finally {
      dk.fill(0);
    }
  }

  private async createFrom(input: {
    entropy: Uint8Array;
    passphrase: string;
    password: string;
    accountCount: number;
  }): Promise<void> {
    const mnemonic = mnemonicFromEntropy(input.entropy);
    const seed = await this.deps.kdf.derive(bip39SeedRequest(mnemonic, input.passphrase));
    const master = masterKey(seed);
    seed.fill(0);
    const accounts: KeystoreAccount[] = [];
    for (let i = 0; i < input.accountCount; i++) {
      const a = deriveAccount(master, i);
      accounts.push({ type: 'hd', index: i, address: a.address });
      a.privateKey.fill(0);
    }
    master.wipePrivateData();
    await this.createSealed(
      { entropy: input.entropy, imported: [] },
      accounts,
      input.passphrase !== '',
      input.password,
      input.passphrase,
    );
  }

  private async createSealed(
    secrets: WalletSecrets,
    accounts: KeystoreAccount[],
    hasPassphrase: boolean,
    password: string,
    passphrase = '',
  ): Promise<void> {
    const salt = this.deps.random(32);
    const derivedKey = await this.deps.kdf.derive(
      keystoreKdfRequest(this.kdfParams, salt, passwordBytes(password)),
    );
    const ks = sealKeystore({
      id: this.deps.random(16),
      salt,
      kdf: this.kdfParams,
      derivedKey,
      nonce: this.deps.random(12),
      secrets,
      hasPassphrase,
      accounts,
    });
    // A wallet may have appeared while the KDF ran (another process): never overwrite it.
    this.refuseIfExists();
    writeKeystoreFile(this.options.file, ks);
    await this.deps.session.unlockNew(ks, derivedKey, secrets, passphrase);
  }

  private reseal(
    ks: KeystoreFile,
    u: UnlockedWallet,
    accounts: KeystoreAccount[],
    secrets: WalletSecrets,
  ): void {
    const next = sealKeystore({
      id: hexToBytes(ks.id),
      salt: hexToBytes(ks.kdf.salt),
      kdf: { N: ks.kdf.N, r: ks.kdf.r, p: ks.kdf.p },
      derivedKey: u.derivedKey,
      nonce: this.deps.random(12),
      secrets,
      hasPassphrase: ks.hasPassphrase,
      accounts,
    });
    writeKeystoreFile(this.options.file, next);
  }

  private refuseIfExists(): void {
    if (keystoreExists(this.options.file)) {
      throw new WalletError(
        'WALLET_EXISTS',
        `a wallet already exists in this data dir (${this.options.file}); it was not changed. Use another data dir, or move the file away first if you really mean to replace it`,
      );
    }
  }
}

function accountView(a: KeystoreAccount): WalletAccount {
  return a.type === 'hd'
    ? {
        address: toChecksumAddress(a.address),
        type: 'hd',
        index: a.index,
        label: null,
        path: `m/44'/60'/0'/0/${a.index}`,
      }
    : {
        address: toChecksumAddress(a.address),
        type: 'imported',
        index: null,
        label: a.label ?? null,
        path: null,
      };
}

function checkPassword(password: string): void {
  if (typeof password !== 'string' || password.length < 8) {
    throw new WalletError('BAD_ARGUMENT', 'the wallet password must have at least 8 characters');
  }
  if (password.length > 1024)
    throw new WalletError('BAD_ARGUMENT', 'the wallet password must have at most 1024 characters');
}
