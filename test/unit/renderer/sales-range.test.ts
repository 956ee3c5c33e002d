import { describe, expect, it } from 'vitest';
import {
  isoLocal,
  isOneDay,
  localDay,
  rangeFor,
  startOfLocalDay,
  zoneOffsetMinutes,
  type SalesWindow,
} from '../../../renderer/components/sales/range';

const H = 3_600_000;
const D = 24 * H;

function win(r: ReturnType<typeof rangeFor>): SalesWindow {
  if (typeof r === 'string') throw new Error(`expected a window, got ${r}`);
  return r;
}

describe('time zones', () => {
  it('gives the offset east of UTC, with daylight saving', () => {
    expect(zoneOffsetMinutes(Date.UTC(2026, 0, 15), 'Europe/Moscow')).toBe(180);
    expect(zoneOffsetMinutes(Date.UTC(2026, 0, 15), 'America/New_York')).toBe(-300);
    expect(zoneOffsetMinutes(Date.UTC(2026, 6, 15), 'America/New_York')).toBe(-240);
    expect(zoneOffsetMinutes(Date.UTC(2026, 0, 15), 'Asia/Kolkata')).toBe(330);
    expect(zoneOffsetMinutes(Date.UTC(2026, 0, 15), 'UTC')).toBe(0);
  });

  it('finds local midnight, also on the days clocks change', () => {
    expect(startOfLocalDay(2026, 3, 10, 'Europe/Moscow')).toBe(Date.UTC(2026, 2, 9, 21));
    // New York springs forward on 2026-03-08 at 02:00: that day starts at 05:00Z, the next at 04:00Z.
    expect(startOfLocalDay(2026, 3, 8, 'America/New_York')).toBe(Date.UTC(2026, 2, 8, 5));
    expect(startOfLocalDay(2026, 3, 9, 'America/New_York')).toBe(Date.UTC(2026, 2, 9, 4));
    // ...and falls back on 2026-11-01: a 25-hour day.
    const nov1 = startOfLocalDay(2026, 11, 1, 'America/New_York');
    expect(startOfLocalDay(2026, 11, 2, 'America/New_York') - nov1).toBe(25 * H);
    // Days past the month's end roll over.
    expect(startOfLocalDay(2026, 1, 32, 'UTC')).toBe(Date.UTC(2026, 1, 1));
  });

  it('writes local ISO times with the offset, and local days', () => {
    const t = Date.UTC(2026, 10, 3, 21, 4, 5, 120);
    expect(isoLocal(t, 'Europe/Moscow')).toBe('2026-11-04T00:04:05.120+03:00');
    expect(isoLocal(t, 'America/New_York')).toBe('2026-11-03T16:04:05.120-05:00');
    expect(isoLocal(t, 'Asia/Kolkata')).toBe('2026-11-04T02:34:05.120+05:30');
    expect(localDay(t, 'Europe/Moscow')).toBe('2026-11-04');
    expect(localDay(t, 'UTC')).toBe('2026-11-03');
  });
});

describe('rangeFor', () => {
  // 2026-11-04 (a Wednesday) 11:20 in Moscow.
  const now = Date.UTC(2026, 10, 4, 8, 20);
  const msk = 'Europe/Moscow';
  const midnight = Date.UTC(2026, 10, 3, 21);

  it('today runs from local midnight to the start of the next hour, with the viewer’s offset', () => {
    expect(rangeFor('today', now, msk)).toEqual({
      from: midnight,
      to: Date.UTC(2026, 10, 4, 9),
      utcOffsetMinutes: 180,
    });
  });

  it('yesterday is the whole day before; the last 7 days include today; the month starts on the 1st', () => {
    expect(win(rangeFor('yesterday', now, msk))).toMatchObject({ from: midnight - D, to: midnight });
    expect(win(rangeFor('last7', now, msk))).toMatchObject({
      from: midnight - 6 * D,
      to: Date.UTC(2026, 10, 4, 9),
    });
    expect(win(rangeFor('month', now, msk)).from).toBe(Date.UTC(2026, 9, 31, 21));
  });

  it('today ends at midnight in its last hour', () => {
    const late = Date.UTC(2026, 10, 4, 20, 59); // 23:59 in Moscow
    expect(win(rangeFor('today', late, msk)).to).toBe(midnight + D);
  });

  it('the same instant is another day in New York, and the offset is the one in force', () => {
    const ny = win(rangeFor('today', Date.UTC(2026, 10, 4, 3), 'America/New_York'));
    expect(ny.from).toBe(Date.UTC(2026, 10, 3, 5)); // 2026-11-03 00:00 EST
    expect(ny.utcOffsetMinutes).toBe(-300);
    const summer = win(rangeFor('yesterday', Date.UTC(2026, 6, 15, 12), 'America/New_York'));
    expect(summer).toEqual({
      from: Date.UTC(2026, 6, 14, 4),
      to: Date.UTC(2026, 6, 15, 4),
      utcOffsetMinutes: -240,
    });
  });

  it('a custom range covers both days whole, and says what is wrong with a bad one', () => {
    expect(rangeFor('custom', now, msk, { fromDay: '2026-11-01', toDay: '2026-11-03' })).toEqual({
      from: Date.UTC(2026, 9, 31, 21),
      to: Date.UTC(2026, 10, 3, 21),
      utcOffsetMinutes: 180,
    });
    expect(rangeFor('custom', now, msk, { fromDay: '2026-11-03', toDay: '2026-11-03' })).toMatchObject({
      from: midnight - D,
      to: midnight,
    });
    expect(rangeFor('custom', now, msk, { fromDay: '', toDay: '2026-11-03' })).toBe('incomplete');
    expect(rangeFor('custom', now, msk)).toBe('incomplete');
    expect(rangeFor('custom', now, msk, { fromDay: '2026-11-04', toDay: '2026-11-03' })).toBe('reversed');
    expect(rangeFor('custom', now, msk, { fromDay: '2025-01-01', toDay: '2026-11-03' })).toBe('too-long');
  });

  it('knows a one-day window (the 25-hour day included) from a longer one', () => {
    expect(isOneDay(win(rangeFor('today', now, msk)))).toBe(true);
    expect(isOneDay(win(rangeFor('last7', now, msk)))).toBe(false);
    const fallBack = win(
      rangeFor('custom', now, 'America/New_York', { fromDay: '2026-11-01', toDay: '2026-11-01' }),
    );
    expect(fallBack.to - fallBack.from).toBe(25 * H);
    expect(isOneDay(fallBack)).toBe(true);
  });
});
