/**
 * The words more than one wallet card shows (the wallet password, amount and fee, the missing ledger).
 * Each card keeps the rest of its words beside it and spreads these into its table.
 */
import { defineStrings } from '../../i18n';

/** Wallet strings shared by several cards; a card's table spreads `.en` and `.ru` into its own. */
export const SHARED_WALLET_STRINGS = defineStrings({
  en: {
    password: 'Wallet password',
    noLedger: 'Balances and history appear once the node’s ledger is running.',
    amount: 'Amount (base units)',
    fee: 'Fee (optional, base units)',
  },
  ru: {
    password: 'Пароль кошелька',
    noLedger: 'Балансы и история появятся, когда заработает реестр узла.',
    amount: 'Сумма (базовые единицы)',
    fee: 'Комиссия (необязательно)',
  },
});
