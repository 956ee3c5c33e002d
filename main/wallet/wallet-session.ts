/**
 * How long are the wallet's keys in memory? The session turns the keystore and its password into
 * the unlocked keys, holds them, and wipes them on lock: by hand, after the idle time, on suspend or
 * screen lock, and on stop.
 */
import type { HDKey } from '@scure/bip32';
import { hexToBytes } from '@noble/hashes/utils.js';
import type { LockReason, WalletEvent } from '../contract/wallet';
import type { Address } from '../chain/types';
import { parseAddress, privateKeyToAddress } from './address';
import { WalletError } from './errors';
import { type KdfRunner, passwordBytes } from './kdf';
import { bip39SeedRequest, deriveAccount, masterKey, mnemonicFromEntropy } from './keys';
import { type KeystoreFile, keystoreKdfRequest, openKeystore, type WalletSecrets } from './keystore';
import { keystoreExists, readKeystoreFile } from './keystore-file';

/** Timer functions (injected so tests drive time). */
export interface WalletTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The wallet while unlocked: every key, and what re-sealing the keystore needs. */
export interface UnlockedWallet {
  /** The 64-byte keystore key (AES half + check half): re-sealing after a change needs no new KDF run. */
  derivedKey: Uint8Array;
  secrets: WalletSecrets;
  master: HDKey | null;
  keys: Map<Address, Uint8Array>;
}

/** Options of {@link WalletSession}. */
export interface WalletSessionOptions {
  /** The keystore file (`keystorePath(dataDir)`). */
  file: string;
  /** Lock after this long without a wallet call. Default 10 minutes. */
  autoLockMs?: number;
}

/** What the session uses. */
export interface WalletSessionDeps {
  kdf: KdfRunner;
  now: () => number;
  timers: WalletTimers;
  emit: (event: WalletEvent) => void;
  /** Runs at the start of every lock, unlocked or not (the transfers drop their previews). */
  onLock: () => void;
}

const DEFAULT_AUTO_LOCK_MS = 10 * 60_000;

/**
 * The unlocked keys' lifetime: unlock, lock, the auto-lock timer. Keys live only in this object
 * while unlocked; `lock()` wipes them. Emits `wallet.unlocked` and `wallet.locked`.
 */
export class WalletSession {
  /** Lock after this long without a call that counts as activity. */
  readonly autoLockMs: number;
  private unlocked: UnlockedWallet | null = null;
  private idleTimer: unknown = null;
  private autoLockAtMs: number | null = null;

  constructor(
    private readonly options: WalletSessionOptions,
    private readonly deps: WalletSessionDeps,
  ) {
    this.autoLockMs = options.autoLockMs ?? DEFAULT_AUTO_LOCK_MS;
    if (!Number.isInteger(this.autoLockMs) || this.autoLockMs < 1000) {
      throw new WalletError(
        'BAD_ARGUMENT',
        `auto-lock time must be at least 1000 ms, got ${this.autoLockMs}`,
      );
    }
  }

  /** Is the wallet unlocked? */
  isUnlocked(): boolean {
    return this.unlocked !== null;
  }

  /** When the wallet will lock itself (ms since the epoch); null while locked. */
  autoLockAt(): number | null {
    return this.unlocked ? this.autoLockAtMs : null;
  }

  /**
   * Unlocks with the wallet password (and the BIP39 passphrase, when the wallet has one). Throws
   * `WRONG_PASSWORD`, `PASSPHRASE_REQUIRED`, `WRONG_PASSPHRASE`, or the keystore's damage errors;
   * nothing changes on any error.
   */
  async unlock(input: { password: string; passphrase?: string }): Promise<void> {
    const ks = readKeystoreFile(this.options.file);
    const { derivedKey, secrets } = await openWithPassword(this.deps.kdf, ks, input.password);
    try {
      const state = await unlockKeys(this.deps.kdf, ks, derivedKey, secrets, input.passphrase ?? '');
      this.wipe();
      this.unlocked = state;
    } catch (err) {
      derivedKey.fill(0);
      wipeSecrets(secrets);
      throw err;
    }
    this.began();
  }

  /** Unlocks a keystore just written, with the key that sealed it (a new wallet starts unlocked). */
  async unlockNew(
    ks: KeystoreFile,
    derivedKey: Uint8Array,
    secrets: WalletSecrets,
    passphrase: string,
  ): Promise<void> {
    this.wipe();
    this.unlocked = await unlockKeys(this.deps.kdf, ks, derivedKey, secrets, passphrase);
    this.began();
  }

  /** Locks now: wipes every key from memory. Idempotent. */
  lock(reason: LockReason): void {
    this.deps.onLock();
    if (this.idleTimer !== null) this.deps.timers.clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.autoLockAtMs = null;
    if (this.unlocked) {
      this.wipe();
      this.deps.emit({ name: 'wallet.locked', payload: { reason } });
    }
  }

  /** Counts as activity: pushes the auto-lock back (see `WalletService.touch`). */
  touch(): void {
    if (this.unlocked) this.armIdleTimer();
  }

  /** The unlocked keys; throws `NO_WALLET` or `LOCKED` otherwise. */
  requireUnlocked(): UnlockedWallet {
    if (!this.unlocked) {
      if (!keystoreExists(this.options.file))
        throw new WalletError('NO_WALLET', 'there is no wallet yet; create or import one');
      throw new WalletError('LOCKED', 'the wallet is locked; unlock it with its password');
    }
    return this.unlocked;
  }

  /** Lends an account's private key to `use` (for the chain's builders that take a signing callback). */
  privateKeyUse<T>(address: string, use: (privateKey: Uint8Array) => T): T {
    const u = this.requireUnlocked();
    const key = u.keys.get(parseAddress(address));
    if (!key) throw new WalletError('UNKNOWN_ACCOUNT', `account ${address} is not in this wallet`);
    this.touch();
    return use(key);
  }

  private began(): void {
    this.armIdleTimer();
    this.deps.emit({ name: 'wallet.unlocked', payload: { autoLockAtMs: this.autoLockAtMs ?? 0 } });
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
    if (this.unlocked) wipeUnlocked(this.unlocked);
    this.unlocked = null;
  }
}

/**
 * Runs the keystore's KDF on `password` (in the KDF worker) and decrypts the secrets. Throws
 * `WRONG_PASSWORD` (or the keystore's damage errors); the caller wipes what it gets back.
 */
export async function openWithPassword(
  kdf: KdfRunner,
  ks: KeystoreFile,
  password: string,
): Promise<{ derivedKey: Uint8Array; secrets: WalletSecrets }> {
  if (typeof password !== 'string' || password.length === 0)
    throw new WalletError('WRONG_PASSWORD', 'wallet password is wrong (the keystore is unchanged)');
  const derivedKey = await kdf.derive(
    keystoreKdfRequest(
      { N: ks.kdf.N, r: ks.kdf.r, p: ks.kdf.p },
      hexToBytes(ks.kdf.salt),
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
export async function unlockKeys(
  kdf: KdfRunner,
  ks: KeystoreFile,
  derivedKey: Uint8Array,
  secrets: WalletSecrets,
  passphrase: string,
): Promise<UnlockedWallet> {
  const keys = new Map<Address, Uint8Array>();
  let master: HDKey | null = null;
  if (secrets.entropy) {
    if (ks.hasPassphrase && passphrase === '') {
      throw new WalletError(
        'PASSPHRASE_REQUIRED',
        'this wallet was made with a BIP39 passphrase; enter it too (it is not stored anywhere)',
      );
    }
    const seed = await kdf.derive(bip39SeedRequest(mnemonicFromEntropy(secrets.entropy), passphrase));
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

/** Zeroes the decrypted secrets (entropy and imported keys). */
export function wipeSecrets(s: WalletSecrets): void {
  s.entropy?.fill(0);
  for (const k of s.imported) k.privateKey.fill(0);
}

/** Zeroes every key of an unlocked wallet. */
export function wipeUnlocked(u: UnlockedWallet): void {
  u.derivedKey.fill(0);
  for (const k of u.keys.values()) k.fill(0);
  wipeSecrets(u.secrets);
  u.master?.wipePrivateData();
  u.keys.clear();
}
