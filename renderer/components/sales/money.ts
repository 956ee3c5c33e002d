/**
 * Money and change on the Sales page and the dashboard, through `Intl`: integer minor units of the
 * franchise's currency shown in the viewer's language, exact decimal text for exports, and the
 * change against the same window a week earlier. Pure (no DOM), so tests run it in Node.
 */

/** The locale each UI language formats with (the same as `useFormat` in renderer/i18n.tsx). */
export function localeOf(lang: 'en' | 'ru'): string {
  return lang === 'ru' ? 'ru-RU' : 'en-GB';
}

const digitsCache = new Map<string, number>();

/** How many minor-unit digits `currency` has (USD and RUB 2, JPY 0, KWD 3), as ISO 4217 and `Intl` say. */
export function minorDigits(currency: string): number {
  let d = digitsCache.get(currency);
  if (d === undefined) {
    d =
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2;
    digitsCache.set(currency, d);
  }
  return d;
}

/**
 * Whole minor units as exact major-unit text with a dot and no grouping, for CSV: `123456` USD →
 * `"1234.56"`, `-5` → `"-0.05"`, `500` JPY → `"500"`. Never through floating point.
 */
export function majorText(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  const sign = minor < 0 ? '-' : '';
  const abs = String(Math.abs(Math.trunc(minor))).padStart(digits + 1, '0');
  if (digits === 0) return sign + abs;
  return `${sign}${abs.slice(0, -digits)}.${abs.slice(-digits)}`;
}

const formats = new Map<string, Intl.NumberFormat>();

function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, options);
    formats.set(key, f);
  }
  return f;
}

/**
 * Minor units as money in `locale`: `formatMoney(123456, 'USD', 'en-GB')` → `"$1,234.56"`;
 * in `ru-RU` → `"1 234,56 $"` (a no-break space groups), and RUB → `"1 234,56 ₽"`. The narrow
 * symbol is used because a store has one currency and its code is on the page. `compact` gives
 * chart axes' short forms (`"$1.2K"`, `"1,2 тыс. $"`).
 */
export function formatMoney(minor: number, currency: string, locale: string, compact = false): string {
  const digits = minorDigits(currency);
  const f = numberFormat(locale, {
    style: 'currency',
    currency,
    currencyDisplay: 'narrowSymbol',
    ...(compact ? { notation: 'compact', maximumFractionDigits: 1 } : {}),
  });
  return f.format(minor / 10 ** digits);
}

/** A count in `locale` (`12 345` in Russian, `12,345` in English). */
export function formatCount(n: number, locale: string): string {
  return numberFormat(locale, {}).format(n);
}

/** How a figure moved against the same window a week earlier. */
export type Change =
  | { kind: 'up' | 'down' | 'flat'; ratio: number }
  /** Nothing a week earlier, something now: no percentage means anything. */
  | { kind: 'new' }
  /** Nothing then and nothing now. */
  | { kind: 'none' };

/**
 * `now` against `before`: the relative change (0.25 is +25 %), `new` when there was nothing before.
 * A change below 0.05 % either way is `flat`.
 */
export function changeVsLastWeek(now: number, before: number): Change {
  if (before === 0) return now === 0 ? { kind: 'none' } : { kind: 'new' };
  const ratio = (now - before) / Math.abs(before);
  if (Math.abs(ratio) < 0.0005) return { kind: 'flat', ratio: 0 };
  return { kind: ratio > 0 ? 'up' : 'down', ratio };
}

/** A change as a signed percentage in `locale` (`+25%`, `−3.4%`, `+25 %` in Russian); null for `new` and `none`. */
export function formatChange(change: Change, locale: string): string | null {
  if (change.kind === 'new' || change.kind === 'none') return null;
  return numberFormat(locale, {
    style: 'percent',
    signDisplay: 'exceptZero',
    maximumFractionDigits: 1,
  }).format(change.ratio);
}
