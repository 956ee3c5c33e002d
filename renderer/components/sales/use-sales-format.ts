/** Money, counts, changes, hours and days in the UI's language, for one currency (the franchise's). */
import { useMemo } from 'react';
import { useLang } from '../../i18n';
import { type Change, formatChange, formatCount, formatMoney, localeOf } from './money';

/** The viewer's IANA time zone (the browser's). */
export function viewerTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** Formatters for the Sales page and the dashboard; `currency` is the summary's. */
export function useSalesFormat(currency: string) {
  const { lang } = useLang();
  return useMemo(() => {
    const locale = localeOf(lang);
    const utc = (options: Intl.DateTimeFormatOptions) =>
      new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' });
    const hourF = utc({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    const dayF = utc({ day: 'numeric', month: 'short' });
    const weekdayF = new Intl.DateTimeFormat(locale, { weekday: 'long' });
    const timeF = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'medium' });
    const percentF = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 2 });
    return {
      locale,
      money: (minor: number) => formatMoney(minor, currency, locale),
      compactMoney: (minor: number) => formatMoney(minor, currency, locale, true),
      count: (n: number) => formatCount(n, locale),
      change: (c: Change) => formatChange(c, locale),
      /** `9` → `09:00`. */
      hour: (h: number) => hourF.format(Date.UTC(2000, 0, 1, h)),
      /** `2026-11-03` → `3 Nov` / `3 нояб.`. */
      day: (day: string) => dayF.format(Date.parse(`${day}T00:00:00Z`)),
      weekday: (ms: number) => weekdayF.format(ms),
      time: (ms: number) => timeF.format(ms),
      /** Basis points as a percentage: `500` → `5%`. */
      bps: (bps: number) => percentF.format(bps / 10_000),
    };
  }, [lang, currency]);
}

export type SalesFormat = ReturnType<typeof useSalesFormat>;
