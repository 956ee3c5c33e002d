import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { q } from '../../api';
import { useFormat, useT } from '../../i18n';
import { Card, ErrorBox } from '../ui';
import { NETWORK_STRINGS, hrefOf, short } from './strings';
import { TxTable } from './explorer';

/** The newest blocks, refreshed by every `chain.block` event; pages back with "Older blocks". */
export function RecentBlocks() {
  const t = useT(NETWORK_STRINGS);
  const f = useFormat();
  const [before, setBefore] = useState<number | undefined>(undefined);
  const blocks = useQuery(q('chain.blocks', before === undefined ? { limit: 15 } : { limit: 15, before }));
  if (blocks.error) return <ErrorBox error={blocks.error} />;
  const items = blocks.data?.items ?? [];
  return (
    <Card title={t('recentBlocks')} testId="recent-blocks">
      {items.length === 0 ? (
        <p className="muted">{blocks.isLoading ? t('loading') : t('noBlocks')}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>{t('block')}</th>
              <th>{t('time')}</th>
              <th>{t('txs')}</th>
              <th>{t('proposer')}</th>
              <th>{t('hash')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((b) => (
              <tr key={b.hash} data-testid="block-row">
                <td>
                  <a href={hrefOf({ kind: 'block', ref: String(b.height) })}>{f.number(b.height)}</a>
                </td>
                <td>{f.time(b.timeMs)}</td>
                <td>{b.txCount}</td>
                <td>
                  <a href={hrefOf({ kind: 'account', address: b.proposer })}>
                    <code>{short(b.proposer)}</code>
                  </a>
                </td>
                <td>
                  <code title={b.hash}>{short(b.hash)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="page-actions" style={{ marginTop: 8 }}>
        {before !== undefined ? (
          <button className="secondary" onClick={() => setBefore(undefined)}>
            {t('newest')}
          </button>
        ) : null}
        {blocks.data?.nextBefore ? (
          <button className="secondary" onClick={() => setBefore(blocks.data?.nextBefore ?? undefined)}>
            {t('older')}
          </button>
        ) : null}
      </div>
    </Card>
  );
}

/** One block: header facts, signers, evidence, and its transactions. */
export function BlockView({ refText }: { refText: string }) {
  const t = useT(NETWORK_STRINGS);
  const f = useFormat();
  const input = /^0x[0-9a-fA-F]{64}$/.test(refText)
    ? { hash: refText }
    : { height: Math.max(1, Math.floor(Number(refText)) || 1) };
  const block = useQuery(q('chain.block', input));
  if (block.error) return <ErrorBox error={block.error} />;
  const b = block.data;
  if (!b) return <p>{t('loading')}</p>;
  return (
    <>
      <Card title={t('blockTitle', { height: f.number(b.height) })} testId="block-view">
        <div className="stat">
          <span className="stat-label">{t('hash')}</span>
          <code className="stat-value">{b.hash}</code>
        </div>
        <div className="stat">
          <span className="stat-label">{t('time')}</span>
          <span className="stat-value">{f.time(b.timeMs)}</span>
        </div>
        <div className="stat">
          <span className="stat-label">{t('proposer')}</span>
          <a className="stat-value" href={hrefOf({ kind: 'account', address: b.proposer })}>
            <code>{b.proposer}</code>
          </a>
        </div>
        <div className="stat">
          <span className="stat-label">{t('round')}</span>
          <span className="stat-value">{b.round}</span>
        </div>
        <div className="stat">
          <span className="stat-label">{t('stateRoot')}</span>
          <code className="stat-value">{b.stateRoot}</code>
        </div>
        <div className="stat">
          <span className="stat-label">{t('signers')}</span>
          <span className="stat-value">{b.commitSigners.map((s) => short(s)).join(', ')}</span>
        </div>
        {b.evidence.length > 0 ? (
          <div className="stat">
            <span className="stat-label">{t('evidence')}</span>
            <span className="stat-value">
              {b.evidence.map((e) => `${short(e.validator)} @${e.height}/${e.round} ${e.type}`).join('; ')}
            </span>
          </div>
        ) : null}
        <div className="page-actions" style={{ marginTop: 8 }}>
          {b.height > 1 ? (
            <a className="button secondary" href={hrefOf({ kind: 'block', ref: String(b.height - 1) })}>
              ← {t('previous')}
            </a>
          ) : null}
          <a className="button secondary" href={hrefOf({ kind: 'block', ref: String(b.height + 1) })}>
            {t('next')} →
          </a>
        </div>
      </Card>
      <Card title={t('txs')}>
        {b.txs.length === 0 ? <p className="muted">{t('noTxs')}</p> : <TxTable txs={b.txs} />}
      </Card>
    </>
  );
}
