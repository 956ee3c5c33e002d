import { useQuery } from '@tanstack/react-query';
import { q, useConnection } from '../api';
import { Card, ErrorBox, PageHeader, Stat } from '../components/ui';
import { defineStrings, useFormat, useT } from '../i18n';

const S = defineStrings({
  en: {
    title: 'Dashboard',
    chain: 'Chain',
    height: 'Height',
    lastBlock: 'Last block',
    peers: 'Peers',
    sync: 'Sync',
    syncing: 'catching up',
    inSync: 'in sync',
    role: 'Role',
    validator: 'validator',
    observer: 'observer',
    uptime: 'Uptime',
    version: 'Version',
    noBlocks: 'no blocks yet',
    live: 'live',
    offline: 'reconnecting…',
    loading: 'Loading…',
    node: 'This node',
  },
  ru: {
    title: 'Обзор',
    chain: 'Сеть',
    height: 'Высота',
    lastBlock: 'Последний блок',
    peers: 'Узлы',
    sync: 'Синхронизация',
    syncing: 'догоняет',
    inSync: 'синхронизирован',
    role: 'Роль',
    validator: 'валидатор',
    observer: 'наблюдатель',
    uptime: 'Время работы',
    version: 'Версия',
    noBlocks: 'блоков пока нет',
    live: 'в сети',
    offline: 'переподключение…',
    loading: 'Загрузка…',
    node: 'Этот узел',
  },
});

function formatUptime(ms: number): string {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h ${m}m` : m > 0 ? `${m}m ${s % 60}s` : `${s}s`;
}

/** The node's live status: pushed `node.status` events replace the query's data every second. */
export function DashboardPage() {
  const t = useT(S);
  const f = useFormat();
  const connection = useConnection();
  const status = useQuery(q('node.status', {}));
  if (status.error) return <ErrorBox error={status.error} />;
  const s = status.data;
  return (
    <>
      <PageHeader title={t('title')}>
        <span className={`pill ${connection === 'online' ? 'ok' : 'warn'}`} data-testid="connection">
          {connection === 'online' ? t('live') : t('offline')}
        </span>
      </PageHeader>
      {!s ? (
        <p>{t('loading')}</p>
      ) : (
        <div className="grid">
          <Card title={t('chain')}>
            <Stat label={t('chain')} value={s.chainId} testId="chain-id" />
            <Stat label={t('height')} value={f.number(s.height)} testId="height" />
            <Stat
              label={t('lastBlock')}
              value={s.hash ? <code title={s.hash}>{s.hash.slice(0, 18)}…</code> : t('noBlocks')}
              testId="head-hash"
            />
            {s.blockTimeMs ? <div className="muted">{f.time(s.blockTimeMs)}</div> : null}
          </Card>
          <Card title={t('node')}>
            <Stat label={t('peers')} value={s.peers} testId="peers" />
            <Stat label={t('sync')} value={s.syncing ? t('syncing') : t('inSync')} testId="syncing" />
            <Stat label={t('role')} value={s.validator ? t('validator') : t('observer')} />
            <Stat label={t('uptime')} value={formatUptime(s.uptimeMs)} testId="uptime" />
            <Stat label={t('version')} value={s.version} />
          </Card>
        </div>
      )}
    </>
  );
}
