import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ROLES, type Role } from '../../main/contract/access';
import type { UserView } from '../../main/contract/auth';
import { call, q } from '../api';
import { useMay } from '../components/access/use-may';
import { Card, ErrorBox, NameField, PageHeader, SecretField } from '../components/ui';
import { defineStrings, useT } from '../i18n';

const S = defineStrings({
  en: {
    title: 'People',
    everyone: 'Who may sign in',
    add: 'Add a person',
    username: 'User name',
    password: 'First password (at least 10 characters)',
    roles: 'Roles',
    status: 'Status',
    enabled: 'enabled',
    disabled: 'disabled',
    disable: 'Disable',
    enable: 'Enable',
    reset: 'New password',
    save: 'Set',
    addButton: 'Add',
    owner: 'owner',
    manager: 'manager',
    cashier: 'cashier',
    auditor: 'auditor',
    'hq-admin': 'HQ admin',
    'hq-analyst': 'HQ analyst',
  },
  ru: {
    title: 'Люди',
    everyone: 'Кто может входить',
    add: 'Добавить человека',
    username: 'Имя пользователя',
    password: 'Первый пароль (не короче 10 символов)',
    roles: 'Роли',
    status: 'Состояние',
    enabled: 'активен',
    disabled: 'отключён',
    disable: 'Отключить',
    enable: 'Включить',
    reset: 'Новый пароль',
    save: 'Задать',
    addButton: 'Добавить',
    owner: 'владелец',
    manager: 'управляющий',
    cashier: 'кассир',
    auditor: 'аудитор',
    'hq-admin': 'админ HQ',
    'hq-analyst': 'аналитик HQ',
  },
});

/** Everyone who may sign in; the owner adds people, disables them, gives them a new password (the auditor reads). */
export function UsersPage() {
  const t = useT(S);
  const users = useQuery(q('users.list', {}));
  const mayChange = useMay('users.add');
  return (
    <div data-testid="users-page">
      <PageHeader title={t('title')} />
      <div className="grid">
        <Card title={t('everyone')}>
          {users.error ? <ErrorBox error={users.error} /> : null}
          <table className="table">
            <thead>
              <tr>
                <th>{t('username')}</th>
                <th>{t('roles')}</th>
                <th>{t('status')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {(users.data ?? []).map((u) => (
                <UserRow key={u.id} user={u} mayChange={mayChange} />
              ))}
            </tbody>
          </table>
        </Card>
        {mayChange ? <AddUserCard /> : null}
      </div>
    </div>
  );
}

function UserRow({ user, mayChange }: { user: UserView; mayChange: boolean }) {
  const t = useT(S);
  const qc = useQueryClient();
  const [password, setPassword] = useState('');
  const done = () => qc.invalidateQueries({ queryKey: ['users.list'] });
  const toggle = useMutation({
    mutationFn: () => call('users.setDisabled', { id: user.id, disabled: !user.disabled }),
    onSuccess: done,
  });
  const reset = useMutation({
    mutationFn: () => call('users.resetPassword', { id: user.id, password }),
    onSuccess: () => {
      setPassword('');
      return done();
    },
  });
  return (
    <tr data-testid={`user-${user.username}`}>
      <td>{user.username}</td>
      <td>{user.roles.map((r) => t(r)).join(', ')}</td>
      <td>{user.disabled ? t('disabled') : t('enabled')}</td>
      <td hidden={!mayChange}>
        <button className="button" onClick={() => toggle.mutate()} disabled={toggle.isPending}>
          {user.disabled ? t('enable') : t('disable')}
        </button>
        <form
          className="inline"
          onSubmit={(e) => {
            e.preventDefault();
            reset.mutate();
          }}
        >
          <SecretField
            label={t('reset')}
            value={password}
            onChange={setPassword}
            autoComplete="new-password"
          />
          <button className="button" type="submit" disabled={reset.isPending || password.length < 10}>
            {t('save')}
          </button>
        </form>
        {toggle.error ? <ErrorBox error={toggle.error} /> : null}
        {reset.error ? <ErrorBox error={reset.error} /> : null}
      </td>
    </tr>
  );
}

function AddUserCard() {
  const t = useT(S);
  const qc = useQueryClient();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [roles, setRoles] = useState<Role[]>(['cashier']);
  const add = useMutation({
    mutationFn: () => call('users.add', { username, password, roles }),
    onSuccess: async () => {
      setUsername('');
      setPassword('');
      await qc.invalidateQueries({ queryKey: ['users.list'] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate();
  };
  const flip = (r: Role) => setRoles((rs) => (rs.includes(r) ? rs.filter((x) => x !== r) : [...rs, r]));
  return (
    <Card title={t('add')} testId="add-user">
      <form onSubmit={submit}>
        <NameField
          label={t('username')}
          value={username}
          onChange={setUsername}
          autoComplete="off"
          testId="add-user-username"
        />
        <SecretField
          label={t('password')}
          value={password}
          onChange={setPassword}
          autoComplete="new-password"
          testId="add-user-password"
        />
        <fieldset>
          <legend>{t('roles')}</legend>
          {ROLES.map((r) => (
            <label key={r} className="check">
              <input
                type="checkbox"
                checked={roles.includes(r)}
                onChange={() => flip(r)}
                data-testid={`role-${r}`}
              />
              {t(r)}
            </label>
          ))}
        </fieldset>
        {add.error ? <ErrorBox error={add.error} /> : null}
        <button
          className="button primary"
          type="submit"
          disabled={add.isPending}
          data-testid="add-user-submit"
        >
          {t('addButton')}
        </button>
      </form>
    </Card>
  );
}
