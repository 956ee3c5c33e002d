import { describe, expect, it } from 'vitest';
import {
  changeVsLastWeek,
  formatChange,
  formatCount,
  formatMoney,
  localeOf,
  majorText,
  minorDigits,
} from '../../../renderer/components/sales/money';

const NBSP = '\u00a0';

describe('money through Intl', () => {
  it('knows each currency’s minor digits', () => {
    expect([minorDigits('USD'), minorDigits('RUB'), minorDigits('JPY'), minorDigits('KWD')]).toEqual([
      2, 2, 0, 3,
    ]);
  });

  it('writes exact major units for CSV, never through floating point', () => {
    expect(majorText(123456, 'USD')).toBe('1234.56');
    expect(majorText(5, 'USD')).toBe('0.05');
    expect(majorText(0, 'RUB')).toBe('0.00');
    expect(majorText(-5, 'USD')).toBe('-0.05');
    expect(majorText(500, 'JPY')).toBe('500');
    expect(majorText(1, 'KWD')).toBe('0.001');
    // 0.1 + 0.2 style trouble cannot happen: 999999999999 cents stay exact.
    expect(majorText(999_999_999_999, 'USD')).toBe('9999999999.99');
  });

  it('formats dollars and roubles in English and Russian', () => {
    expect(formatMoney(123456, 'USD', localeOf('en'))).toBe('$1,234.56');
    expect(formatMoney(123456, 'USD', localeOf('ru'))).toBe(`1${NBSP}234,56${NBSP}$`);
    expect(formatMoney(123456, 'RUB', localeOf('ru'))).toBe(`1${NBSP}234,56${NBSP}₽`);
    expect(formatMoney(123456, 'RUB', localeOf('en'))).toBe('₽1,234.56');
    expect(formatMoney(1234567, 'USD', localeOf('en'), true)).toBe('$12.3k');
    expect(formatMoney(1234567, 'RUB', localeOf('ru'), true)).toBe(`12,3${NBSP}тыс.${NBSP}₽`);
    expect(formatCount(12345, localeOf('ru'))).toBe(`12${NBSP}345`);
    expect(formatCount(12345, localeOf('en'))).toBe('12,345');
  });
});

describe('change against the same window a week earlier', () => {
  it('is relative to the week before, new when there was nothing, none when nothing either way', () => {
    expect(changeVsLastWeek(125, 100)).toEqual({ kind: 'up', ratio: 0.25 });
    expect(changeVsLastWeek(75, 100)).toEqual({ kind: 'down', ratio: -0.25 });
    expect(changeVsLastWeek(100, 100)).toEqual({ kind: 'flat', ratio: 0 });
    expect(changeVsLastWeek(100_001, 100_000)).toEqual({ kind: 'flat', ratio: 0 });
    expect(changeVsLastWeek(5, 0)).toEqual({ kind: 'new' });
    expect(changeVsLastWeek(0, 0)).toEqual({ kind: 'none' });
    expect(changeVsLastWeek(0, 40)).toEqual({ kind: 'down', ratio: -1 });
  });

  it('prints a signed percentage in each language', () => {
    expect(formatChange(changeVsLastWeek(125, 100), 'en-GB')).toBe('+25%');
    expect(formatChange(changeVsLastWeek(2, 3), 'en-GB')).toBe('-33.3%');
    expect(formatChange(changeVsLastWeek(125, 100), 'ru-RU')).toBe(`+25${NBSP}%`);
    expect(formatChange(changeVsLastWeek(100, 100), 'en-GB')).toBe('0%');
    expect(formatChange({ kind: 'new' }, 'en-GB')).toBeNull();
  });
});
