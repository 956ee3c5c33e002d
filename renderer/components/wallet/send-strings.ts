/** The words of the send card, shared by its form (`send-form.tsx`) and its confirmation (`send-confirm.tsx`). */
import { defineStrings } from '../../i18n';
import { SHARED_WALLET_STRINGS } from './strings';

/** The send card's strings in every language. */
export const SEND_STRINGS = defineStrings({
  en: {
    ...SHARED_WALLET_STRINGS.en,
    send: 'Send',
    from: 'From',
    to: 'To (address)',
    review: 'Review',
    badShape: 'An address is 0x followed by 40 hex digits.',
    badChecksum: 'This address has a wrong checksum: a character is mistyped. Copy it again.',
    confirmTitle: 'Confirm the transfer',
    nonce: 'Nonce',
    total: 'Total (amount + fee)',
    chain: 'Chain',
    confirm: 'Confirm and send',
    cancel: 'Cancel',
    sent: 'Sent. Transaction {hash}',
  },
  ru: {
    ...SHARED_WALLET_STRINGS.ru,
    send: 'Отправить',
    from: 'Откуда',
    to: 'Куда (адрес)',
    review: 'Проверить',
    badShape: 'Адрес — это 0x и 40 шестнадцатеричных цифр.',
    badChecksum: 'Неверная контрольная сумма адреса: опечатка. Скопируйте адрес заново.',
    confirmTitle: 'Подтвердите перевод',
    nonce: 'Nonce',
    total: 'Итого (сумма + комиссия)',
    chain: 'Сеть',
    confirm: 'Подтвердить и отправить',
    cancel: 'Отмена',
    sent: 'Отправлено. Транзакция {hash}',
  },
});
