import { useQuery } from '@tanstack/react-query';
import { q } from '../api';
import { Card, ErrorBox, PageHeader, Stat } from '../components/ui';
import { defineStrings, useT } from '../i18n';

const S = defineStrings({
  en: { title: 'Network', chain: 'Chain', height: 'Height', peers: 'Connected stores', sync: 'Sync', syncing: 'catching up', inSync: 'in sync' },
  ru: { title: 'Сеть', chain: 'Сеть', height: 'Высота', peers: 'Подключённые рестораны', sync: 'Синхронизация', syncing: 'догоняет', inSync: 'синхронизирован' },
});

/** The network: chain head and peers (validators, blocks and peers lists come with the ledger and network services). */
export function NetworkPage() {
  const t = useT(S);
  const status = useQuery(q('node.status', {}));
  if (status.error) return <ErrorBox error={status.error} />;
  const s = status.data;
  return (
    <>
      <PageHeader title={t('title')} />
      {s ? (
        <Card title={t('chain')}>
          <Stat label={t('chain')} value={s.chainId} />
          <Stat label={t('height')} value={s.height} />
          <Stat label={t('peers')} value={s.peers} />
          <Stat label={t('sync')} value={s.syncing ? t('syncing') : t('inSync')} />
        </Card>
      ) : null}
    </>
  );
}
