/** The set-up card that restores a wallet from its recovery phrase (and BIP39 passphrase, if any). */
import { type FormEvent, useState } from 'react';
import { call } from '../../api';
import { defineStrings, useT } from '../../i18n';
import { Card, ErrorBox, SecretField } from '../ui';
import { SHARED_WALLET_STRINGS } from './strings';
import { useAction } from './use-action';

const S = defineStrings({
  en: {
    ...SHARED_WALLET_STRINGS.en,
    restore: 'Restore from a recovery phrase',
    mnemonic: 'Recovery phrase (12–24 words)',
    passphrase: 'BIP39 passphrase (optional; leave empty if you never set one)',
    restoreBtn: 'Restore wallet',
  },
  ru: {
    ...SHARED_WALLET_STRINGS.ru,
    restore: 'Восстановить по фразе',
    mnemonic: 'Фраза восстановления (12–24 слова)',
    passphrase: 'Пароль BIP39 (необязательно; оставьте пустым, если не задавали)',
    restoreBtn: 'Восстановить',
  },
});

/** Restores a wallet from its phrase (`wallet.import`); clears the phrase and calls `onDone` on success. */
export function RestoreWalletCard({ onDone }: { onDone: () => void }) {
  const t = useT(S);
  const restore = useAction();
  const [mnemonic, setMnemonic] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [rpw, setRpw] = useState('');
  return (
    <Card title={t('restore')} testId="wallet-restore">
      <form
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          void restore
            .run(() =>
              call('wallet.import', { mnemonic, password: rpw, ...(passphrase ? { passphrase } : {}) }),
            )
            .then((ok) => {
              if (ok) {
                setMnemonic('');
                onDone();
              }
            });
        }}
      >
        <label>
          {t('mnemonic')}
          <textarea
            rows={3}
            autoComplete="off"
            spellCheck={false}
            value={mnemonic}
            onChange={(e) => setMnemonic(e.target.value)}
            data-testid="restore-mnemonic"
          />
        </label>
        <SecretField label={t('passphrase')} autoComplete="off" value={passphrase} onChange={setPassphrase} />
        <SecretField
          label={t('password')}
          autoComplete="new-password"
          value={rpw}
          onChange={setRpw}
          testId="restore-password"
        />
        {restore.error ? <ErrorBox error={restore.error} /> : null}
        <button
          type="submit"
          disabled={restore.busy || rpw.length < 8 || !mnemonic.trim()}
          data-testid="restore-submit"
        >
          {t('restoreBtn')}
        </button>
      </form>
    </Card>
  );
}
