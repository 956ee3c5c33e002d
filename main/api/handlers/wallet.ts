import type { Handlers } from '../../contract';
import type { walletMethods } from '../../contract/wallet';
import type { LedgerTx } from '../../wallet/ledger';
import type { SendPreview } from '../../wallet/wallet-transfers';
import type { WalletService } from '../../wallet/wallet-service';

/** What the wallet handlers use. */
export interface WalletHandlersDeps {
  wallet: WalletService;
}

/**
 * Handlers of the `wallet.*` methods. Secrets stay here: `wallet.create` returns the status only
 * (the UI shows the phrase through `wallet.revealMnemonic`, which asks for the password again).
 */
export function walletHandlers({ wallet }: WalletHandlersDeps): Handlers<typeof walletMethods> {
  return {
    'wallet.status': async () => wallet.status(),
    'wallet.create': async ({ words, password }) => (await wallet.create({ words, password })).status,
    'wallet.import': async (i) => wallet.importMnemonic(i),
    'wallet.importKeystore': async (i) => {
      wallet.touch();
      return wallet.importWeb3Keystore(i);
    },
    'wallet.unlock': async (i) => wallet.unlock(i),
    'wallet.lock': async () => wallet.lock('user'),
    'wallet.accounts': async () => wallet.accounts(),
    'wallet.addAccount': async () => {
      wallet.touch();
      return wallet.addAccount();
    },
    'wallet.balance': async ({ address }) => ({
      address,
      balance: (await wallet.balance(address)).toString(),
    }),
    'wallet.history': async ({ address, limit, before }) => {
      const page = await wallet.history(address, { limit, ...(before ? { before } : {}) });
      return { items: page.items.map(txView), nextCursor: page.nextCursor };
    },
    'wallet.historyCsv': async ({ address }) => {
      wallet.touch();
      return {
        filename: `hotpot-history-${address.slice(0, 10).toLowerCase()}.csv`,
        csv: await wallet.historyCsv(address),
      };
    },
    'wallet.previewSend': async ({ from, to, amount, fee }) =>
      previewView(
        await wallet.previewSend({
          from,
          to,
          amount: BigInt(amount),
          ...(fee !== undefined ? { fee: BigInt(fee) } : {}),
        }),
      ),
    'wallet.send': async ({ previewId }) => {
      const r = await wallet.send({ previewId });
      return { txHash: r.txHash, preview: previewView(r.preview) };
    },
    'wallet.revealMnemonic': async ({ password }) => {
      const mnemonic = await wallet.revealMnemonic({ password });
      return { mnemonic, words: mnemonic.split(' ').length };
    },
  };
}

function txView(t: LedgerTx) {
  return {
    ...t,
    amount: t.amount.toString(),
    fee: t.fee.toString(),
    ...(t.error !== undefined ? { error: t.error } : {}),
  };
}

function previewView(p: SendPreview) {
  return {
    ...p,
    amount: p.amount.toString(),
    fee: p.fee.toString(),
    total: p.total.toString(),
    balance: p.balance.toString(),
  };
}
