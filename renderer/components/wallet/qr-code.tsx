import QRCode from 'qrcode';
import { useEffect, useState } from 'react';

/**
 * A QR code of `text`, drawn as SVG by the `qrcode` package and shown through a data: URL (allowed by
 * the UI's CSP). Error correction M, so a slightly smudged print still scans.
 */
export function QrCode({ text, size = 180, label }: { text: string; size?: number; label: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }).then(
      (svg) => live && setSrc(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`),
      () => live && setSrc(null),
    );
    return () => {
      live = false;
    };
  }, [text]);
  return src ? (
    <img src={src} width={size} height={size} alt={label} data-testid="receive-qr" />
  ) : (
    <div style={{ width: size, height: size }} aria-busy />
  );
}
