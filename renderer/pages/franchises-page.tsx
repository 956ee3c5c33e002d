import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { FranchiseView } from '../../main/contract/franchise';
import { onEvent, q } from '../api';
import { useMay } from '../components/access/use-may';
import { FranchiseForm } from '../components/franchise/franchise-form';
import { FranchiseTable } from '../components/franchise/franchise-table';
import { FRANCHISE_STRINGS as S } from '../components/franchise/strings';
import { Card, ErrorBox, PageHeader } from '../components/ui';
import { useT } from '../i18n';

/**
 * HQ's Franchises page: every store on the chain with its status, place, tokenomics and sales totals
 * (refreshed as blocks arrive); HQ's admin registers stores and edits them.
 */
export function FranchisesPage() {
  const t = useT(S);
  const qc = useQueryClient();
  const list = useQuery(q('franchise.list', { limit: 1000 }));
  const mayWrite = useMay('franchise.register');
  const [editing, setEditing] = useState<FranchiseView | null>(null);
  // A new block may carry sales or a registry change: refresh the totals.
  useEffect(
    () =>
      onEvent('chain.block', () => {
        void qc.invalidateQueries({ queryKey: ['franchise.list'] });
      }),
    [qc],
  );
  return (
    <div data-testid="franchises-page">
      <PageHeader title={t('title')} />
      <div className="grid">
        <Card title={t('stores')}>
          {list.error ? <ErrorBox error={list.error} /> : null}
          {list.data ? (
            <FranchiseTable items={list.data.items} onEdit={mayWrite ? setEditing : null} />
          ) : null}
          <p className="muted">{t('fromChain')}</p>
        </Card>
        {mayWrite ? (
          <FranchiseForm key={editing?.id ?? 'new'} editing={editing} onDone={() => setEditing(null)} />
        ) : null}
      </div>
    </div>
  );
}
