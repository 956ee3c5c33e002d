import { useQuery } from '@tanstack/react-query';
import { q } from '../../api';
import { useT } from '../../i18n';
import { Card, ErrorBox } from '../ui';
import { NETWORK_STRINGS, hrefOf, ppmPercent, short } from './strings';

/** Validators with score, reputation, stake, region, voting power and status. */
export function ValidatorsTable() {
  const t = useT(NETWORK_STRINGS);
  const vals = useQuery(q('chain.validators', {}));
  if (vals.error) return <ErrorBox error={vals.error} />;
  const items = vals.data ?? [];
  return (
    <Card title={t('validators')} testId="validators">
      <table className="table">
        <thead>
          <tr>
            <th>{t('address')}</th>
            <th>{t('score')}</th>
            <th>{t('reputation')}</th>
            <th>{t('stake')}</th>
            <th>{t('region')}</th>
            <th>{t('power')}</th>
            <th>{t('status')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((v) => (
            <tr key={v.address} data-testid="validator-row">
              <td>
                <a href={hrefOf({ kind: 'account', address: v.address })}>
                  <code title={v.address}>{short(v.address)}</code>
                </a>
              </td>
              <td>{ppmPercent(v.scorePpm)}</td>
              <td>{ppmPercent(v.reputationPpm)}</td>
              <td title={v.unbonding !== '0' ? `${t('unbonding')}: ${v.unbonding}` : undefined}>{v.stake}</td>
              <td>{v.region}</td>
              <td>{v.votingPower}</td>
              <td>
                <span className={`pill ${v.jailed ? 'err' : v.active ? 'ok' : 'warn'}`}>
                  {v.jailed ? t('jailed') : v.active ? t('active') : t('candidate')}
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}
