import { QueryClientProvider } from '@tanstack/react-query';
import { type ComponentType, useEffect, useState } from 'react';
import { queryClient, useConnection } from './api';
import { defineStrings, LangProvider, useT } from './i18n';
import { DashboardPage } from './pages/dashboard-page';
import { NetworkPage } from './pages/network-page';
import { SalesPage } from './pages/sales-page';
import { SettingsPage } from './pages/settings-page';
import { TokensPage } from './pages/tokens-page';
import { VideoPage } from './pages/video-page';

const S = defineStrings({
  en: {
    dashboard: 'Dashboard',
    sales: 'Sales',
    tokens: 'Tokens',
    video: 'Video',
    network: 'Network',
    settings: 'Settings',
    brand: 'Hot Pot Spot',
    offline: 'Connection to the node lost; reconnecting…',
  },
  ru: {
    dashboard: 'Обзор',
    sales: 'Продажи',
    tokens: 'Токены',
    video: 'Видео',
    network: 'Сеть',
    settings: 'Настройки',
    brand: 'Hot Pot Spot',
    offline: 'Связь с узлом потеряна; переподключаемся…',
  },
});

type PageId = 'dashboard' | 'sales' | 'tokens' | 'video' | 'network' | 'settings';
/** The navigation, in order. One entry per page under renderer/pages/. */
const PAGES: Array<{ id: PageId; icon: string; component: ComponentType }> = [
  { id: 'dashboard', icon: '◎', component: DashboardPage },
  { id: 'sales', icon: '¤', component: SalesPage },
  { id: 'tokens', icon: '◈', component: TokensPage },
  { id: 'video', icon: '▣', component: VideoPage },
  { id: 'network', icon: '⬡', component: NetworkPage },
  { id: 'settings', icon: '⚙', component: SettingsPage },
];

function pageFromHash(): PageId {
  const id = location.hash.replace(/^#\/?/, '').split('/')[0];
  return PAGES.some((p) => p.id === id) ? (id as PageId) : 'dashboard';
}

function Shell() {
  const t = useT(S);
  const [page, setPage] = useState<PageId>(pageFromHash);
  const connection = useConnection();
  useEffect(() => {
    const onHash = () => setPage(pageFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const Current = PAGES.find((p) => p.id === page)!.component;
  return (
    <div className="shell">
      <nav className="nav" aria-label="main">
        <div className="brand">
          <span className="logo" aria-hidden />
          {t('brand')}
        </div>
        {PAGES.map((p) => (
          <a
            key={p.id}
            href={`#/${p.id}`}
            className={p.id === page ? 'active' : ''}
            aria-current={p.id === page ? 'page' : undefined}
            data-testid={`nav-${p.id}`}
          >
            <span className="icon" aria-hidden>
              {p.icon}
            </span>
            {t(p.id)}
          </a>
        ))}
      </nav>
      <main className="content">
        {connection === 'offline' ? <div className="banner warn">{t('offline')}</div> : null}
        <Current />
      </main>
    </div>
  );
}

/** The renderer's root: react-query, language, and the shell with its navigation. */
export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <LangProvider>
        <Shell />
      </LangProvider>
    </QueryClientProvider>
  );
}
