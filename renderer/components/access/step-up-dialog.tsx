import { type FormEvent, useEffect, useRef, useState } from 'react';
import { call, setPasswordAsker } from '../../api';
import { defineStrings, useT } from '../../i18n';
import { ErrorBox, SecretField } from '../ui';

const S = defineStrings({
  en: {
    title: 'Confirm it is you',
    hint: 'This act moves money, keys or video: enter your password again.',
    password: 'Your password',
    confirm: 'Confirm',
    cancel: 'Cancel',
  },
  ru: {
    title: 'Подтвердите, что это вы',
    hint: 'Это действие касается денег, ключей или видео: введите свой пароль ещё раз.',
    password: 'Ваш пароль',
    confirm: 'Подтвердить',
    cancel: 'Отмена',
  },
});

/**
 * Asks for the signed-in person's password when the node wants it before a dangerous act
 * (`STEP_UP_REQUIRED`): `call()` waits for it and then tries the act once more.
 */
export function StepUpDialog() {
  const t = useT(S);
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const settle = useRef<((ok: boolean) => void) | undefined>(undefined);

  useEffect(() => {
    setPasswordAsker(
      () =>
        new Promise<boolean>((resolve) => {
          settle.current = resolve;
          setPassword('');
          setError(null);
          setOpen(true);
        }),
    );
    return () => setPasswordAsker(undefined);
  }, []);

  const finish = (ok: boolean) => {
    setOpen(false);
    setPassword('');
    settle.current?.(ok);
    settle.current = undefined;
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      await call('auth.confirmPassword', { password });
      finish(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  if (!open) return null;
  return (
    <div className="dialog-backdrop" role="dialog" aria-modal="true" aria-label={t('title')}>
      <form className="card dialog" onSubmit={submit} data-testid="step-up-dialog">
        <h3>{t('title')}</h3>
        <p className="muted">{t('hint')}</p>
        <SecretField
          label={t('password')}
          value={password}
          onChange={setPassword}
          autoComplete="current-password"
          autoFocus
          testId="step-up-password"
        />
        {error ? <ErrorBox error={error} /> : null}
        <div className="page-actions">
          <button className="button primary" type="submit" disabled={busy} data-testid="step-up-confirm">
            {t('confirm')}
          </button>
          <button className="button" type="button" onClick={() => finish(false)}>
            {t('cancel')}
          </button>
        </div>
      </form>
    </div>
  );
}
