import type { HDKey } from '@scure/bip32';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { Address, Hex } from '../chain/types';
import { parseAddress, privateKeyToAddress, toChecksumAddress } from './address';
import { historyToCsv } from './csv';
import { WalletError } from './errors';
import {
  DEFAULT_SCRYPT,
  type KdfRunner,
  MIN_SCRYPT_N,
  passwordBytes,
  type ScryptParams,
  checkKdfRequest,
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
  openKeystore,
  sealKeystore,
  type WalletSecrets,
} from './keystore';
import { keystoreExists, keystorePath, readKeystoreFile, writeKeystoreFile } from './keystore-file';
import type { LedgerHistoryPage, TransferTxCodec, WalletLedger } from './ledger';
import { parseWeb3Keystore, web3Decrypt, web3Encrypt, web3KdfRequest } from './web3-keystore';

/** Why the wallet locked. */
export type LockReason = 'user' | 'idle' | 'suspend' | 'lock-screen' | 'stop';

/** Options of {@link WalletService}. */
export interface WalletServiceOptions {
  /** The node's data dir; the keystore is `<dataDir>/wallet/keystore.json`. */
  dataDir: string;
  /** Lock after this long without a wallet call. Default 10 minutes. */
  autoLockMs?: number;
  /** scrypt cost for new keystores. Default N=2^17, r=8, p=1. */
  kdf?: ScryptParams;
  /** Tests only: allow N below 2^17 so suites stay fast. The shipped default never sets it. */
  allowWeakKdf?: boolean;
  /** How long a send preview stays valid. Default 2 minutes. */
  previewTtlMs?: number;
}

/** Events the wallet emits (`wallet.locked`, `wallet.unlocked`, `wallet.changed`). */
export type WalletEvent =
  | { name: 'wallet.locked'; payload: { reason: LockReason } }
  | { name: 'wallet.unlocked'; payload: { autoLockAtMs: number } }
  | { name: 'wallet.changed'; payload: { accounts: number } };

/** Timer functions (injected so tests drive time). */
export interface WalletTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** What the wallet uses. Narrow on purpose: see CONTRIBUTING "Module shape". */
export interface WalletServiceDeps {
  /** Runs scrypt/PBKDF2 off the main thread (`WorkerKdfRunner`). */
  kdf: KdfRunner;
  /** Cryptographically secure random bytes (node:crypto randomBytes). */
  random: (bytes: number) => Uint8Array;
  now: () => number;
  timers: WalletTimers;
  emit?: (event: WalletEvent) => void;
  /** The ledger (balances, nonces, history, submit); absent until the node driver is composed. */
  ledger?: WalletLedger;
  /** The chain's transfer builder; absent until `main/chain/tx.ts` is wired. */
  tx?: TransferTxCodec;
}

/** One account as the UI sees it (no secrets). */
export interface WalletAccountView {
  /** EIP-55 checksummed. */
  address: string;
  type: 'hd' | 'imported';
  /** BIP44 index for `hd` accounts. */
  index: number | null;
  label: string | null;
  path: string | null;
}

/** The wallet's state as the UI sees it. */
export interface WalletStatusView {
  /** none: no keystore; damaged: the keystore cannot be read (see `problem`). */
  state: 'none' | 'locked' | 'unlocked' | 'damaged';
  problem: { code: string; message: string } | null;
  hasMnemonic: boolean;
  hasPassphrase: boolean;
  accounts: WalletAccountView[];
  autoLockMs: number;
  /** When the wallet will lock itself (ms since the epoch), while unlocked. */
  autoLockAtMs: number | null;
  kdf: ScryptParams | null;
}

/** A transfer ready to confirm: what the confirmation dialog shows. */
export interface SendPreview {
  previewId: string;
  chainId: string;
  from: Address;
  to: Address;
  amount: bigint;
  fee: bigint;
  nonce: number;
  total: bigint;
  balance: bigint;
  expiresAtMs: number;
}

interface Unlocked {
  /** The 64-byte keystore key (AES half + check half): re-sealing after a change needs no new KDF run. */
  derivedKey: Uint8Array;
  secrets: WalletSecrets;
  master: HDKey | null;
  keys: Map<Address, Uint8Array>;
}

const DEFAULT_AUTO_LOCK_MS = 10 * 60_000;
const MAX_HD_ACCOUNTS = 1000;

/**
 * The store's wallet: a BIP39/BIP32 HD wallet plus imported single keys, in an encrypted keystore
 * in the data dir. Keys live only in this object while unlocked; `lock()` wipes them. Every call
 * counts as activity for the auto-lock timer. The node's validator key is not here (the ledger keeps
 * its own key file).
 *
 * @example
 * const w = new WalletService({ dataDir }, { kdf: new WorkerKdfRunner({ workerFile: workerPath('kdf') }), random: randomBytes, now: Date.now, timers: globalThis });
 * await w.start(); await w.create({ words: 12, password: 'correct horse' }); await w.lock('user');
 */
export class WalletService {
  private readonly file: string;
  private readonly autoLockMs: number;
  private readonly kdfParams: ScryptParams;
  private readonly previewTtlMs: number;
  private unlocked: Unlocked | null = null;
  private idleTimer: unknown = null;
  private autoLockAtMs: number | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly previews = new Map<string, SendPreview>();

  constructor(
    private readonly options: WalletServiceOptions,
    private readonly deps: WalletServiceDeps,
  ) {
    this.file = keystorePath(options.dataDir);
    this.autoLockMs = options.autoLockMs ?? DEFAULT_AUTO_LOCK_MS;
    if (!Number.isInteger(this.autoLockMs) || this.autoLockMs < 1000) {
      throw new WalletError(
        'BAD_ARGUMENT',
        `auto-lock time must be at least 1000 ms, got ${this.autoLockMs}`,
      );
    }
    this.kdfParams = options.kdf ?? DEFAULT_SCRYPT;
    if (this.kdfParams.N < MIN_SCRYPT_N && !options.allowWeakKdf) {
      throw new WalletError(
        'KDF_PARAMS',
        `scrypt N must be at least ${MIN_SCRYPT_N} (2^17) for a wallet keystore, got ${this.kdfParams.N}`,
      );
    }
    checkKdfRequest(keystoreKdfRequest(this.kdfParams, new Uint8Array(32), new Uint8Array(0)));
    this.previewTtlMs = options.previewTtlMs ?? 120_000;
  }

  /** Nothing to open: the keystore is read on demand. */
  async start(): Promise<void> {}

  /** Locks the wallet (wiping keys) and cancels the auto-lock timer. */
  async stop(): Promise<void> {
    this.lock('stop');
  }

  /** Where the keystore lives. */
  get keystoreFile(): string {
    return this.file;
  }

  /** The wallet's state; never throws (a damaged keystore is reported in `problem`). */
  status(): WalletStatusView {
    const base = { autoLockMs: this.autoLockMs, autoLockAtMs: this.unlocked ? this.autoLockAtMs : null };
    if (!keystoreExists(this.file)) {
      return {
        ...base,
        state: 'none',
        problem: null,
        hasMnemonic: false,
        hasPassphrase: false,
        accounts: [],
        kdf: null,
      };
    }
    let ks: KeystoreFile;
    try {
      ks = readKeystoreFile(this.file);
    } catch (err) {
      const e = err instanceof WalletError ? err : new WalletError('KEYSTORE_IO', String(err));
      return {
        ...base,
        state: 'damaged',
        problem: { code: e.code, message: e.message },
        hasMnemonic: false,
        hasPassphrase: false,
        accounts: [],
        kdf: null,
      };
    }
    return {
      ...base,
      state: this.unlocked ? 'unlocked' : 'locked',
      problem: null,
      hasMnemonic: ks.hasMnemonic,
      hasPassphrase: ks.hasPassphrase,
      accounts: ks.accounts.map(accountView),
      kdf: { N: ks.kdf.N, r: ks.kdf.r, p: ks.kdf.p },
    };
  }

  /** Is the wallet unlocked? */
  isUnlocked(): boolean {
    return this.unlocked !== null;
  }

  /**
   * Creates a new wallet with a fresh mnemonic (12 or 24 words) and leaves it unlocked. Returns the
   * mnemonic once, for the CLI to print; the API handler does not pass it on (the UI shows it through
   * `revealMnemonic`, which asks for the password again).
   */
  async create(input: {
    words: MnemonicWords;
    password: string;
  }): Promise<{ mnemonic: string; status: WalletStatusView }> {
    return this.exclusive(async () => {
      this.refuseIfExists();
      checkPassword(input.password);
      if (input.words !== 12 && input.words !== 24)
        throw new WalletError('BAD_ARGUMENT', `a new wallet has 12 or 24 words, got ${String(input.words)}`);
      const entropy = this.deps.random(entropyBytesFor(input.words));
      const mnemonic = mnemonicFromEntropy(entropy);
      await this.createFrom({ entropy, passphrase: '', password: input.password, accountCount: 1 });
      return { mnemonic, status: this.status() };
    });
  }

  /** Imports a mnemonic (with an optional BIP39 passphrase) as the wallet and leaves it unlocked. */
  async importMnemonic(input: {
    mnemonic: string;
    passphrase?: string;
    password: string;
    accounts?: number;
  }): Promise<WalletStatusView> {
    return this.exclusive(async () => {
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
      return this.status();
    });
  }

  /**
   * Unlocks with the wallet password (and the BIP39 passphrase, when the wallet has one). Key
   * derivation runs in the KDF worker. Throws `WRONG_PASSWORD`, `PASSPHRASE_REQUIRED`,
   * `WRONG_PASSPHRASE`, or the keystore's damage errors; nothing changes on any error.
   */
  async unlock(input: { password: string; passphrase?: string }): Promise<WalletStatusView> {
    return this.exclusive(async () => {
      const ks = readKeystoreFile(this.file);
      const { derivedKey, secrets } = await this.open(ks, input.password);
      try {
        const state = await this.materialize(ks, derivedKey, secrets, input.passphrase ?? '');
        this.wipe();
        this.unlocked = state;
      } catch (err) {
        derivedKey.fill(0);
        wipeSecrets(secrets);
        throw err;
      }
      this.armIdleTimer();
      this.emit({ name: 'wallet.unlocked', payload: { autoLockAtMs: this.autoLockAtMs ?? 0 } });
      return this.status();
    });
  }

  /** Locks now: wipes every key from memory. Idempotent. */
  lock(reason: LockReason): WalletStatusView {
    this.previews.clear();
    if (this.idleTimer !== null) this.deps.timers.clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.autoLockAtMs = null;
    if (this.unlocked) {
      this.wipe();
      this.emit({ name: 'wallet.locked', payload: { reason } });
    }
    return this.status();
  }

  /** The Electron host calls this on system suspend and on screen lock. */
  onLockRequest(reason: 'suspend' | 'lock-screen'): void {
    this.lock(reason);
  }

  /**
   * Counts as activity: pushes the auto-lock back. Calls a person makes on purpose do this (unlock,
   * send, reveal, add account); reads the UI may poll (status, balance, history) do not, or polling
   * would keep the wallet open forever.
   */
  touch(): void {
    if (this.unlocked) this.armIdleTimer();
  }

  /** Accounts (no secrets). */
  accounts(): WalletAccountView[] {
    return this.status().accounts;
  }

  /**
   * Derives a BIP44 account and saves it in the keystore: the next free index, or `index` when given.
   * Needs the wallet unlocked. Returns the existing account if `index` is already there.
   */
  async addAccount(input: { index?: number } = {}): Promise<WalletAccountView> {
    return this.exclusive(async () => {
      const u = this.requireUnlocked();
      if (!u.master)
        throw new WalletError(
          'BAD_ARGUMENT',
          'this wallet has no recovery phrase (only imported keys), so it cannot derive new accounts',
        );
      const ks = readKeystoreFile(this.file);
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
      this.emit({ name: 'wallet.changed', payload: { accounts: accounts.length } });
      return accountView(account);
    });
  }

  /**
   * The EIP-55 address of HD account `index`. A stored account is read from the keystore's clear
   * list; a new index is derived and saved, which needs the wallet unlocked.
   */
  async addressAt(index: number): Promise<string> {
    const known = this.status().accounts.find((a) => a.type === 'hd' && a.index === index);
    if (known) return known.address;
    return (await this.addAccount({ index })).address;
  }

  /** The mnemonic, for the backup view. Asks for the password again even when unlocked. */
  async revealMnemonic(input: { password: string }): Promise<string> {
    return this.exclusive(async () => {
      const ks = readKeystoreFile(this.file);
      const { derivedKey, secrets } = await this.open(ks, input.password);
      derivedKey.fill(0);
      try {
        if (!secrets.entropy)
          throw new WalletError(
            'BAD_ARGUMENT',
            'this wallet has no recovery phrase (it holds imported keys only)',
          );
        this.touch();
        return mnemonicFromEntropy(secrets.entropy);
      } finally {
        wipeSecrets(secrets);
      }
    });
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
  }): Promise<WalletAccountView> {
    return this.exclusive(async () => {
      const w3 = parseWeb3Keystore(input.json);
      const dk = await this.deps.kdf.derive(web3KdfRequest(w3, input.filePassword));
      let key: { privateKey: Uint8Array; address: Address };
      try {
        key = web3Decrypt(w3, dk);
      } finally {
        dk.fill(0);
      }
      const label = input.label?.slice(0, 200);
      if (!keystoreExists(this.file)) {
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
        const account: KeystoreAccount = label
          ? { type: 'imported', address: key.address, label }
          : { type: 'imported', address: key.address };
        await this.createSealed(secrets, [account], false, input.password);
        this.emit({ name: 'wallet.changed', payload: { accounts: 1 } });
        return accountView(account);
      }
      const u = this.requireUnlocked();
      const ks = readKeystoreFile(this.file);
      if (ks.accounts.some((a) => a.address === key.address)) {
        key.privateKey.fill(0);
        throw new WalletError(
          'BAD_ARGUMENT',
          `account ${toChecksumAddress(key.address)} is already in the wallet`,
        );
      }
      const account: KeystoreAccount = label
        ? { type: 'imported', address: key.address, label }
        : { type: 'imported', address: key.address };
      const secrets: WalletSecrets = {
        entropy: u.secrets.entropy,
        imported: [...u.secrets.imported, { address: key.address, privateKey: key.privateKey }],
      };
      this.reseal(ks, u, [...ks.accounts, account], secrets);
      u.secrets = secrets;
      u.keys.set(key.address, key.privateKey);
      this.emit({ name: 'wallet.changed', payload: { accounts: ks.accounts.length + 1 } });
      return accountView(account);
    });
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
    return this.exclusive(async () => {
      const address = parseAddress(input.address);
      checkPassword(input.exportPassword);
      const ks = readKeystoreFile(this.file);
      const { derivedKey, secrets } = await this.open(ks, input.password);
      let state: Unlocked;
      try {
        state = await this.materialize(ks, derivedKey, secrets, input.passphrase ?? '');
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
        const kdf = input.kdf ?? this.kdfParams;
        if (kdf.N < MIN_SCRYPT_N && !this.options.allowWeakKdf)
          throw new WalletError('KDF_PARAMS', `export scrypt N must be at least ${MIN_SCRYPT_N}`);
        const salt = this.deps.random(32);
        const dk = await this.deps.kdf.derive({
          alg: 'scrypt',
          password: new TextEncoder().encode(input.exportPassword),
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
      } finally {
        wipeState(state);
      }
    });
  }

  /** Balance of an account of this wallet, in base units. */
  async balance(address: string): Promise<bigint> {
    return this.requireLedger().balance(parseAddress(address));
  }

  /** A page of history, newest first. */
  async history(address: string, opts: { limit: number; before?: string }): Promise<LedgerHistoryPage> {
    return this.requireLedger().history(parseAddress(address), opts);
  }

  /** Up to `maxRows` history rows of `address` as CSV (RFC 4180). */
  async historyCsv(address: string, maxRows = 10_000): Promise<string> {
    const addr = parseAddress(address);
    const ledger = this.requireLedger();
    const items: LedgerHistoryPage['items'] = [];
    let before: string | undefined;
    while (items.length < maxRows) {
      const page = await ledger.history(addr, {
        limit: Math.min(500, maxRows - items.length),
        ...(before ? { before } : {}),
      });
      items.push(...page.items);
      if (!page.nextCursor || page.items.length === 0) break;
      before = page.nextCursor;
    }
    return historyToCsv(addr, items);
  }

  /**
   * Step 1 of a send: checks the recipient (EIP-55), the amount and the balance, and fixes the fee and
   * nonce. Returns what the confirmation shows; `send({ previewId })` signs exactly that.
   */
  async previewSend(input: { from: string; to: string; amount: bigint; fee?: bigint }): Promise<SendPreview> {
    this.touch();
    const u = this.requireUnlocked();
    const from = parseAddress(input.from);
    const to = parseAddress(input.to);
    if (!u.keys.has(from))
      throw new WalletError('UNKNOWN_ACCOUNT', `account ${toChecksumAddress(from)} is not in this wallet`);
    if (input.amount <= 0n)
      throw new WalletError('BAD_AMOUNT', `the amount must be more than 0, got ${input.amount}`);
    if (to === from)
      throw new WalletError(
        'BAD_AMOUNT',
        'the recipient is the sending account itself; choose another address',
      );
    const ledger = this.requireLedger();
    this.requireTx();
    const [params, balance, nonce] = await Promise.all([
      ledger.params(),
      ledger.balance(from),
      ledger.nonce(from),
    ]);
    const fee = input.fee ?? params.minTxFee;
    if (fee < params.minTxFee)
      throw new WalletError('BAD_AMOUNT', `the fee must be at least ${params.minTxFee}, got ${fee}`);
    const total = input.amount + fee;
    if (total > balance) {
      throw new WalletError(
        'BAD_AMOUNT',
        `not enough tokens: sending ${input.amount} plus fee ${fee} needs ${total}, the balance is ${balance}`,
        { balance: balance.toString(), total: total.toString() },
      );
    }
    this.dropExpiredPreviews();
    const preview: SendPreview = {
      previewId: bytesToHex(this.deps.random(16)),
      chainId: params.chainId,
      from,
      to,
      amount: input.amount,
      fee,
      nonce,
      total,
      balance,
      expiresAtMs: this.deps.now() + this.previewTtlMs,
    };
    this.previews.set(preview.previewId, preview);
    return preview;
  }

  /** Step 2 of a send: signs the previewed transfer and submits it. The preview is used once. */
  async send(input: { previewId: string }): Promise<{ txHash: Hex; preview: SendPreview }> {
    this.touch();
    const u = this.requireUnlocked();
    this.dropExpiredPreviews();
    const p = this.previews.get(input.previewId);
    if (!p)
      throw new WalletError(
        'PREVIEW_EXPIRED',
        'this transfer preview is unknown or expired (previews last 2 minutes and are cleared on lock); review the transfer again',
      );
    this.previews.delete(input.previewId);
    const key = u.keys.get(p.from);
    if (!key)
      throw new WalletError('UNKNOWN_ACCOUNT', `account ${toChecksumAddress(p.from)} is not in this wallet`);
    const signed = this.requireTx().signTransfer(
      { chainId: p.chainId, from: p.from, to: p.to, amount: p.amount, fee: p.fee, nonce: p.nonce },
      key,
    );
    try {
      const { txHash } = await this.requireLedger().submit(signed.bytes);
      return { txHash, preview: p };
    } catch (err) {
      if (err instanceof WalletError) throw err;
      const e = err as { code?: string; message?: string };
      throw new WalletError(
        'LEDGER_UNAVAILABLE',
        `the ledger did not accept the transfer: ${e.message ?? String(err)}`,
        { ledgerCode: e.code ?? null },
      );
    }
  }

  /**
   * Signs a 32-byte hash with an account's key (for the chain's builders that take a signing
   * callback). Needs the wallet unlocked.
   */
  privateKeyUse<T>(address: string, use: (privateKey: Uint8Array) => T): T {
    const u = this.requireUnlocked();
    const key = u.keys.get(parseAddress(address));
    if (!key) throw new WalletError('UNKNOWN_ACCOUNT', `account ${address} is not in this wallet`);
    this.touch();
    return use(key);
  }

  // ---------------------------------------------------------------------------------------------

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
    writeKeystoreFile(this.file, ks);
    this.wipe();
    this.unlocked = await this.materialize(ks, derivedKey, secrets, passphrase);
    this.armIdleTimer();
    this.emit({ name: 'wallet.unlocked', payload: { autoLockAtMs: this.autoLockAtMs ?? 0 } });
  }

  private async open(
    ks: KeystoreFile,
    password: string,
  ): Promise<{ derivedKey: Uint8Array; secrets: WalletSecrets }> {
    if (typeof password !== 'string' || password.length === 0)
      throw new WalletError('WRONG_PASSWORD', 'wallet password is wrong (the keystore is unchanged)');
    const derivedKey = await this.deps.kdf.derive(
      keystoreKdfRequest(
        { N: ks.kdf.N, r: ks.kdf.r, p: ks.kdf.p },
        hexBytes(ks.kdf.salt),
        passwordBytes(password),
      ),
    );
    try {
      return { derivedKey, secrets: openKeystore(ks, derivedKey) };
    } catch (err) {
      derivedKey.fill(0);
      throw err;
    }
  }

  /** Derives every account's key and checks them against the clear list (this is where a wrong BIP39 passphrase shows). */
  private async materialize(
    ks: KeystoreFile,
    derivedKey: Uint8Array,
    secrets: WalletSecrets,
    passphrase: string,
  ): Promise<Unlocked> {
    const keys = new Map<Address, Uint8Array>();
    let master: HDKey | null = null;
    if (secrets.entropy) {
      if (ks.hasPassphrase && passphrase === '') {
        throw new WalletError(
          'PASSPHRASE_REQUIRED',
          'this wallet was made with a BIP39 passphrase; enter it too (it is not stored anywhere)',
        );
      }
      const seed = await this.deps.kdf.derive(
        bip39SeedRequest(mnemonicFromEntropy(secrets.entropy), passphrase),
      );
      master = masterKey(seed);
      seed.fill(0);
      for (const a of ks.accounts) {
        if (a.type !== 'hd') continue;
        const d = deriveAccount(master, a.index);
        if (d.address !== a.address) {
          d.privateKey.fill(0);
          for (const k of keys.values()) k.fill(0);
          master.wipePrivateData();
          throw ks.hasPassphrase || passphrase !== ''
            ? new WalletError(
                'WRONG_PASSPHRASE',
                'the BIP39 passphrase is wrong: it opens a different wallet than the one stored (nothing was changed)',
              )
            : new WalletError(
                'KEYSTORE_TAMPERED',
                `account ${a.index} in the keystore does not match the recovery phrase; restore the keystore from a backup`,
              );
        }
        keys.set(d.address, d.privateKey);
      }
    }
    for (const k of secrets.imported) {
      if (privateKeyToAddress(k.privateKey) !== k.address)
        throw new WalletError(
          'KEYSTORE_TAMPERED',
          `imported key ${k.address} does not match its address; restore the keystore from a backup`,
        );
      keys.set(k.address, k.privateKey);
    }
    return { derivedKey, secrets, master, keys };
  }

  private reseal(ks: KeystoreFile, u: Unlocked, accounts: KeystoreAccount[], secrets: WalletSecrets): void {
    const next = sealKeystore({
      id: hexBytes(ks.id),
      salt: hexBytes(ks.kdf.salt),
      kdf: { N: ks.kdf.N, r: ks.kdf.r, p: ks.kdf.p },
      derivedKey: u.derivedKey,
      nonce: this.deps.random(12),
      secrets,
      hasPassphrase: ks.hasPassphrase,
      accounts,
    });
    writeKeystoreFile(this.file, next);
  }

  private refuseIfExists(): void {
    if (keystoreExists(this.file)) {
      throw new WalletError(
        'WALLET_EXISTS',
        `a wallet already exists in this data dir (${this.file}); it was not changed. Use another data dir, or move the file away first if you really mean to replace it`,
      );
    }
  }

  private requireUnlocked(): Unlocked {
    if (!this.unlocked) {
      if (!keystoreExists(this.file))
        throw new WalletError('NO_WALLET', 'there is no wallet yet; create or import one');
      throw new WalletError('LOCKED', 'the wallet is locked; unlock it with its password');
    }
    return this.unlocked;
  }

  private requireLedger(): WalletLedger {
    if (!this.deps.ledger)
      throw new WalletError(
        'LEDGER_UNAVAILABLE',
        'the ledger is not available in this process yet (the node is not running or not synced); try again once it is',
      );
    return this.deps.ledger;
  }

  private requireTx(): TransferTxCodec {
    if (!this.deps.tx)
      throw new WalletError(
        'LEDGER_UNAVAILABLE',
        'transfers cannot be signed yet: the chain transaction builder is not wired into this node',
      );
    return this.deps.tx;
  }

  private armIdleTimer(): void {
    if (this.idleTimer !== null) this.deps.timers.clearTimeout(this.idleTimer);
    this.autoLockAtMs = this.deps.now() + this.autoLockMs;
    this.idleTimer = this.deps.timers.setTimeout(() => {
      this.idleTimer = null;
      this.lock('idle');
    }, this.autoLockMs);
  }

  private wipe(): void {
    if (this.unlocked) wipeState(this.unlocked);
    this.unlocked = null;
  }

  private dropExpiredPreviews(): void {
    const now = this.deps.now();
    for (const [id, p] of this.previews) if (p.expiresAtMs <= now) this.previews.delete(id);
  }

  private emit(e: WalletEvent): void {
    this.deps.emit?.(e);
  }

  /** Runs keystore-changing operations one at a time, so two never interleave their read-modify-write. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function accountView(a: KeystoreAccount): WalletAccountView {
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

function wipeSecrets(s: WalletSecrets): void {
  s.entropy?.fill(0);
  for (const k of s.imported) k.privateKey.fill(0);
}

function wipeState(u: Unlocked): void {
  u.derivedKey.fill(0);
  for (const k of u.keys.values()) k.fill(0);
  wipeSecrets(u.secrets);
  u.master?.wipePrivateData();
  u.keys.clear();
}

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}
