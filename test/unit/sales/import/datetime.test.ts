import { describe, expect, it } from 'vitest';
import { parseSaleTime, parseUtcOffset } from '../../../../main/sales/import/datetime';

const at = (text: string, offset = 0, slash?: 'mdy' | 'dmy') => {
  const r = parseSaleTime(text, offset, slash);
  return r.ok ? new Date(r.value).toISOString() : r.message;
};

describe('sale times', () => {
  it('takes ISO 8601 with an offset as it says, whatever the importer’s offset', () => {
    expect(at('2026-03-14T19:05:00+03:00', -300)).toBe('2026-03-14T16:05:00.000Z');
    expect(at('2026-03-14T19:05:00.250Z', 180)).toBe('2026-03-14T19:05:00.250Z');
    expect(at('2026-03-14 19:05:00-0500')).toBe('2026-03-15T00:05:00.000Z');
  });

  it('puts times without an offset in the importer’s offset', () => {
    expect(at('2026-03-14 19:05', 180)).toBe('2026-03-14T16:05:00.000Z');
    expect(at('2026-03-14T19:05:30', 0)).toBe('2026-03-14T19:05:30.000Z');
    expect(at('14.03.2026 19:05:30', 180)).toBe('2026-03-14T16:05:30.000Z');
    expect(at('2026/03/14 07:05 PM', 0)).toBe('2026-03-14T19:05:00.000Z');
    expect(at('2026-03-14', 0)).toBe('2026-03-14T00:00:00.000Z');
  });

  it('reads slashed dates only when told which way round', () => {
    expect(at('03/04/2026 10:00')).toMatch(/slashDates/);
    expect(at('03/04/2026 10:00', 0, 'mdy')).toBe('2026-03-04T10:00:00.000Z');
    expect(at('03/04/2026 10:00', 0, 'dmy')).toBe('2026-04-03T10:00:00.000Z');
  });

  it('refuses dates that do not exist and text that is no date', () => {
    for (const bad of [
      '2026-02-30 10:00',
      '2026-13-01 10:00',
      '2026-03-14 24:00',
      '2026-03-14 10:60',
      '14/03/26',
      'yesterday',
      '1712345678',
    ])
      expect(at(bad, 0, 'dmy'), bad).toMatch(/not a (real )?date/);
    expect(at('2026-03-14T10:00+15:00')).toMatch(/offset out of range/);
    expect(at('2026-03-14 13:00 PM')).toMatch(/1 to 12/);
  });

  it('reads an importer’s --tz', () => {
    expect(
      ['+03:00', '-05:30', '+3', 'Z', 'UTC', 'UTC+0530', '+15:00', 'Moscow'].map(parseUtcOffset),
    ).toEqual([180, -330, 180, 0, 0, 330, null, null]);
  });
});
