/**
 * Money and quantities as POS exports write them, read exactly: the digits are parsed, never a float
 * (`12.90` and `12,90` are 1290 cents; `1.005` is refused for a currency of two decimals). Pure.
 */
import { MAX_MINOR } from '../../contract/sales';

/** ISO 4217 currencies whose minor unit is not 1/100 (every other code has 2 decimals). */
const MINOR_DIGITS: Readonly<Record<string, number>> = {
  ...Object.fromEntries(
    [
      'BIF',
      'CLP',
      'DJF',
      'GNF',
      'ISK',
      'JPY',
      'KMF',
      'KRW',
      'PYG',
      'RWF',
      'UGX',
      'UYI',
      'VND',
      'VUV',
      'XAF',
      'XOF',
      'XPF',
    ].map((c) => [c, 0]),
  ),
  ...Object.fromEntries(['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND'].map((c) => [c, 3])),
  CLF: 4,
  UYW: 4,
};

/**
 * How many decimals `currency`'s minor unit has (ISO 4217: USD and RUB 2, JPY 0, KWD 3).
 *
 * @example currencyDigits('JPY') // 0
 */
export function currencyDigits(currency: string): number {
  return MINOR_DIGITS[currency] ?? 2;
}

/** A reading: the value, or what was wrong with the text. */
export type Reading<T> = { ok: true; value: T } | { ok: false; message: string };

const SYMBOLS = /^[$€£¥₽]|[$€£¥₽]$/gu;
/** Digit-group separators: space, no-break and thin spaces, apostrophe. */
const GROUP_SPACES = /[ \u00a0\u202f\u2009']/g;

/**
 * The whole and fraction digits of a decimal such as `1 234,50`, `1,234.50`, `$12.90` or `-3`: the last
 * `.` or `,` is the decimal mark when there is one of them; the other, or spaces, may group thousands.
 */
function decimalParts(text: string): Reading<{ negative: boolean; whole: string; fraction: string }> {
  const bad: Reading<never> = { ok: false, message: `"${text}" is not a number` };
  let t = text.trim();
  let [negative, signs] = [false, 0];
  const sign = (mark: string, rest: string) => {
    [negative, signs, t] = [negative || mark === '-' || mark === '(', signs + 1, rest.trim()];
  };
  if (/^\(.*\)$/.test(t)) sign('(', t.slice(1, -1));
  if (/^[+-]/.test(t)) sign(t[0]!, t.slice(1));
  t = t.replace(SYMBOLS, '').trim();
  if (/^[+-]/.test(t)) sign(t[0]!, t.slice(1));
  if (signs > 1) return bad;
  if (!/^[0-9., \u00a0\u202f\u2009']+$/.test(t) || !/[0-9]/.test(t)) return bad;
  const compact = t.replace(GROUP_SPACES, '');
  if (compact !== t && !/^[0-9]{1,3}([ \u00a0\u202f\u2009'][0-9]{3})*([.,][0-9]*)?$/.test(t)) return bad;
  const marks = [...compact.matchAll(/[.,]/g)].map((m) => m[0]);
  if (marks.length === 0) return { ok: true, value: { negative, whole: compact, fraction: '' } };
  const decimal = marks[marks.length - 1]!;
  const cut = compact.lastIndexOf(decimal);
  const [whole, fraction] = [compact.slice(0, cut), compact.slice(cut + 1)];
  if (whole.includes(decimal) || /[.,]/.test(fraction)) {
    // `1,234,567` or `1.234.567`: one mark repeated only groups thousands.
    if (!/^[0-9]{1,3}([.,][0-9]{3})+$/.test(compact) || new Set(marks).size !== 1) return bad;
    return { ok: true, value: { negative, whole: compact.replace(/[.,]/g, ''), fraction: '' } };
  }
  const group = decimal === '.' ? ',' : '.';
  if (whole.includes(group) && !new RegExp(`^[0-9]{1,3}(\\${group}[0-9]{3})+$`).test(whole)) return bad;
  return { ok: true, value: { negative, whole: whole.split(group).join('') || '0', fraction } };
}

/**
 * A money amount in major units as minor units of a currency with `digits` decimals, exactly. More
 * decimals than the currency has are refused unless they are zeros (`12.900` is 1290 cents).
 *
 * @example parseMinor('12,90', 2) // { ok: true, value: 1290 }
 * @example parseMinor('1.005', 2) // { ok: false, message: '"1.005" has 3 decimals; the currency has 2' }
 */
export function parseMinor(text: string, digits: number): Reading<{ minor: number; negative: boolean }> {
  const parts = decimalParts(text);
  if (!parts.ok) return parts;
  const { negative, whole, fraction } = parts.value;
  const kept = fraction.replace(/0+$/, '');
  if (kept.length > digits)
    return {
      ok: false,
      message: `"${text}" has ${fraction.length} decimals; the currency has ${digits}${digits === 0 ? ' (whole units)' : ''}`,
    };
  if (whole.replace(/^0+/, '').length > 15) return { ok: false, message: `"${text}" is too large` };
  const minor = BigInt(whole) * 10n ** BigInt(digits) + BigInt(kept.padEnd(digits, '0') || '0');
  if (minor > BigInt(MAX_MINOR)) return { ok: false, message: `"${text}" is too large` };
  return { ok: true, value: { minor: Number(minor), negative } };
}

/**
 * A count of items: a whole number (`2`, `2.0`, `2,000` is refused as ambiguous only when it is not
 * whole), with its sign kept so the caller can say why a negative one is refused.
 *
 * @example parseQuantity('3') // { ok: true, value: 3 }
 */
export function parseQuantity(text: string): Reading<number> {
  const t = text.trim();
  const m = /^([+-]?)([0-9]{1,9})(?:[.,](0*))?$/.exec(t);
  if (!m) {
    if (/^[+-]?[0-9]*[.,][0-9]+$/.test(t))
      return {
        ok: false,
        message: `"${text}" is not a whole quantity (items sold by weight are not imported)`,
      };
    return { ok: false, message: `"${text}" is not a quantity` };
  }
  const n = Number(m[2]);
  return { ok: true, value: m[1] === '-' ? -n : n };
}
