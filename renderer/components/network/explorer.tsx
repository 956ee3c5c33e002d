import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import type { TxView } from '../../../main/contract/chain';
import { call, q } from '../../api';
import { useFormat, useT } from '../../i18n';
import { Card, ErrorBox } from '../ui';
import { NETWORK_STRINGS, type ExplorerView, hrefOf, short } from './strings';

/** A list of transactions; each links to itself, its sender and its receiver. */
export function TxTable({ txs }: { txs: readonly TxView[] }) {
  const t = useT(NETWORK_STRINGS);
  return (
    <table className="table">
      <thead>
        <tr>
          <th>{t('hash')}</th>
          <th>{t('type')}</th>
          <th>{t('from')}</th>
          <th>{t('to')}</th>
          <th>{t('amount')}</th>
          <th>{t('result')}</th>
        </tr>
      </thead>
      <tbody>
        {txs.map((x) => (
          <tr key={x.hash} data-testid="tx-row">
            <td>
              <a href={hrefOf({ kind: 'tx', hash: x.hash })}>
                <code>{short(x.hash)}</code>
              </a>
            </td>
            <td title={x.summary}>{x.type}</td>
            <td>
              <a href={hrefOf({ kind: 'account', address: x.sender })}>
                <code>{short(x.sender)}</code>
              </a>
            </td>
            <td>
              {x.to ? (
                <a href={hrefOf({ kind: 'account', address: x.to })}>
                  <code>{short(x.to)}</code>
                </a>
              ) : (
                '—'
              )}
            </td>
            <td>{x.amount ?? '—'}</td>
            <td>
              <span
                className={`pill ${x.status === 'ok' ? 'ok' : x.status === 'failed' ? 'err' : 'warn'}`}
                title={x.error?.message}
              >
                {t(x.status)}
              </span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="stat">
      <span className="stat-label">{label}</span>
      <span className="stat-value">{children}</span>
    </div>
  );
}

/** One transaction with its receipt. */
export function TxDetail({ hash }: { hash: string }) {
  const t = useT(NETWORK_STRINGS);
  const f = useFormat();
  const tx = useQuery(q('chain.tx', { hash }));
  if (tx.error) return <ErrorBox error={tx.error} />;
  const x = tx.data;
  if (!x) return <p>{t('loading')}</p>;
  return (
    <Card title={t('txTitle')} testId="tx-view">
      <Row label={t('hash')}>
        <code>{x.hash}</code>
      </Row>
      <Row label={t('type')}>{x.summary}</Row>
      <Row label={t('from')}>
        <a href={hrefOf({ kind: 'account', address: x.sender })}>
          <code>{x.sender}</code>
        </a>
      </Row>
      {x.to ? (
        <Row label={t('to')}>
          <a href={hrefOf({ kind: 'account', address: x.to })}>
            <code>{x.to}</code>
          </a>
        </Row>
      ) : null}
      {x.amount ? <Row label={t('amount')}>{x.amount}</Row> : null}
      <Row label={t('fee')}>{x.fee}</Row>
      <Row label={t('nonce')}>{x.nonce}</Row>
      {x.minted !== '0' ? <Row label={t('minted')}>{x.minted}</Row> : null}
      <Row label={t('result')}>
        <span className={`pill ${x.status === 'ok' ? 'ok' : x.status === 'failed' ? 'err' : 'warn'}`}>
          {t(x.status)}
        </span>
        {x.error ? (
          <span className="muted">
            {' '}
            {x.error.code}: {x.error.message}
          </span>
        ) : null}
      </Row>
      {x.height !== null ? (
        <Row label={t('inBlock')}>
          <a href={hrefOf({ kind: 'block', ref: String(x.height) })}>{f.number(x.height)}</a>
          {x.timeMs ? <span className="muted"> · {f.time(x.timeMs)}</span> : null}
        </Row>
      ) : null}
    </Card>
  );
}

/** An account: balance, nonce, stake, KYC and its transactions (paged). */
export function AccountDetail({ address }: { address: string }) {
  const t = useT(NETWORK_STRINGS);
  const [before, setBefore] = useState<string | undefined>(undefined);
  const acct = useQuery(q('chain.account', before ? { address, before } : { address }));
  if (acct.error) return <ErrorBox error={acct.error} />;
  const a = acct.data;
  if (!a) return <p>{t('loading')}</p>;
  return (
    <>
      <Card title={t('accountTitle')} testId="account-view">
        <Row label={t('address')}>
          <code>{a.address}</code>
        </Row>
        <Row label={t('balance')}>
          <span data-testid="account-balance">{a.balance}</span>
        </Row>
        <Row label={t('nonce')}>{a.nonce}</Row>
        <Row label={t('pendingNonce')}>{a.pendingNonce}</Row>
        <Row label={t('stake')}>{a.stake}</Row>
        {a.unbonding !== '0' ? <Row label={t('unbonding')}>{a.unbonding}</Row> : null}
        <Row label={t('kyc')}>{a.kyc ? `${a.kyc.status} (level ${a.kyc.level})` : t('none')}</Row>
      </Card>
      <Card title={t('txs')}>
        {a.txs.length === 0 ? <p className="muted">{t('noTxs')}</p> : <TxTable txs={a.txs} />}
        {a.nextCursor ? (
          <button className="secondary" onClick={() => setBefore(a.nextCursor ?? undefined)}>
            {t('moreTxs')}
          </button>
        ) : null}
      </Card>
    </>
  );
}

/** Finds a block (height or hash), a transaction (hash) or an account (address). */
export function SearchBox({ onGo }: { onGo: (v: ExplorerView) => void }) {
  const t = useT(NETWORK_STRINGS);
  const [text, setText] = useState('');
  const [miss, setMiss] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const v = text.trim();
    setMiss(null);
    if (/^\d+$/.test(v)) return onGo({ kind: 'block', ref: v });
    if (/^0x[0-9a-fA-F]{40}$/.test(v)) return onGo({ kind: 'account', address: v });
    if (/^0x[0-9a-fA-F]{64}$/.test(v)) {
      // A 32-byte hash is a block or a transaction: ask for the block first.
      try {
        await call('chain.block', { hash: v });
        return onGo({ kind: 'block', ref: v });
      } catch {
        return onGo({ kind: 'tx', hash: v });
      }
    }
    setMiss(v);
  };
  return (
    <form onSubmit={submit} className="page-actions" style={{ marginBottom: 12 }}>
      <input
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder={t('search')}
        aria-label={t('search')}
        style={{ flex: 1, minWidth: 360 }}
        data-testid="explorer-search"
      />
      <button type="submit">{t('find')}</button>
      {miss ? <span className="muted">{t('notFound', { q: miss })}</span> : null}
    </form>
  );
}
