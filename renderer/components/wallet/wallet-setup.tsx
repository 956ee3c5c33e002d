/** What the Tokens page shows while the node has no wallet: create, restore, or import a keystore file. */
import { defineStrings, useT } from '../../i18n';
import { CreateWalletCard } from './create-wallet-card';
import { KeystoreFileCard } from './keystore-file-card';
import { RestoreWalletCard } from './restore-wallet-card';

const S = defineStrings({
  en: {
    noWallet: 'This node has no wallet yet. Create a new one, or restore one from its recovery phrase.',
  },
  ru: {
    noWallet: 'На этом узле ещё нет кошелька. Создайте новый или восстановите по фразе восстановления.',
  },
});

/** The three ways to set up a wallet, side by side; `onDone` once one of them made it. */
export function WalletSetup({ onDone }: { onDone: () => void }) {
  const t = useT(S);
  return (
    <>
      <p className="empty">{t('noWallet')}</p>
      <div className="grid">
        <CreateWalletCard onDone={onDone} />
        <RestoreWalletCard onDone={onDone} />
        <KeystoreFileCard onDone={onDone} />
      </div>
    </>
  );
}
