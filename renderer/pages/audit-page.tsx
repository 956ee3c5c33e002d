import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { AuditEntry } from '../../main/contract/audit';
import { call, q } from '../api';
import { downloadText } from '../components/download';
import { Card, ErrorBox, PageHeader } from '../components/ui';
import { defineStrings, useLang, useT } from '../i18n';

const S = defineStrings({
  en: {
    title: 'Audit log',
    intact: 'Intact: every entry is chained to the one before.',
    tampered: 'Tampered with:',
    actor: 'Who',
    action: 'What',
    resource: 'Resource',
    when: 'When',
    from: 'From',
    result: 'Result',
    ok: 'done',
    failed: 'refused or failed',
    failedOnly: 'Only refused or failed',
    exportCsv: 'Export CSV',
    verify: 'Check the chain',
  },
  ru: {
    title: 'Журнал аудита',
    intact: 'Цел: каждая запись связана с предыдущей.',
    tampered: 'Изменён:',
    actor: 'Кто',
    action: 'Что',
    resource: 'Объект',
    when: 'Когда',
    from: 'Откуда',
    result: 'Итог',
    ok: 'выполнено',
    failed: 'отказ или ошибка',
    failedOnly: 'Только отказы и ошибки',
    exportCsv: 'Экспорт CSV',
    verify: 'Проверить цепочку',
  },
});

/** The owner's and the auditor's page: privileged acts, filtered, exported, and the chain checked. */
export function AuditPage() {
  const t = useT(S);
  const { lang } = useLang();
  const [actor, setActor] = useState('');
  const [action, setAction] = useState('');
  const [failedOnly, setFailedOnly] = useState(false);
  const filter = {
    limit: 200,
    ...(actor ? { actor } : {}),
    ...(action ? { action } : {}),
    ...(failedOnly ? { failedOnly } : {}),
  };
  const entries = useQuery(q('audit.list', filter));
  const verdict = useQuery(q('audit.verify', {}));
  const when = new Intl.DateTimeFormat(lang, { dateStyle: 'short', timeStyle: 'medium' });
  return (
    <div data-testid="audit-page">
      <PageHeader title={t('title')}>
        <button className="button" onClick={() => void verdict.refetch()}>
          {t('verify')}
        </button>
        <button
          className="button"
          data-testid="audit-csv"
          onClick={async () =>
            downloadText('audit-log.csv', toCsv(await call('audit.list', { ...filter, limit: 1000 })))
          }
        >
          {t('exportCsv')}
        </button>
      </PageHeader>
      {verdict.data ? (
        <div className={verdict.data.ok ? 'banner' : 'banner warn'} data-testid="audit-verdict">
          {verdict.data.ok ? t('intact') : `${t('tampered')} ${verdict.data.problem?.message ?? ''}`}
        </div>
      ) : null}
      <Card title={t('title')}>
        <div className="page-actions">
          <input placeholder={t('actor')} value={actor} onChange={(e) => setActor(e.target.value)} />
          <input placeholder={t('action')} value={action} onChange={(e) => setAction(e.target.value)} />
          <label className="check">
            <input type="checkbox" checked={failedOnly} onChange={(e) => setFailedOnly(e.target.checked)} />
            {t('failedOnly')}
          </label>
        </div>
        {entries.error ? <ErrorBox error={entries.error} /> : null}
        <table className="table" data-testid="audit-entries">
          <thead>
            <tr>
              <th>#</th>
              <th>{t('when')}</th>
              <th>{t('actor')}</th>
              <th>{t('action')}</th>
              <th>{t('resource')}</th>
              <th>{t('from')}</th>
              <th>{t('result')}</th>
            </tr>
          </thead>
          <tbody>
            {(entries.data ?? []).map((e) => (
              <tr key={e.seq}>
                <td>{e.seq}</td>
                <td>{when.format(e.atMs)}</td>
                <td>{e.actor}</td>
                <td>{e.action}</td>
                <td className="mono">{e.resource}</td>
                <td>{e.ip}</td>
                <td>{e.success ? t('ok') : `${t('failed')} (${String(e.details['error'] ?? '')})`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
    </div>
  );
}

/** The entries as CSV (RFC 4180), every field quoted. */
function toCsv(entries: AuditEntry[]): string {
  const cols = [
    'seq',
    'atMs',
    'actor',
    'action',
    'resource',
    'ip',
    'userAgent',
    'success',
    'details',
    'prevHash',
    'hash',
  ] as const;
  const cell = (v: unknown) => `"${(typeof v === 'string' ? v : JSON.stringify(v)).replace(/"/g, '""')}"`;
  return [cols.join(','), ...entries.map((e) => cols.map((c) => cell(e[c])).join(','))].join('\r\n') + '\r\n';
}
