/** The send card: the transfer form until the node has previewed it, then the confirmation. */
import { useT } from '../../i18n';
import { Card } from '../ui';
import { SendConfirm } from './send-confirm';
import { SendForm } from './send-form';
import { SEND_STRINGS } from './send-strings';
import { useSendForm } from './use-send-form';

/** Sends from `from` in two steps: review (preview), then confirm. */
export function SendCard({ from }: { from: string }) {
  const t = useT(SEND_STRINGS);
  const form = useSendForm(from);
  return (
    <Card title={t('send')} testId="wallet-send">
      {!form.preview ? (
        <SendForm from={from} form={form} />
      ) : (
        <SendConfirm preview={form.preview} form={form} />
      )}
    </Card>
  );
}
