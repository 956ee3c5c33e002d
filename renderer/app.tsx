import { QueryClientProvider, useQuery } from '@tanstack/react-query';
import { type ComponentType, useEffect, useState } from 'react';
import type { MethodName } from '../main/contract';
import type { Me } from '../main/contract/auth';
import { call, q, queryClient, sessionChanged, useConnection } from './api';
import { SignInPage } from './components/access/sign-in-page';
import { StepUpDialog } from './components/access/step-up-dialog';
import { mayByRoles } from './components/access/use-may';
import { defineStrings, LangProvider, useT } from './i18n';
import { DashboardPage } from './pages/dashboard-page';
import { FranchisesPage } from './pages/franchises-page';
import { NetworkPage } from './pages/network-page';
import { SalesPage } from './pages/sales-page';
import { SettingsPage } from './pages/settings-page';
import { TokensPage } from './pages/tokens-page';
import { UsersPage } from './pages/users-page';
import { AuditPage } from './pages/audit-page';
import { VideoPage } from './pages/video-page';

const S = defineStrings({
  en: {
    dashboard: 'Dashboard',
    sales: 'Sales',
    tokens: 'Tokens',
    video: 'Video',
    network: 'Network',
    settings: 'Settings',
    users: 'People',
    audit: 'Audit',
    franchises: 'Franchises',
    brand: 'Hot Pot Spot',
    offline: 'Connection to the node lost; reconnecting…',
    signOut: 'Sign out',
    signOutEverywhere: 'Sign out everywhere',
  },
  ru: {
    dashboard: 'Обзор',
    sales: 'Продажи',
    tokens: 'Токены',
    video: 'Видео',
    network: 'Сеть',
    settings: 'Настройки',
    users: 'Люди',
    audit: 'Аудит',
    franchises: 'Франшизы',
    brand: 'Hot Pot Spot',
    offline: 'Связь с узлом потеряна; переподключаемся…',
    signOut: 'Выйти',
    signOutEverywhere: 'Выйти везде',
  },
});

type PageId =
  'dashboard' | 'sales' | 'franchises' | 'tokens' | 'video' | 'network' | 'settings' | 'users' | 'audit';
/**
 * The navigation, in order. One entry per page under renderer/pages/; `needs` is the method the page
 * cannot work without, so a person sees only the pages their roles may use (the contract's rights).
 */
const PAGES: Array<{ id: PageId; icon: string; component: ComponentType; needs: MethodName }> = [
  { id: 'dashboard', icon: '◎', component: DashboardPage, needs: 'node.status' },
  { id: 'sales', icon: '¤', component: SalesPage, needs: 'sales.summary' },
  { id: 'franchises', icon: '⌂', component: FranchisesPage, needs: 'franchise.list' },
  { id: 'tokens', icon: '◈', component: TokensPage, needs: 'wallet.status' },
  { id: 'video', icon: '▣', component: VideoPage, needs: 'video.cameras' },
  { id: 'network', icon: '⬡', component: NetworkPage, needs: 'network.peers' },
  { id: 'settings', icon: '⚙', component: SettingsPage, needs: 'node.info' },
  { id: 'users', icon: '☺', component: UsersPage, needs: 'users.list' },
  { id: 'audit', icon: '☰', component: AuditPage, needs: 'audit.list' },
];

/** The pages `me` may use. */
function pagesFor(me: Me) {
  return PAGES.filter((p) => mayByRoles(me, p.needs));
}

function pageFromHash(pages: typeof PAGES): PageId {
  const id = location.hash.replace(/^#\/?/, '').split('/')[0];
  return pages.some((p) => p.id === id) ? (id as PageId) : 'dashboard';
}

/** Signed in: the shell; else the sign-in page (or, on a node with nobody yet, the owner's setup). */
function Gate() {
  const auth = useQuery(q('auth.status', {}));
  if (!auth.data) return <main className="content">{auth.error ? String(auth.error) : null}</main>;
  if (!auth.data.me) return <SignInPage setup={auth.data.setupNeeded} />;
  return <Shell me={auth.data.me} />;
}

function Shell({ me }: { me: Me }) {
  const t = useT(S);
  const pages = pagesFor(me);
  const [page, setPage] = useState<PageId>(() => pageFromHash(pages));
  const connection = useConnection();
  useEffect(() => {
    const onHash = () => setPage(pageFromHash(pagesFor(me)));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, [me]);
  const Current = (pages.find((p) => p.id === page) ?? pages[0]!).component;
  const signOut = async (everywhere: boolean) => {
    await call(everywhere ? 'auth.signOutEverywhere' : 'auth.signOut', {}).catch(() => undefined);
    sessionChanged();
  };
  return (
    <div className="shell">
      <nav className="nav" aria-label="main">
        <div className="brand">
          <span className="logo" aria-hidden />
          {t('brand')}
        </div>
        {pages.map((p) => (
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
        <div className="nav-me" data-testid="me">
          <div className="muted">{me.username}</div>
          <button className="button" onClick={() => void signOut(false)} data-testid="sign-out">
            {t('signOut')}
          </button>
          <button className="button" onClick={() => void signOut(true)} data-testid="sign-out-everywhere">
            {t('signOutEverywhere')}
          </button>
        </div>
      </nav>
      <main className="content">
        {connection === 'offline' ? <div className="banner warn">{t('offline')}</div> : null}
        <Current />
      </main>
    </div>
  );
}

/** The renderer's root: react-query, language, sign-in, and the shell with its navigation. */
export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <LangProvider>
        <Gate />
        <StepUpDialog />
      </LangProvider>
    </QueryClientProvider>
  );
}
