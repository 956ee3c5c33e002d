import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { NodeStatus } from '../../main/contract/node';
import { q, useConnection } from '../api';
import { useMay } from '../components/access/use-may';
import { dashboardAlerts } from '../components/dashboard/alerts';
import { AlertsCard } from '../components/dashboard/alerts-card';
import { CamerasCard } from '../components/dashboard/cameras-card';
import { TodayCard } from '../components/dashboard/today-card';
import { WalletCard } from '../components/dashboard/wallet-card';
import { rangeFor, type SalesWindow } from '../components/sales/range';
import { useNow } from '../components/sales/use-now';
import { viewerTimeZone } from '../components/sales/use-sales-format';
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

/** How often the dashboard asks for today's sales without an event: the queue's age grows by itself. */
const SALES_REFRESH_MS = 10_000;

/** The store's morning view: what the person may read of today's sales, cameras and wallet, and the alerts. */
function useStoreView(now: number) {
  const maySales = useMay('sales.summary');
  const mayCameras = useMay('video.cameras');
  const [timeZone] = useState(viewerTimeZone);
  const today = rangeFor('today', now, timeZone) as SalesWindow;
  const summary = useQuery({
    ...q('sales.summary', today),
    enabled: maySales,
    refetchInterval: SALES_REFRESH_MS,
  });
  const cameras = useQuery({ ...q('video.cameras', {}), enabled: mayCameras });
  return { today, maySales, mayCameras, summary, cameras, mayWallet: useMay('wallet.status') };
}

/**
 * The manager's morning view: alerts first (each says what to do), today's sales against last week,
 * cameras up and down, the wallet's balance, and the node's live status (pushed `node.status`
 * events replace it every second).
 */
export function DashboardPage() {
  const t = useT(S);
  const connection = useConnection();
  const now = useNow(5_000);
  const status = useQuery(q('node.status', {}));
  const store = useStoreView(now);
  if (status.error) return <ErrorBox error={status.error} />;
  const s = status.data;
  const alerts = dashboardAlerts({
    nowMs: now,
    queue: store.summary.data?.queue,
    cameras: store.cameras.data,
    peers: s?.peers,
  });
  return (
    <>
      <PageHeader title={t('title')}>
        <span className={`pill ${connection === 'online' ? 'ok' : 'warn'}`} data-testid="connection">
          {connection === 'online' ? t('live') : t('offline')}
        </span>
      </PageHeader>
      {s ? <AlertsCard alerts={alerts} /> : null}
      <div className="grid">
        {store.maySales && store.summary.data ? (
          <TodayCard summary={store.summary.data} today={store.today} />
        ) : null}
        {store.summary.error ? <ErrorBox error={store.summary.error} /> : null}
        {store.mayCameras && store.cameras.data ? <CamerasCard cameras={store.cameras.data} /> : null}
        {store.mayWallet ? <WalletCard /> : null}
      </div>
      {!s ? <p>{t('loading')}</p> : <NodeCards s={s} />}
    </>
  );
}

function NodeCards({ s }: { s: NodeStatus }) {
  const t = useT(S);
  const f = useFormat();
  return (
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
  );
}
