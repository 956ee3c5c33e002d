/** The send card's second step: the node's preview of the transfer, to confirm or cancel. */
import type { SendPreview } from '../../../main/contract/wallet';
import { useT } from '../../i18n';
import { ErrorBox, Stat } from '../ui';
import { SEND_STRINGS } from './send-strings';
import type { SendFormState } from './use-send-form';

/** What will be sent (from, to, amount, fee, total, nonce, chain); "Confirm and send" signs exactly that. */
export function SendConfirm({ preview, form }: { preview: SendPreview; form: SendFormState }) {
  const t = useT(SEND_STRINGS);
  const a = form.action;
  return (
    <div data-testid="send-confirm">
      <h4>{t('confirmTitle')}</h4>
      <Stat label={t('from')} value={<code>{preview.from}</code>} />
      <Stat label={t('to')} value={<code>{form.to.trim()}</code>} />
      <Stat label={t('amount')} value={preview.amount} />
      <Stat label={t('fee')} value={preview.fee} />
      <Stat label={t('total')} value={preview.total} />
      <Stat label={t('nonce')} value={preview.nonce} />
      <Stat label={t('chain')} value={preview.chainId} />
      {a.error ? <ErrorBox error={a.error} /> : null}
      <div className="page-actions">
        <button
          disabled={a.busy}
          data-testid="send-confirm-btn"
          onClick={() => form.confirm(preview.previewId)}
        >
          {t('confirm')}
        </button>
        <button className="secondary" disabled={a.busy} onClick={form.cancel}>
          {t('cancel')}
        </button>
      </div>
    </div>
  );
}
