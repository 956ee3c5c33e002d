/** The send card's first step: from, to (checked as typed), amount and fee, then "Review". */
import { Stat, ErrorBox } from '../ui';
import { useT } from '../../i18n';
import { SEND_STRINGS } from './send-strings';
import type { SendFormState } from './use-send-form';

/** The transfer form; submitting asks the node for a preview (`form.review`). */
export function SendForm({ from, form }: { from: string; form: SendFormState }) {
  const t = useT(SEND_STRINGS);
  const { action: a, to, problem } = form;
  return (
    <form onSubmit={form.review}>
      <Stat label={t('from')} value={<code>{from}</code>} />
      <label>
        {t('to')}
        <input
          value={to}
          onChange={(e) => form.setTo(e.target.value)}
          spellCheck={false}
          autoComplete="off"
          data-testid="send-to"
          aria-invalid={problem === 'shape' || problem === 'checksum'}
        />
      </label>
      {problem === 'shape' && to.trim().length >= 42 ? (
        <p className="error" data-testid="send-to-error">
          {t('badShape')}
        </p>
      ) : null}
      {problem === 'checksum' ? (
        <p className="error" data-testid="send-to-error">
          {t('badChecksum')}
        </p>
      ) : null}
      <label>
        {t('amount')}
        <input
          value={form.amount}
          inputMode="numeric"
          onChange={(e) => form.setAmount(e.target.value.trim())}
          data-testid="send-amount"
        />
      </label>
      <label>
        {t('fee')}
        <input value={form.fee} inputMode="numeric" onChange={(e) => form.setFee(e.target.value.trim())} />
      </label>
      {a.error ? <ErrorBox error={a.error} /> : null}
      {form.sentHash ? (
        <p className="pill ok" data-testid="send-done">
          {t('sent', { hash: form.sentHash })}
        </p>
      ) : null}
      <button type="submit" disabled={a.busy || problem !== null || !form.amountOk} data-testid="send-review">
        {t('review')}
      </button>
    </form>
  );
}
