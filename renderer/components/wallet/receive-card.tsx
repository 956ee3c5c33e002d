/** The card that shows the selected account's address to receive on: QR code, text, copy button. */
import { useState } from 'react';
import { defineStrings, useT } from '../../i18n';
import { Card } from '../ui';
import { QrCode } from './qr-code';

const S = defineStrings({
  en: {
    receive: 'Receive',
    receiveHint: 'Share this address or let the sender scan the code.',
    copy: 'Copy address',
    copied: 'Copied',
  },
  ru: {
    receive: 'Получить',
    receiveHint: 'Передайте адрес или дайте отсканировать код.',
    copy: 'Копировать адрес',
    copied: 'Скопировано',
  },
});

/** `address` as a QR code and as text, with a button that copies it. */
export function ReceiveCard({ address }: { address: string }) {
  const t = useT(S);
  return (
    <Card title={t('receive')} testId="wallet-receive">
      <p className="muted">{t('receiveHint')}</p>
      <QrCode text={address} label={address} />
      <p>
        <code data-testid="receive-address">{address}</code>
      </p>
      <CopyButton text={address} />
    </Card>
  );
}

function CopyButton({ text }: { text: string }) {
  const t = useT(S);
  const [done, setDone] = useState(false);
  return (
    <button
      className="secondary"
      onClick={() =>
        void navigator.clipboard.writeText(text).then(() => {
          setDone(true);
          setTimeout(() => setDone(false), 1500);
        })
      }
    >
      {done ? t('copied') : t('copy')}
    </button>
  );
}
