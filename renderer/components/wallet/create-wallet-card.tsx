/** The set-up card that creates a new wallet: phrase length, password twice, with its checks. */
import { type FormEvent, useState } from 'react';
import { call } from '../../api';
import { defineStrings, useT } from '../../i18n';
import { Card, ErrorBox, SecretField } from '../ui';
import { SHARED_WALLET_STRINGS } from './strings';
import { useAction } from './use-action';

const S = defineStrings({
  en: {
    ...SHARED_WALLET_STRINGS.en,
    create: 'Create a new wallet',
    words: 'Recovery phrase length',
    w12: '12 words',
    w24: '24 words',
    password2: 'Repeat the password',
    passwordsDiffer: 'The two passwords differ.',
    tooShort: 'Use at least 8 characters.',
    createBtn: 'Create wallet',
  },
  ru: {
    ...SHARED_WALLET_STRINGS.ru,
    create: 'Создать новый кошелёк',
    words: 'Длина фразы восстановления',
    w12: '12 слов',
    w24: '24 слова',
    password2: 'Повторите пароль',
    passwordsDiffer: 'Пароли не совпадают.',
    tooShort: 'Не меньше 8 символов.',
    createBtn: 'Создать кошелёк',
  },
});

/** Creates a wallet with a new recovery phrase (`wallet.create`); `onDone` once it exists. */
export function CreateWalletCard({ onDone }: { onDone: () => void }) {
  const t = useT(S);
  const create = useAction();
  const [words, setWords] = useState<12 | 24>(12);
  const [pw, setPw] = useState('');
  const [pw2, setPw2] = useState('');
  const pwProblem =
    pw.length > 0 && pw.length < 8 ? t('tooShort') : pw2 && pw !== pw2 ? t('passwordsDiffer') : null;
  return (
    <Card title={t('create')} testId="wallet-create">
      <form
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          void create.run(() => call('wallet.create', { words, password: pw })).then((ok) => ok && onDone());
        }}
      >
        <label>
          {t('words')}
          <select value={words} onChange={(e) => setWords(Number(e.target.value) as 12 | 24)}>
            <option value={12}>{t('w12')}</option>
            <option value={24}>{t('w24')}</option>
          </select>
        </label>
        <SecretField
          label={t('password')}
          autoComplete="new-password"
          value={pw}
          onChange={setPw}
          testId="create-password"
        />
        <SecretField
          label={t('password2')}
          autoComplete="new-password"
          value={pw2}
          onChange={setPw2}
          testId="create-password2"
        />
        {pwProblem ? <p className="error">{pwProblem}</p> : null}
        {create.error ? <ErrorBox error={create.error} /> : null}
        <button
          type="submit"
          disabled={create.busy || pw.length < 8 || pw !== pw2}
          data-testid="create-submit"
        >
          {t('createBtn')}
        </button>
      </form>
    </Card>
  );
}
