/** The card that lists the wallet's accounts with their balances, picks one, and adds an HD account. */
import { useQuery } from '@tanstack/react-query';
import type { WalletAccount } from '../../../main/contract/wallet';
import { call, q } from '../../api';
import { defineStrings, useT } from '../../i18n';
import { Card, ErrorBox } from '../ui';
import { SHARED_WALLET_STRINGS } from './strings';
import { useAction } from './use-action';

const S = defineStrings({
  en: {
    ...SHARED_WALLET_STRINGS.en,
    accounts: 'Accounts',
    addAccount: 'Add account',
    imported: 'imported',
  },
  ru: {
    ...SHARED_WALLET_STRINGS.ru,
    accounts: 'Счета',
    addAccount: 'Добавить счёт',
    imported: 'импортирован',
  },
});

/** The accounts table (click a row to select it); "Add account" only when the wallet has a phrase. */
export function AccountsCard(props: {
  accounts: WalletAccount[];
  selected: string | undefined;
  onSelect: (address: string) => void;
  hasMnemonic: boolean;
  onChange: () => void;
}) {
  const t = useT(S);
  const add = useAction();
  return (
    <Card title={t('accounts')} testId="wallet-accounts">
      <table className="table">
        <tbody>
          {props.accounts.map((a) => (
            <AccountRow
              key={a.address}
              account={a}
              selected={a.address === props.selected}
              onSelect={() => props.onSelect(a.address)}
            />
          ))}
        </tbody>
      </table>
      {add.error ? <ErrorBox error={add.error} /> : null}
      {props.hasMnemonic ? (
        <button
          className="secondary"
          disabled={add.busy}
          onClick={() => void add.run(() => call('wallet.addAccount', {})).then(props.onChange)}
          data-testid="add-account"
        >
          {t('addAccount')}
        </button>
      ) : null}
    </Card>
  );
}

function AccountRow(props: { account: WalletAccount; selected: boolean; onSelect: () => void }) {
  const { account, selected } = props;
  const t = useT(S);
  const bal = useQuery({ ...q('wallet.balance', { address: account.address }), retry: false });
  const noLedger = (bal.error as { code?: string } | null)?.code === 'LEDGER_UNAVAILABLE';
  return (
    <tr
      className={selected ? 'selected' : ''}
      onClick={props.onSelect}
      style={{ cursor: 'pointer', fontWeight: selected ? 600 : 400 }}
    >
      <td>{account.type === 'hd' ? `#${account.index}` : (account.label ?? t('imported'))}</td>
      <td>
        <code>{account.address}</code>
      </td>
      <td data-testid={`balance-${account.address}`} title={noLedger ? t('noLedger') : undefined}>
        {bal.data ? bal.data.balance : noLedger ? '—' : bal.error ? '!' : '…'}
      </td>
    </tr>
  );
}
