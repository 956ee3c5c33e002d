import { PageHeader } from '../components/ui';
import { defineStrings, useT } from '../i18n';

const S = defineStrings({
  en: {
    title: 'Sales',
    empty: 'No sales have been recorded on this node yet.',
    how: "POS terminals post sales to this node's REST API; each batch is recorded on the ledger and mints loyalty tokens by the franchise's tokenomics. Terminal keys and the sales reports (by hour, day, item and store, royalties owed) arrive with store operations.",
  },
  ru: {
    title: 'Продажи',
    empty: 'На этом узле пока нет продаж.',
    how: 'POS-терминалы отправляют продажи в REST API узла; каждая партия записывается в реестр и начисляет бонусные токены по правилам франшизы. Ключи терминалов и отчёты (по часам, дням, позициям и ресторанам, роялти) появятся вместе с модулем операций ресторана.',
  },
});

/** Sales: empty until POS ingestion (roadmap "Store operations") lands; says so plainly. */
export function SalesPage() {
  const t = useT(S);
  return (
    <>
      <PageHeader title={t('title')} />
      <div className="empty">
        <p>{t('empty')}</p>
        <p className="muted">{t('how')}</p>
      </div>
    </>
  );
}
