/** The window's sales, newest first, a page at a time (`sales.list`). */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { q } from '../../api';
import { useT } from '../../i18n';
import { Card, ErrorBox } from '../ui';
import type { SalesWindow } from './range';
import { SALES_STRINGS } from './strings';
import type { SalesFormat } from './use-sales-format';

/** Rows per page. */
export const TABLE_PAGE_SIZE = 25;

/** The table with Newer/Older; give it a `key` of the window so a new range starts at its first page. */
export function SalesTable({ span, f }: { span: SalesWindow; f: SalesFormat }) {
  const t = useT(SALES_STRINGS);
  // The cursors of the pages seen so far: page n is asked with cursors[n] (undefined for the first).
  const [cursors, setCursors] = useState<Array<number | undefined>>([undefined]);
  const pageNo = cursors.length - 1;
  const before = cursors[pageNo];
  const list = useQuery({
    ...q('sales.list', {
      from: span.from,
      to: span.to,
      limit: TABLE_PAGE_SIZE,
      ...(before === undefined ? {} : { before }),
    }),
    placeholderData: keepPreviousData,
  });
  const next = list.data?.nextBefore ?? null;
  return (
    <Card title={t('table')} testId="sales-table">
      {list.error ? <ErrorBox error={list.error} /> : null}
      <table className="table">
        <thead>
          <tr>
            <th>{t('time')}</th>
            <th>{t('order')}</th>
            <th>{t('terminal')}</th>
            <th>{t('payment')}</th>
            <th className="num">{t('total')}</th>
            <th className="num">{t('refunded')}</th>
            <th>{t('chain')}</th>
          </tr>
        </thead>
        <tbody>
          {(list.data?.items ?? []).map((s) => (
            <tr key={s.orderId} data-testid="sales-row">
              <td>{f.time(s.timeMs)}</td>
              <td className="mono">
                {s.orderId}
                {s.loyalty ? <span title={t('loyaltyOrders')}> ★</span> : null}
              </td>
              <td>{s.terminalId}</td>
              <td>{t(s.paymentMethod)}</td>
              <td className="num">{f.money(s.totalMinor)}</td>
              <td className="num">{s.refundedMinor ? f.money(s.refundedMinor) : ''}</td>
              <td title={s.chain.txHash ?? undefined}>{t(`state-${s.chain.state}`)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.data && list.data.items.length === 0 ? <p className="muted">{t('noData')}</p> : null}
      <div className="page-actions pager">
        <button
          className="secondary"
          disabled={pageNo === 0}
          onClick={() => setCursors(cursors.slice(0, -1))}
          data-testid="sales-newer"
        >
          {t('newer')}
        </button>
        <span className="muted">{t('page', { n: pageNo + 1 })}</span>
        <button
          className="secondary"
          disabled={next === null}
          onClick={() => next !== null && setCursors([...cursors, next])}
          data-testid="sales-older"
        >
          {t('older')}
        </button>
      </div>
    </Card>
  );
}
