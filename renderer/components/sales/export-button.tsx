/** Exports every sale of the window as CSV (all pages of `sales.list`). */
import { useState } from 'react';
import { call } from '../../api';
import { useT } from '../../i18n';
import { downloadText } from '../download';
import { ErrorBox } from '../ui';
import { allSales, salesCsv } from './csv';
import { localDay, type SalesWindow } from './range';
import { SALES_STRINGS } from './strings';

/** The file's name: the window's first and last local day. */
export function csvFileName(w: SalesWindow, timeZone: string): string {
  return `sales-${localDay(w.from, timeZone)}--${localDay(w.to - 1, timeZone)}.csv`;
}

/** "Export CSV": fetches the window's sales page after page and saves them as one file. */
export function ExportButton({ span, timeZone }: { span: SalesWindow | null; timeZone: string }) {
  const t = useT(SALES_STRINGS);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (w: SalesWindow) => {
    setBusy(true);
    setError(null);
    try {
      const sales = await allSales((input) => call('sales.list', input), w);
      downloadText(csvFileName(w, timeZone), salesCsv(sales, timeZone));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button
        className="button"
        disabled={!span || busy}
        onClick={() => span && void run(span)}
        data-testid="sales-csv"
      >
        {busy ? t('exporting') : t('exportCsv')}
      </button>
      {error ? <ErrorBox error={error} /> : null}
    </>
  );
}
