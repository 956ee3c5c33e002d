/** The card that unlocks a locked wallet with its password (and BIP39 passphrase when it has one). */
import { type FormEvent, useState } from 'react';
import type { WalletStatus } from '../../../main/contract/wallet';
import { call } from '../../api';
import { defineStrings, useT } from '../../i18n';
import { Card, ErrorBox, SecretField } from '../ui';
import { SHARED_WALLET_STRINGS } from './strings';
import { useAction } from './use-action';

const S = defineStrings({
  en: {
    ...SHARED_WALLET_STRINGS.en,
    unlockTitle: 'Unlock the wallet',
    unlockBtn: 'Unlock',
    passphraseNeeded: 'BIP39 passphrase (this wallet has one; it is never stored)',
  },
  ru: {
    ...SHARED_WALLET_STRINGS.ru,
    unlockTitle: 'Разблокировать кошелёк',
    unlockBtn: 'Разблокировать',
    passphraseNeeded: 'Пароль BIP39 (у этого кошелька он есть; он нигде не хранится)',
  },
});

/** Unlocks the wallet (`wallet.unlock`); the fields are cleared after every try, `onDone` on success. */
export function UnlockCard({ status, onDone }: { status: WalletStatus; onDone: () => void }) {
  const t = useT(S);
  const a = useAction();
  const [pw, setPw] = useState('');
  const [passphrase, setPassphrase] = useState('');
  return (
    <Card title={t('unlockTitle')} testId="wallet-unlock">
      <form
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          void a
            .run(() => call('wallet.unlock', { password: pw, ...(passphrase ? { passphrase } : {}) }))
            .then((ok) => {
              setPw('');
              setPassphrase('');
              if (ok) onDone();
            });
        }}
      >
        <SecretField
          label={t('password')}
          autoComplete="current-password"
          autoFocus
          value={pw}
          onChange={setPw}
          testId="unlock-password"
        />
        {status.hasPassphrase ? (
          <SecretField
            label={t('passphraseNeeded')}
            autoComplete="off"
            value={passphrase}
            onChange={setPassphrase}
            testId="unlock-passphrase"
          />
        ) : null}
        {a.error ? <ErrorBox error={a.error} /> : null}
        <button type="submit" disabled={a.busy || !pw} data-testid="unlock-submit">
          {t('unlockBtn')}
        </button>
      </form>
    </Card>
  );
}
