/** The registered stores: status, place, currency, royalty rate and the sales the chain recorded. */
import type { FranchiseView } from '../../../main/contract/franchise';
import { useLang, useT } from '../../i18n';
import { formatBps, formatMinor, formatTokens } from './money';
import { FRANCHISE_STRINGS as S } from './strings';

/** One row per store; `onEdit` (HQ's admin only) opens the edit form. */
export function FranchiseTable({
  items,
  onEdit,
}: {
  items: FranchiseView[];
  onEdit: ((f: FranchiseView) => void) | null;
}) {
  const t = useT(S);
  const { lang } = useLang();
  const locale = lang === 'ru' ? 'ru-RU' : 'en-GB';
  if (items.length === 0) return <p className="muted">{t('none')}</p>;
  return (
    <table className="table" data-testid="franchise-table">
      <thead>
        <tr>
          <th>{t('id')}</th>
          <th>{t('status')}</th>
          <th>{t('place')}</th>
          <th>{t('currency')}</th>
          <th>{t('royalty')}</th>
          <th>{t('orders')}</th>
          <th>{t('sales')}</th>
          <th>{t('royaltyMinted')}</th>
          {onEdit ? <th /> : null}
        </tr>
      </thead>
      <tbody>
        {items.map((f) => (
          <tr key={f.id} data-testid={`franchise-${f.id}`}>
            <td title={f.owner}>{f.id}</td>
            <td data-testid={`franchise-${f.id}-status`}>{t(f.status)}</td>
            <td>
              {f.city} / {f.region}
            </td>
            <td>{f.tokenomics.currency}</td>
            <td>{formatBps(f.tokenomics.royaltyBps, locale)}</td>
            <td>{new Intl.NumberFormat(locale).format(f.sales.orders)}</td>
            <td data-testid={`franchise-${f.id}-sales`}>
              {formatMinor(f.sales.amountMinor, f.tokenomics.currency, locale)}
            </td>
            <td>{formatTokens(f.sales.royaltyMinted, locale)}</td>
            {onEdit ? (
              <td>
                <button className="button" onClick={() => onEdit(f)} data-testid={`franchise-${f.id}-edit`}>
                  {t('edit')}
                </button>
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
