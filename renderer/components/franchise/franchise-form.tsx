/** HQ's admin registers a store, or edits one: status, place, owner key and tokenomics. */
import { FRANCHISE_STATUSES, type FranchiseView } from '../../../main/contract/franchise';
import { useT } from '../../i18n';
import { Card, ErrorBox, NameField } from '../ui';
import { FRANCHISE_STRINGS as S } from './strings';
import { type FranchiseFields, useFranchiseForm } from './use-franchise-form';

/** The register form (`editing` null) or the edit form of one store. */
export function FranchiseForm({ editing, onDone }: { editing: FranchiseView | null; onDone: () => void }) {
  const t = useT(S);
  const f = useFranchiseForm(editing, onDone);
  const text = (k: keyof FranchiseFields, label: string) => (
    <NameField
      label={label}
      value={f.fields[k]}
      onChange={f.set(k)}
      autoComplete="off"
      testId={`franchise-${k}`}
    />
  );
  return (
    <Card title={editing ? t('editing', { id: editing.id }) : t('register')} testId="franchise-form">
      <form onSubmit={f.submit}>
        {editing ? null : text('id', t('id'))}
        {text('owner', t('owner'))}
        <label>
          {t('status')}
          <select
            value={f.fields.status}
            onChange={(e) => f.set('status')(e.target.value)}
            data-testid="franchise-status"
          >
            {FRANCHISE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(s)}
              </option>
            ))}
          </select>
        </label>
        {text('city', t('city'))}
        {text('region', t('region'))}
        {text('currency', t('currency'))}
        {text('royaltyBps', t('royaltyBps'))}
        {text('validatorRewardBps', t('rewardBps'))}
        {text('tokensPerMinorUnit', t('tokensPerMinor'))}
        {f.error ? <ErrorBox error={f.error} /> : null}
        <button className="button primary" type="submit" disabled={f.busy} data-testid="franchise-submit">
          {f.busy ? t('saving') : editing ? t('save') : t('registerButton')}
        </button>
        {editing ? (
          <button className="button" type="button" onClick={onDone}>
            {t('cancel')}
          </button>
        ) : null}
      </form>
    </Card>
  );
}
