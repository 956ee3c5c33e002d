/** The store wallet's state and its balance over every account (token base units, bigint-exact). */
import { useQueries, useQuery } from '@tanstack/react-query';
import { q } from '../../api';
import { useLang, useT } from '../../i18n';
import { localeOf } from '../sales/money';
import { Card, ErrorBox, Stat } from '../ui';
import { DASHBOARD_STRINGS } from './strings';

/** The wallet card: "none yet" with where to make one, else its state, accounts and summed balance. */
export function WalletCard() {
  const t = useT(DASHBOARD_STRINGS);
  const { lang } = useLang();
  const status = useQuery(q('wallet.status', {}));
  const accounts = status.data?.accounts ?? [];
  const balances = useQueries({
    queries: accounts.map((a) => ({ ...q('wallet.balance', { address: a.address }), retry: false })),
  });
  const s = status.data;
  let balance = '…';
  if (balances.some((b) => (b.error as { code?: string } | null)?.code === 'LEDGER_UNAVAILABLE'))
    balance = t('noLedger');
  else if (balances.every((b) => b.data)) {
    const sum = balances.reduce((acc, b) => acc + BigInt(b.data!.balance), 0n);
    balance = new Intl.NumberFormat(localeOf(lang)).format(sum);
  }
  const state = {
    none: '',
    locked: t('walletLocked'),
    unlocked: t('walletUnlocked'),
    damaged: t('walletDamaged'),
  } as const;
  return (
    <Card title={t('wallet')} testId="dash-wallet">
      {status.error ? <ErrorBox error={status.error} /> : null}
      {!s ? null : s.state === 'none' ? (
        <p className="muted">{t('walletNone')}</p>
      ) : (
        <>
          <Stat label={t('balance')} value={balance} testId="wallet-balance" />
          <Stat label={t('accounts')} value={accounts.length} />
          <div className="muted">{state[s.state]}</div>
        </>
      )}
    </Card>
  );
}
