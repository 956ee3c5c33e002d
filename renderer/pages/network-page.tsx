import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { onEvent, q } from '../api';
import { BlockView, RecentBlocks } from '../components/network/blocks';
import { AccountDetail, SearchBox, TxDetail } from '../components/network/explorer';
import { PeersCard } from '../components/network/peers';
import { NETWORK_STRINGS, type ExplorerView, hrefOf, viewFromHash } from '../components/network/strings';
import { ValidatorsTable } from '../components/network/validators';
import { Card, ErrorBox, PageHeader, Stat } from '../components/ui';
import { useFormat, useT } from '../i18n';

/**
 * The network: chain head, recent blocks (live through `chain.block` events), validators, peers with
 * add-by-address, and a block explorer (block → its transactions → account) under `#/network/…`.
 */
export function NetworkPage() {
  const t = useT(NETWORK_STRINGS);
  const f = useFormat();
  const [view, setView] = useState<ExplorerView>(() => viewFromHash(location.hash));
  useEffect(() => {
    const onHash = () => setView(viewFromHash(location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const client = useQueryClient();
  // `chain.block` shares its name with the chain.block method, so the generic event wiring does not
  // refresh the chain queries for it: do it here on every new head.
  useEffect(
    () =>
      onEvent(
        'chain.block',
        () =>
          void client.invalidateQueries({
            predicate: (query) =>
              String(query.queryKey[0]).startsWith('chain.') && query.queryKey[0] !== 'chain.block',
          }),
      ),
    [client],
  );
  const head = useQuery(q('chain.head', {}));
  const status = useQuery(q('node.status', {}));
  const go = (v: ExplorerView) => {
    location.hash = hrefOf(v);
  };
  return (
    <>
      <PageHeader title={t('title')}>
        {view.kind !== 'home' ? <a href={hrefOf({ kind: 'home' })}>← {t('back')}</a> : null}
      </PageHeader>
      <SearchBox onGo={go} />
      {view.kind === 'block' ? <BlockView refText={view.ref} /> : null}
      {view.kind === 'tx' ? <TxDetail hash={view.hash} /> : null}
      {view.kind === 'account' ? <AccountDetail address={view.address} /> : null}
      {view.kind === 'home' ? (
        <>
          {head.error ? <ErrorBox error={head.error} /> : null}
          <div className="grid">
            <Card title={t('chain')}>
              <Stat label={t('chain')} value={head.data?.chainId ?? '…'} />
              <Stat
                label={t('height')}
                value={head.data ? f.number(head.data.height) : '…'}
                testId="network-height"
              />
              <Stat label={t('round')} value={head.data?.round ?? '…'} />
              <Stat label={t('mempool')} value={head.data?.mempoolTxs ?? '…'} />
            </Card>
            <Card title={t('role')}>
              <Stat label={t('role')} value={head.data?.validator ? t('validator') : t('observer')} />
              <Stat label={t('peersCount')} value={status.data?.peers ?? '…'} />
              <Stat label={t('sync')} value={status.data?.syncing ? t('syncing') : t('inSync')} />
            </Card>
          </div>
          <RecentBlocks />
          <ValidatorsTable />
          <PeersCard />
        </>
      ) : null}
    </>
  );
}
