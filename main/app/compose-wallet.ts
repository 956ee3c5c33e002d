/** How the store's wallet is composed: its KDF worker, randomness, timers, events and the ledger it uses. */
import { randomBytes } from 'node:crypto';
import type { Config } from '../config/schema';
import { workerPath } from '../platform/paths';
import { WorkerKdfRunner } from '../wallet/kdf-runner';
import type { WalletLedger } from '../wallet/ledger';
import { chainTransferCodec } from '../wallet/signer';
import { WalletService } from '../wallet/wallet-service';
import type { EventBus } from './events';

/** What the wallet is built with. */
export interface WalletCompositionDeps {
  bus: EventBus;
  now: () => number;
  /** Balances, history and transfers go through the ledger node. */
  ledger: WalletLedger;
}

/**
 * The wallet, with the auto-lock from `config.wallet`.
 *
 * @example const wallet = composeWallet(config, { bus, now, ledger: node });
 */
export function composeWallet(config: Config, deps: WalletCompositionDeps): WalletService {
  const { bus } = deps;
  return new WalletService(
    { dataDir: config.dataDir, autoLockMs: config.wallet.autoLockMinutes * 60_000 },
    {
      kdf: new WorkerKdfRunner({ workerFile: () => workerPath('kdf') }),
      random: (n) => new Uint8Array(randomBytes(n)),
      now: deps.now,
      timers: {
        setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
        clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
      },
      emit: (e) => bus.emit(e.name, e.payload),
      tx: chainTransferCodec,
      ledger: deps.ledger,
    },
  );
}
