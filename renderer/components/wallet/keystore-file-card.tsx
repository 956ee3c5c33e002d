/** The set-up card that imports one key from a Web3 keystore file (.json) with the file's password. */
import { type FormEvent, useState } from 'react';
import { call } from '../../api';
import { defineStrings, useT } from '../../i18n';
import { Card, ErrorBox, SecretField } from '../ui';
import { SHARED_WALLET_STRINGS } from './strings';
import { useAction } from './use-action';

const S = defineStrings({
  en: {
    ...SHARED_WALLET_STRINGS.en,
    importFile: 'Import a Web3 keystore file (.json)',
    filePassword: 'The file’s password',
    importBtn: 'Import key',
    label: 'Label (optional)',
  },
  ru: {
    ...SHARED_WALLET_STRINGS.ru,
    importFile: 'Импорт файла Web3 keystore (.json)',
    filePassword: 'Пароль файла',
    importBtn: 'Импортировать ключ',
    label: 'Название (необязательно)',
  },
});

/** Imports a keystore file (`wallet.importKeystore`), protected by a new wallet password; `onDone` on success. */
export function KeystoreFileCard({ onDone }: { onDone: () => void }) {
  const t = useT(S);
  const action = useAction();
  const [json, setJson] = useState('');
  const [filePw, setFilePw] = useState('');
  const [walletPw, setWalletPw] = useState('');
  const [label, setLabel] = useState('');
  return (
    <Card title={t('importFile')}>
      <form
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          void action
            .run(() =>
              call('wallet.importKeystore', {
                json,
                filePassword: filePw,
                ...(walletPw ? { password: walletPw } : {}),
                ...(label ? { label } : {}),
              }),
            )
            .then((ok) => ok && onDone());
        }}
      >
        <label>
          .json
          <input
            type="file"
            accept=".json,application/json"
            onChange={(e) => void e.target.files?.[0]?.text().then(setJson)}
          />
        </label>
        <SecretField label={t('filePassword')} autoComplete="off" value={filePw} onChange={setFilePw} />
        <SecretField
          label={t('password')}
          autoComplete="new-password"
          value={walletPw}
          onChange={setWalletPw}
        />
        <label>
          {t('label')}
          <input value={label} maxLength={200} onChange={(e) => setLabel(e.target.value)} />
        </label>
        {action.error ? <ErrorBox error={action.error} /> : null}
        <button type="submit" disabled={action.busy || !json}>
          {t('importBtn')}
        </button>
      </form>
    </Card>
  );
}
