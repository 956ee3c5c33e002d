import { useQuery } from '@tanstack/react-query';
import type { HttpsInfo } from '../../main/contract/node';
import { q, transportKind } from '../api';
import { ApiKeysCard } from '../components/access/api-keys-card';
import { useMay } from '../components/access/use-may';
import { Card, ErrorBox, PageHeader, Stat } from '../components/ui';
import { defineStrings, type Lang, LANGS, useFormat, useLang, useT } from '../i18n';

const S = defineStrings({
  en: {
    title: 'Settings',
    language: 'Language',
    about: 'About this node',
    version: 'Version',
    dataDir: 'Data folder',
    host: 'Running as',
    kernels: 'Frame kernels',
    native: 'native',
    js: 'JavaScript fallback',
    transport: 'UI connection',
    logs: 'Recent log',
    noLogs: 'No log lines yet.',
    runtime: 'Runtime',
    https: 'HTTPS certificate',
    httpsNode: "the node's own",
    httpsOwner: "the owner's",
    httpsValid: 'valid until',
    httpsOff: 'plain HTTP (this computer only)',
  },
  ru: {
    title: 'Настройки',
    language: 'Язык',
    about: 'Об узле',
    version: 'Версия',
    dataDir: 'Папка данных',
    host: 'Режим',
    kernels: 'Обработка кадров',
    native: 'нативная',
    js: 'JavaScript (запасной вариант)',
    transport: 'Подключение UI',
    logs: 'Последние записи журнала',
    noLogs: 'Журнал пока пуст.',
    runtime: 'Среда',
    https: 'Сертификат HTTPS',
    httpsNode: 'собственный сертификат узла',
    httpsOwner: 'сертификат владельца',
    httpsValid: 'действует до',
    httpsOff: 'обычный HTTP (только этот компьютер)',
  },
});

/** How browsers and tills reach this node: the certificate's fingerprint to check, or plain HTTP on this computer. */
function HttpsStat({ https }: { https: HttpsInfo | null }) {
  const t = useT(S);
  const f = useFormat();
  const value = https ? (
    <span data-testid="https-fingerprint">
      <code>SHA-256 {https.fingerprintSha256}</code>
      <br />
      <span className="muted">
        {https.source === 'node' ? t('httpsNode') : t('httpsOwner')} · {t('httpsValid')}{' '}
        {f.time(https.validToMs)}
      </span>
    </span>
  ) : (
    t('httpsOff')
  );
  return <Stat label={t('https')} value={value} />;
}

export function SettingsPage() {
  const t = useT(S);
  const f = useFormat();
  const { lang, setLang } = useLang();
  const info = useQuery(q('node.info', {}));
  const mayReadLogs = useMay('node.logs');
  const mayManageKeys = useMay('keys.list');
  const logs = useQuery({ ...q('node.logs', { limit: 50 }), refetchInterval: 5000, enabled: mayReadLogs });
  return (
    <>
      <PageHeader title={t('title')} />
      <div className="grid">
        <Card title={t('language')}>
          <select
            aria-label={t('language')}
            value={lang}
            onChange={(e) => setLang(e.target.value as Lang)}
            data-testid="lang-select"
          >
            {Object.entries(LANGS).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </Card>
        <Card title={t('about')}>
          {info.error ? <ErrorBox error={info.error} /> : null}
          {info.data ? (
            <>
              <Stat label={t('version')} value={info.data.version} />
              <Stat label={t('host')} value={info.data.host} />
              <Stat label={t('dataDir')} value={<code>{info.data.dataDir}</code>} />
              <Stat label={t('kernels')} value={info.data.nativeKernels ? t('native') : t('js')} />
              <Stat label={t('runtime')} value={`Node ${info.data.node} · ${info.data.platform}`} />
              <Stat label={t('transport')} value={transportKind.toUpperCase()} />
              {transportKind === 'http' ? <HttpsStat https={info.data.https} /> : null}
            </>
          ) : null}
        </Card>
        {mayManageKeys ? <ApiKeysCard /> : null}
      </div>
      {mayReadLogs ? (
        <Card title={t('logs')}>
          {logs.data?.length ? (
            <table className="table log">
              <tbody>
                {logs.data.map((l, i) => (
                  <tr key={i} className={`lvl-${l.level}`}>
                    <td className="muted">{f.time(l.timeMs)}</td>
                    <td>{l.level}</td>
                    <td>{l.component ?? ''}</td>
                    <td>{l.msg}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="muted">{t('noLogs')}</p>
          )}
        </Card>
      ) : null}
    </>
  );
}
