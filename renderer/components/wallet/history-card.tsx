/** The history card: one account's transfers, newest first, page by page, and their CSV export. */
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { WalletTx } from '../../../main/contract/wallet';
import { call, q } from '../../api';
import { defineStrings, useFormat, useT } from '../../i18n';
import { Card, ErrorBox } from '../ui';
import { downloadText } from '../download';
import { SHARED_WALLET_STRINGS } from './strings';
import { useAction } from './use-action';

const S = defineStrings({
  en: {
    ...SHARED_WALLET_STRINGS.en,
    history: 'History',
    exportCsv: 'Export CSV',
    noHistory: 'No transactions yet.',
    more: 'Older',
    time: 'Time',
    type: 'Type',
    direction: 'Direction',
    counterparty: 'Counterparty',
    status: 'Status',
    out: 'out',
    in: 'in',
    pending: 'pending',
  },
  ru: {
    ...SHARED_WALLET_STRINGS.ru,
    history: 'История',
    exportCsv: 'Экспорт CSV',
    noHistory: 'Транзакций пока нет.',
    more: 'Ранее',
    time: 'Время',
    type: 'Тип',
    direction: 'Направление',
    counterparty: 'Контрагент',
    status: 'Статус',
    out: 'исх.',
    in: 'вх.',
    pending: 'в ожидании',
  },
});

/** `address`'s history (`wallet.history`, 50 a page, "Older" for the next) and "Export CSV". */
export function HistoryCard({ address }: { address: string }) {
  const t = useT(S);
  const [before, setBefore] = useState<string | undefined>(undefined);
  const hist = useQuery({
    ...q('wallet.history', { address, limit: 50, ...(before ? { before } : {}) }),
    retry: false,
  });
  const exp = useAction();
  const noLedger = (hist.error as { code?: string } | null)?.code === 'LEDGER_UNAVAILABLE';
  return (
    <Card title={t('history')} testId="wallet-history">
      <div className="page-actions" style={{ marginBottom: 8 }}>
        <button
          className="secondary"
          disabled={exp.busy || noLedger}
          data-testid="history-csv"
          onClick={() =>
            void exp.run(async () => {
              const r = await call('wallet.historyCsv', { address });
              downloadText(r.filename, r.csv);
            })
          }
        >
          {t('exportCsv')}
        </button>
      </div>
      {exp.error ? <ErrorBox error={exp.error} /> : null}
      {noLedger ? (
        <p className="muted">{t('noLedger')}</p>
      ) : hist.error ? (
        <ErrorBox error={hist.error} />
      ) : null}
      {hist.data && hist.data.items.length === 0 ? <p className="muted">{t('noHistory')}</p> : null}
      {hist.data && hist.data.items.length > 0 ? (
        <HistoryTable address={address} items={hist.data.items} />
      ) : null}
      {hist.data?.nextCursor ? (
        <button className="secondary" onClick={() => setBefore(hist.data?.nextCursor ?? undefined)}>
          {t('more')}
        </button>
      ) : null}
    </Card>
  );
}

/** One page of transfers as seen from `address`: out or in, and the other side. */
function HistoryTable({ address, items }: { address: string; items: WalletTx[] }) {
  const t = useT(S);
  const f = useFormat();
  const me = address.toLowerCase();
  return (
    <table className="table">
      <thead>
        <tr>
          <th>{t('time')}</th>
          <th>{t('type')}</th>
          <th>{t('direction')}</th>
          <th>{t('counterparty')}</th>
          <th>{t('amount')}</th>
          <th>{t('fee')}</th>
          <th>{t('status')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((tx) => {
          const out = tx.from.toLowerCase() === me;
          return (
            <tr key={tx.txHash} title={tx.txHash}>
              <td className="muted">{tx.timeMs !== null ? f.time(tx.timeMs) : t('pending')}</td>
              <td>{tx.type}</td>
              <td>{out ? t('out') : t('in')}</td>
              <td>
                <code>{out ? (tx.to ?? '') : tx.from}</code>
              </td>
              <td>{tx.amount}</td>
              <td>{out ? tx.fee : ''}</td>
              <td>
                {tx.status}
                {tx.error ? ` (${tx.error})` : ''}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
