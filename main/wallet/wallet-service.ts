/**
 * What does the rest of the node call on the wallet? `WalletService` is the facade the composition
 * root builds and the API handlers call: it wires the session (unlocked keys and auto-lock), the
 * vault (the keystore's contents) and the transfers (balance, history, send), and runs
 * keystore-changing calls one at a time.
 */
import type { LockReason, WalletAccount, WalletEvent, WalletStatus } from '../contract/wallet';
import type { Hex } from '../chain/types';
import type { KdfRunner, ScryptParams } from './kdf';
import type { MnemonicWords } from './keys';
import { keystorePath } from './keystore-file';
import type { LedgerHistoryPage, TransferTxCodec, WalletLedger } from './ledger';
import { type SendPreview, WalletTransfers } from './wallet-transfers';
import { WalletSession, type WalletTimers } from './wallet-session';
import { WalletVault } from './wallet-vault';

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

/** What the wallet uses. Narrow on purpose: see CONTRIBUTING "Module shape". */
export interface WalletServiceDeps {
  /** Runs scrypt/PBKDF2 off the main thread (`WorkerKdfRunner`). */
  kdf: KdfRunner;
  /** Cryptographically secure random bytes (node:crypto randomBytes). */
  random: (bytes: number) => Uint8Array;
  now: () => number;
  timers: WalletTimers;
  /** Receives `wallet.locked`, `wallet.unlocked` and `wallet.changed` (the contract's `walletEvents`). */
  emit?: (event: WalletEvent) => void;
  /** The ledger (balances, nonces, history, submit); absent until the node driver is composed. */
  ledger?: WalletLedger;
  /** The chain's transfer codec (`chainTransferCodec`, `main/wallet/signer.ts`); without it, sending is refused. */
  tx?: TransferTxCodec;
}

/**
 * The store's wallet: a BIP39/BIP32 HD wallet plus imported single keys, in an encrypted keystore
 * in the data dir. Keys live only in memory while unlocked; `lock()` wipes them. Calls a person
 * makes on purpose count as activity for the auto-lock timer. The node's validator key is not here
 * (the ledger keeps its own key file).
 *
 * @example
 * const w = new WalletService({ dataDir }, { kdf: new WorkerKdfRunner({ workerFile: workerPath('kdf') }), random: randomBytes, now: Date.now, timers: globalThis });
 * await w.start(); await w.create({ words: 12, password: 'correct horse' }); await w.lock('user');
 */
export class WalletService {
  private readonly file: string;
  private readonly session: WalletSession;
  private readonly vault: WalletVault;
  private readonly transfers: WalletTransfers;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: WalletServiceOptions, deps: WalletServiceDeps) {
    this.file = keystorePath(options.dataDir);
    const emit = (e: WalletEvent): void => deps.emit?.(e);
    this.session = new WalletSession(
      { file: this.file, autoLockMs: options.autoLockMs },
      {
        kdf: deps.kdf,
        now: deps.now,
        timers: deps.timers,
        emit,
        onLock: () => this.transfers.clearPreviews(),
      },
    );
    this.vault = new WalletVault(
      { file: this.file, kdf: options.kdf, allowWeakKdf: options.allowWeakKdf },
      { kdf: deps.kdf, random: deps.random, emit, session: this.session },
    );
    this.transfers = new WalletTransfers(
      { previewTtlMs: options.previewTtlMs },
      {
        random: deps.random,
        now: deps.now,
        session: this.session,
        ledger: deps.ledger,
        tx: deps.tx,
      },
    );
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
  status(): WalletStatus {
    return this.vault.status();
  }

  /** Is the wallet unlocked? */
  isUnlocked(): boolean {
    return this.session.isUnlocked();
  }

  /**
   * Creates a new wallet with a fresh mnemonic (12 or 24 words) and leaves it unlocked. Returns the
   * mnemonic once, for the CLI to print; the API handler does not pass it on (the UI shows it through
   * `revealMnemonic`, which asks for the password again).
   */
  async create(input: {
    words: MnemonicWords;
    password: string;
  }): Promise<{ mnemonic: string; status: WalletStatus }> {
    return this.exclusive(async () => {
      const mnemonic = await this.vault.create(input);
      return { mnemonic, status: this.status() };
    });
  }

  /** Imports a mnemonic (with an optional BIP39 passphrase) as the wallet and leaves it unlocked. */
  async importMnemonic(input: {
    mnemonic: string;
    passphrase?: string;
    password: string;
    accounts?: number;
  }): Promise<WalletStatus> {
    return this.exclusive(async () => {
      await this.vault.importMnemonic(input);
      return this.status();
    });
  }

  /**
   * Unlocks with the wallet password (and the BIP39 passphrase, when the wallet has one). Key
   * derivation runs in the KDF worker. Throws `WRONG_PASSWORD`, `PASSPHRASE_REQUIRED`,
   * `WRONG_PASSPHRASE`, or the keystore's damage errors; nothing changes on any error.
   */
  async unlock(input: { password: string; passphrase?: string }): Promise<WalletStatus> {
    return this.exclusive(async () => {
      await this.session.unlock(input);
      return this.status();
    });
  }

  /** Locks now: wipes every key from memory. Idempotent. */
  lock(reason: LockReason): WalletStatus {
    this.session.lock(reason);
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
    this.session.touch();
  }

  /** Accounts (no secrets). */
  accounts(): WalletAccount[] {
    return this.status().accounts;
  }

  /**
   * Derives a BIP44 account and saves it in the keystore: the next free index, or `index` when given.
   * Needs the wallet unlocked. Returns the existing account if `index` is already there.
   */
  async addAccount(input: { index?: number } = {}): Promise<WalletAccount> {
    return this.exclusive(() => this.vault.addAccount(input));
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
    return this.exclusive(() => this.vault.revealMnemonic(input));
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
    return this.exclusive(() => this.vault.importWeb3Keystore(input));
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
    return this.exclusive(() => this.vault.exportWeb3Keystore(input));
  }

  /** Balance of an account of this wallet, in base units. */
  async balance(address: string): Promise<bigint> {
    return this.transfers.balance(address);
  }

  /** A page of history, newest first. */
  async history(address: string, opts: { limit: number; before?: string }): Promise<LedgerHistoryPage> {
    return this.transfers.history(address, opts);
  }

  /** Up to `maxRows` history rows of `address` as CSV (RFC 4180). */
  async historyCsv(address: string, maxRows = 10_000): Promise<string> {
    return this.transfers.historyCsv(address, maxRows);
  }

  /**
   * Step 1 of a send: checks the recipient (EIP-55), the amount and the balance, and fixes the fee and
   * nonce. Returns what the confirmation shows; `send({ previewId })` signs exactly that.
   */
  async previewSend(input: { from: string; to: string; amount: bigint; fee?: bigint }): Promise<SendPreview> {
    return this.transfers.previewSend(input);
  }

  /** Step 2 of a send: signs the previewed transfer and submits it. The preview is used once. */
  async send(input: { previewId: string }): Promise<{ txHash: Hex; preview: SendPreview }> {
    return this.transfers.send(input);
  }

  /**
   * Signs a 32-byte hash with an account's key (for the chain's builders that take a signing
   * callback). Needs the wallet unlocked.
   */
  privateKeyUse<T>(address: string, use: (privateKey: Uint8Array) => T): T {
    return this.session.privateKeyUse(address, use);
  }

  /** Runs keystore-changing operations one at a time, so two never interleave their read-modify-write. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
