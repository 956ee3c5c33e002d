/** What the Tokens page shows while the wallet is unlocked: accounts, receive, send, history, backup. */
import { useState } from 'react';
import type { WalletStatus } from '../../../main/contract/wallet';
import { defineStrings, useT } from '../../i18n';
import { AccountsCard } from './accounts-card';
import { BackupCard } from './backup-card';
import { HistoryCard } from './history-card';
import { ReceiveCard } from './receive-card';
import { SendCard } from './send-card';

const S = defineStrings({
  en: { afterCreate: 'Your wallet is ready. Write down its recovery phrase now: open Backup below.' },
  ru: { afterCreate: 'Кошелёк готов. Запишите фразу восстановления сейчас: раздел «Резервная копия» ниже.' },
});

/** The unlocked wallet's cards around one selected account (the first until another is clicked). */
export function UnlockedWallet(props: { status: WalletStatus; justCreated: boolean; onChange: () => void }) {
  const { status } = props;
  const t = useT(S);
  const [selected, setSelected] = useState(status.accounts[0]?.address ?? '');
  const account = status.accounts.find((a) => a.address === selected) ?? status.accounts[0];
  return (
    <>
      {props.justCreated ? <div className="banner warn">{t('afterCreate')}</div> : null}
      <div className="grid">
        <AccountsCard
          accounts={status.accounts}
          selected={account?.address}
          onSelect={setSelected}
          hasMnemonic={status.hasMnemonic}
          onChange={props.onChange}
        />
        {account ? <ReceiveCard address={account.address} /> : null}
      </div>
      {account ? <SendCard from={account.address} /> : null}
      {account ? <HistoryCard address={account.address} /> : null}
      {status.hasMnemonic ? <BackupCard /> : null}
    </>
  );
}
