/** The backup card: shows the recovery phrase for one minute after the password is entered again. */
import { type FormEvent, useEffect, useState } from 'react';
import { call } from '../../api';
import { defineStrings, useT } from '../../i18n';
import { Card, ErrorBox, SecretField } from '../ui';
import { SHARED_WALLET_STRINGS } from './strings';
import { useAction } from './use-action';

const S = defineStrings({
  en: {
    ...SHARED_WALLET_STRINGS.en,
    backup: 'Backup',
    backupHint:
      'Your recovery phrase restores this wallet anywhere. Enter the password to show it; write it on paper; never photograph or paste it.',
    reveal: 'Show recovery phrase',
    hide: 'Hide',
  },
  ru: {
    ...SHARED_WALLET_STRINGS.ru,
    backup: 'Резервная копия',
    backupHint:
      'Фраза восстановления восстанавливает кошелёк где угодно. Введите пароль, чтобы показать её; запишите на бумаге; не фотографируйте и не вставляйте никуда.',
    reveal: 'Показать фразу',
    hide: 'Скрыть',
  },
});

/** Reveals the recovery phrase (`wallet.revealMnemonic`) as numbered words; hides it again after 60 s. */
export function BackupCard() {
  const t = useT(S);
  const a = useAction();
  const [pw, setPw] = useState('');
  const [words, setWords] = useState<string[] | null>(null);
  // The phrase stays on screen one minute at most.
  useEffect(() => {
    if (!words) return;
    const h = setTimeout(() => setWords(null), 60_000);
    return () => clearTimeout(h);
  }, [words]);
  return (
    <Card title={t('backup')} testId="wallet-backup">
      <p className="muted">{t('backupHint')}</p>
      {words ? (
        <>
          <ol
            className="mnemonic"
            data-testid="backup-words"
            style={{ columns: 3, fontFamily: 'ui-monospace, monospace' }}
          >
            {words.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
          </ol>
          <button className="secondary" onClick={() => setWords(null)}>
            {t('hide')}
          </button>
        </>
      ) : (
        <form
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            void a
              .run(async () => {
                const r = await call('wallet.revealMnemonic', { password: pw });
                setWords(r.mnemonic.split(' '));
              })
              .then(() => setPw(''));
          }}
        >
          <SecretField
            label={t('password')}
            autoComplete="current-password"
            value={pw}
            onChange={setPw}
            testId="backup-password"
          />
          {a.error ? <ErrorBox error={a.error} /> : null}
          <button type="submit" disabled={a.busy || !pw} data-testid="backup-reveal">
            {t('reveal')}
          </button>
        </form>
      )}
    </Card>
  );
}
