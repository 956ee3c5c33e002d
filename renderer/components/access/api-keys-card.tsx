import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { SCOPES, type Scope } from '../../../main/contract/access';
import { call, q } from '../../api';
import { defineStrings, useT } from '../../i18n';
import { Card, ErrorBox, NameField } from '../ui';
import { useMay } from './use-may';

const S = defineStrings({
  en: {
    title: 'API keys (POS terminals, integrations)',
    name: 'Name (e.g. the till it is for)',
    scopes: 'Scopes',
    create: 'Make a key',
    shownOnce: 'Copy this key now: it is shown only once, and the node keeps only its hash.',
    revoke: 'Revoke',
    revoked: 'revoked',
    lastUsed: 'last used',
    never: 'never',
  },
  ru: {
    title: 'Ключи API (кассы, интеграции)',
    name: 'Название (например, касса)',
    scopes: 'Права',
    create: 'Создать ключ',
    shownOnce: 'Скопируйте ключ сейчас: он показывается один раз, узел хранит только его хэш.',
    revoke: 'Отозвать',
    revoked: 'отозван',
    lastUsed: 'использован',
    never: 'никогда',
  },
});

/** API keys: the owner makes them with scopes (shown once) and revokes them; the auditor reads the list. */
export function ApiKeysCard() {
  const t = useT(S);
  const qc = useQueryClient();
  const keys = useQuery(q('keys.list', {}));
  const mayChange = useMay('keys.create');
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Scope[]>(['pos:write']);
  const [secret, setSecret] = useState<string | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: ['keys.list'] });
  const create = useMutation({
    mutationFn: () => call('keys.create', { name, scopes }),
    onSuccess: async (r) => {
      setSecret(r.secret);
      setName('');
      await refresh();
    },
  });
  const revoke = useMutation({ mutationFn: (id: string) => call('keys.revoke', { id }), onSuccess: refresh });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSecret(null);
    create.mutate();
  };
  const flip = (s: Scope) => setScopes((ss) => (ss.includes(s) ? ss.filter((x) => x !== s) : [...ss, s]));
  return (
    <Card title={t('title')} testId="api-keys">
      <form onSubmit={submit} hidden={!mayChange}>
        <NameField label={t('name')} value={name} onChange={setName} autoComplete="off" testId="key-name" />
        <fieldset>
          <legend>{t('scopes')}</legend>
          {SCOPES.map((s) => (
            <label key={s} className="check">
              <input
                type="checkbox"
                checked={scopes.includes(s)}
                onChange={() => flip(s)}
                data-testid={`scope-${s}`}
              />
              <code>{s}</code>
            </label>
          ))}
        </fieldset>
        <button className="button primary" type="submit" disabled={create.isPending} data-testid="key-create">
          {t('create')}
        </button>
      </form>
      {secret ? (
        <div className="banner" data-testid="key-secret">
          {t('shownOnce')} <code>{secret}</code>
        </div>
      ) : null}
      {create.error ? <ErrorBox error={create.error} /> : null}
      {revoke.error ? <ErrorBox error={revoke.error} /> : null}
      <ul data-testid="key-list">
        {(keys.data ?? []).map((k) => (
          <li key={k.id}>
            <b>{k.name}</b> <code>{k.scopes.join(' ')}</code>{' '}
            <span className="muted">
              {k.revokedAtMs
                ? t('revoked')
                : `${t('lastUsed')}: ${k.lastUsedAtMs ? new Date(k.lastUsedAtMs).toLocaleString() : t('never')}`}
            </span>{' '}
            {k.revokedAtMs || !mayChange ? null : (
              <button
                className="button"
                onClick={() => revoke.mutate(k.id)}
                data-testid={`key-revoke-${k.name}`}
              >
                {t('revoke')}
              </button>
            )}
          </li>
        ))}
      </ul>
    </Card>
  );
}
