/**
 * Amounts of the franchise registry for people: a sale total in minor units of a store's currency
 * shown as money in that currency, and token counts and rates, all through `Intl` in the UI's language.
 */

/** How many minor units make one of `currency` (100 for USD and RUB, 1 for JPY), as Intl knows it. */
function fractionDigits(currency: string): number {
  try {
    return (
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2
    );
  } catch {
    return 2;
  }
}

/**
 * `amountMinor` (a decimal string of minor units) as money in `currency`, exactly (no float rounding).
 *
 * @example formatMinor('123456', 'RUB', 'ru-RU') // "1 234,56 ₽"
 */
export function formatMinor(amountMinor: string, currency: string, locale: string): string {
  const digits = fractionDigits(currency);
  const padded = amountMinor.padStart(digits + 1, '0');
  const decimal = digits === 0 ? padded : `${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
  try {
    const f = new Intl.NumberFormat(locale, { style: 'currency', currency });
    // A decimal string keeps every digit (Intl.NumberFormat v3); the cast is for TypeScript's older lib.
    return f.format(decimal as unknown as number);
  } catch {
    return `${decimal} ${currency}`;
  }
}

/** A whole count of tokens (a decimal string), grouped for `locale`. */
export function formatTokens(amount: string, locale: string): string {
  return new Intl.NumberFormat(locale).format(BigInt(amount));
}

/** Basis points as a percentage for `locale` (500 → "5%"). */
export function formatBps(bps: number, locale: string): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 2 }).format(bps / 10_000);
}
