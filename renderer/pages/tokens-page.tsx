import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { call, q } from '../api';
import { Card, ErrorBox, PageHeader } from '../components/ui';
import { UnlockCard } from '../components/wallet/unlock-card';
import { UnlockedWallet } from '../components/wallet/unlocked-wallet';
import { WalletSetup } from '../components/wallet/wallet-setup';
import { defineStrings, useFormat, useT } from '../i18n';

const S = defineStrings({
  en: {
    title: 'Tokens',
    lock: 'Lock',
    locked: 'Locked',
    unlocked: 'Unlocked',
    autoLock: 'Locks itself at {time} if idle',
    damaged: 'The wallet keystore cannot be used',
  },
  ru: {
    title: 'Токены',
    lock: 'Заблокировать',
    locked: 'Заблокирован',
    unlocked: 'Разблокирован',
    autoLock: 'Заблокируется в {time} при бездействии',
    damaged: 'Хранилище ключей кошелька повреждено',
  },
});

/**
 * The Tokens page: the wallet's lock state in the header, and by state the set-up cards, the unlock
 * card, or the unlocked wallet (balances, receive, send with confirmation, history + CSV, backup);
 * the cards live in `components/wallet/`.
 */
export function TokensPage() {
  const t = useT(S);
  const f = useFormat();
  const qc = useQueryClient();
  const status = useQuery({ ...q('wallet.status', {}), refetchInterval: 15_000 });
  const [justCreated, setJustCreated] = useState(false);
  const refresh = () =>
    qc.invalidateQueries({ predicate: (x) => String(x.queryKey[0]).startsWith('wallet.') });
  const s = status.data;
  return (
    <>
      <PageHeader title={t('title')}>
        {s?.state === 'unlocked' ? (
          <>
            {s.autoLockAtMs ? (
              <span className="muted">{t('autoLock', { time: f.time(s.autoLockAtMs) })}</span>
            ) : null}
            <span className="pill ok">{t('unlocked')}</span>
            <button data-testid="wallet-lock" onClick={() => void call('wallet.lock', {}).then(refresh)}>
              {t('lock')}
            </button>
          </>
        ) : s?.state === 'locked' ? (
          <span className="pill warn">{t('locked')}</span>
        ) : null}
      </PageHeader>
      {status.error ? <ErrorBox error={status.error} /> : null}
      {s?.state === 'none' ? <WalletSetup onDone={() => (setJustCreated(true), void refresh())} /> : null}
      {s?.state === 'damaged' ? (
        <Card title={t('damaged')}>
          <ErrorBox error={s.problem} />
        </Card>
      ) : null}
      {s?.state === 'locked' ? <UnlockCard status={s} onDone={() => void refresh()} /> : null}
      {s?.state === 'unlocked' ? (
        <UnlockedWallet status={s} justCreated={justCreated} onChange={() => void refresh()} />
      ) : null}
    </>
  );
}
