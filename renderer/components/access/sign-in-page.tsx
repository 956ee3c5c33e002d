import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { call, sessionChanged } from '../../api';
import { defineStrings, useT } from '../../i18n';
import { ErrorBox, NameField, SecretField } from '../ui';

const S = defineStrings({
  en: {
    brand: 'Hot Pot Spot',
    signInTitle: 'Sign in',
    setupTitle: 'Welcome: make the owner',
    setupHint:
      'This node has nobody yet. The owner signs in with this name and password, and adds the managers, cashiers and the auditor.',
    username: 'User name',
    password: 'Password',
    password2: 'Password again',
    signIn: 'Sign in',
    create: 'Make the owner and sign in',
    mismatch: 'The passwords differ.',
    short: 'A password has at least 10 characters.',
  },
  ru: {
    brand: 'Hot Pot Spot',
    signInTitle: 'Вход',
    setupTitle: 'Добро пожаловать: создайте владельца',
    setupHint:
      'На этом узле ещё никого нет. Владелец входит с этим именем и паролем и добавляет управляющих, кассиров и аудитора.',
    username: 'Имя пользователя',
    password: 'Пароль',
    password2: 'Пароль ещё раз',
    signIn: 'Войти',
    create: 'Создать владельца и войти',
    mismatch: 'Пароли не совпадают.',
    short: 'Пароль — не короче 10 символов.',
  },
});

/** The first page: sign in, or, on a node that has nobody yet, make the owner. */
export function SignInPage({ setup }: { setup: boolean }) {
  const t = useT(S);
  const qc = useQueryClient();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [password2, setPassword2] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const signIn = useMutation({
    mutationFn: () =>
      setup ? call('auth.setupOwner', { username, password }) : call('auth.signIn', { username, password }),
    onSuccess: async () => {
      setPassword('');
      setPassword2('');
      sessionChanged();
      await qc.invalidateQueries({ queryKey: ['auth.status'] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (setup && password.length < 10) return setProblem(t('short'));
    if (setup && password !== password2) return setProblem(t('mismatch'));
    setProblem(null);
    signIn.mutate();
  };
  return (
    <main className="sign-in" data-testid={setup ? 'setup-page' : 'sign-in-page'}>
      <form className="card" onSubmit={submit}>
        <div className="brand">
          <span className="logo" aria-hidden />
          {t('brand')}
        </div>
        <h2>{setup ? t('setupTitle') : t('signInTitle')}</h2>
        {setup ? <p className="muted">{t('setupHint')}</p> : null}
        <NameField
          label={t('username')}
          value={username}
          onChange={setUsername}
          autoComplete="username"
          autoFocus
          testId="sign-in-username"
        />
        <SecretField
          label={t('password')}
          value={password}
          onChange={setPassword}
          autoComplete={setup ? 'new-password' : 'current-password'}
          testId="sign-in-password"
        />
        {setup ? (
          <SecretField
            label={t('password2')}
            value={password2}
            onChange={setPassword2}
            autoComplete="new-password"
            testId="sign-in-password2"
          />
        ) : null}
        {problem ? <div className="error">{problem}</div> : null}
        {signIn.error ? <ErrorBox error={signIn.error} /> : null}
        <button
          className="button primary"
          type="submit"
          disabled={signIn.isPending}
          data-testid="sign-in-submit"
        >
          {setup ? t('create') : t('signIn')}
        </button>
      </form>
    </main>
  );
}
