import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { currencyDigits, parseMinor, parseQuantity } from '../../../../main/sales/import/money';

const minor = (text: string, digits = 2) => {
  const r = parseMinor(text, digits);
  return r.ok ? (r.value.negative ? -r.value.minor : r.value.minor) : r.message;
};

describe('money in major units → minor units, exactly', () => {
  it('knows each currency’s minor unit (ISO 4217)', () => {
    expect([
      currencyDigits('USD'),
      currencyDigits('RUB'),
      currencyDigits('JPY'),
      currencyDigits('KWD'),
    ]).toEqual([2, 2, 0, 3]);
  });

  it('reads a decimal point or a decimal comma, grouping, symbols and signs', () => {
    expect(minor('12.90')).toBe(1290);
    expect(minor('12,90')).toBe(1290);
    expect(minor('12.9')).toBe(1290);
    expect(minor('12')).toBe(1200);
    expect(minor('0.07')).toBe(7);
    expect(minor('.5')).toBe(50);
    expect(minor('1,234.56')).toBe(123456);
    expect(minor('1.234,56')).toBe(123456);
    expect(minor('1 234,56')).toBe(123456);
    expect(minor('1\u00a0234,56')).toBe(123456);
    expect(minor('1,234,567')).toBe(123456700);
    expect(minor('$12.90')).toBe(1290);
    expect(minor('12,90 ₽')).toBe(1290);
    expect(minor('-$1.50')).toBe(-150);
    expect(minor('($1.50)')).toBe(-150);
    // Trailing zeros beyond the currency's decimals change nothing, so they are taken.
    expect(minor('12.900')).toBe(1290);
    expect(minor('1200.00', 0)).toBe(1200);
    expect(minor('1.005', 3)).toBe(1005);
  });

  it('refuses what it cannot convert exactly, or could misread', () => {
    expect(minor('1.005')).toMatch(/has 3 decimals; the currency has 2/);
    expect(minor('12.5', 0)).toMatch(/has 1 decimals; the currency has 0 \(whole units\)/);
    // A single comma with three digits after it is a decimal comma: refused for cents, never read as 1234.
    expect(minor('1,234')).toMatch(/3 decimals/);
    for (const bad of ['', 'abc', '12.90.1', '1,2,3', '1.234.5', '12 34', '1e3', '0x10', '--1', '.'])
      expect(minor(bad), bad).toMatch(/not a number/);
    expect(minor('99999999999999999')).toMatch(/too large/);
  });

  it('round-trips every amount written with a point or a comma (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000_000_000 }),
        fc.constantFrom('.', ','),
        (cents, mark) => {
          const text = `${Math.floor(cents / 100)}${mark}${String(cents % 100).padStart(2, '0')}`;
          expect(minor(text)).toBe(cents);
        },
      ),
    );
  });

  it('reads whole quantities and keeps their sign', () => {
    expect(parseQuantity('3')).toEqual({ ok: true, value: 3 });
    expect(parseQuantity('2.000')).toEqual({ ok: true, value: 2 });
    expect(parseQuantity('-1')).toEqual({ ok: true, value: -1 });
    expect(parseQuantity('1.5')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/not a whole quantity/),
    });
    expect(parseQuantity('two')).toMatchObject({ ok: false });
  });
});
