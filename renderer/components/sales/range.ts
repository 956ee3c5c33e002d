/**
 * The Sales page's date ranges in the viewer's time zone: which instants "today", "yesterday", "the
 * last 7 days", "this month" or a custom from–to span, and the offset from UTC the node groups hours
 * and days by. Pure (no DOM): time and the zone are passed in, so tests can pin them.
 */

/** The ranges the page offers. */
export const RANGE_PRESETS = ['today', 'yesterday', 'last7', 'month', 'custom'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

/** What `sales.summary` and `sales.list` are asked for: `[from, to)` in ms, and minutes east of UTC. */
export interface SalesWindow {
  from: number;
  to: number;
  utcOffsetMinutes: number;
}

/** A custom range as the date inputs give it: two calendar days (`YYYY-MM-DD`), both included. */
export interface CustomDays {
  fromDay: string;
  toDay: string;
}

/** The longest window the node summarises (`SalesSummaryInput`), days. */
export const MAX_RANGE_DAYS = 400;

const HOUR_MS = 3_600_000;
const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const partFormats = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock time at `ms` in `timeZone` (an IANA name such as `Europe/Moscow`). */
export function localTime(ms: number, timeZone: string): LocalTime {
  let f = partFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    partFormats.set(timeZone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(ms)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return {
    year: p['year']!,
    month: p['month']!,
    day: p['day']!,
    hour: p['hour']!,
    minute: p['minute']!,
    second: p['second']!,
  };
}

/** Minutes east of UTC in `timeZone` at the instant `ms` (Moscow 180, New York −300 or −240). */
export function zoneOffsetMinutes(ms: number, timeZone: string): number {
  const t = localTime(ms, timeZone);
  const wall = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
  return Math.round((wall - Math.floor(ms / 1000) * 1000) / 60_000);
}

/**
 * The instant of local midnight starting the calendar day `year-month-day` (month 1–12; days past
 * the month's end roll over) in `timeZone`. Two passes find the offset that holds at that instant,
 * so a day that starts on either side of a daylight-saving change comes out right.
 */
export function startOfLocalDay(year: number, month: number, day: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day);
  const first = wall - zoneOffsetMinutes(wall, timeZone) * 60_000;
  return wall - zoneOffsetMinutes(first, timeZone) * 60_000;
}

/** The calendar day (`YYYY-MM-DD`) of `ms` in `timeZone`. */
export function localDay(ms: number, timeZone: string): string {
  const t = localTime(ms, timeZone);
  return `${t.year}-${pad(t.month)}-${pad(t.day)}`;
}

/** `ms` as ISO 8601 local time with its offset, e.g. `2026-11-03T12:04:05.120+03:00`. */
export function isoLocal(ms: number, timeZone: string): string {
  const t = localTime(ms, timeZone);
  const off = zoneOffsetMinutes(ms, timeZone);
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  const millis = String(((ms % 1000) + 1000) % 1000).padStart(3, '0');
  return (
    `${t.year}-${pad(t.month)}-${pad(t.day)}T${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)}.${millis}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Why a custom range cannot be asked for, or null when it can. */
export type RangeProblem = 'incomplete' | 'reversed' | 'too-long';

/**
 * The window of `preset` at `nowMs` for a viewer in `timeZone`. Ranges that reach today end at the
 * start of the next hour, not at midnight: the node compares a window with the same window a week
 * earlier, so "today" at 11:20 is compared with the same weekday last week until 12:00, not with
 * that whole day. A custom range covers both of its days whole.
 *
 * @example rangeFor('today', Date.now(), Intl.DateTimeFormat().resolvedOptions().timeZone)
 */
export function rangeFor(
  preset: RangePreset,
  nowMs: number,
  timeZone: string,
  custom?: CustomDays,
): SalesWindow | RangeProblem {
  const t = localTime(nowMs, timeZone);
  const dayStart = (offsetDays: number, day = t.day) =>
    startOfLocalDay(t.year, t.month, day + offsetDays, timeZone);
  const upToNow = Math.min(dayStart(1), (Math.floor(nowMs / HOUR_MS) + 1) * HOUR_MS);
  let from: number;
  let to: number;
  switch (preset) {
    case 'today':
      [from, to] = [dayStart(0), upToNow];
      break;
    case 'yesterday':
      [from, to] = [dayStart(-1), dayStart(0)];
      break;
    case 'last7':
      [from, to] = [dayStart(-6), upToNow];
      break;
    case 'month':
      [from, to] = [dayStart(0, 1), upToNow];
      break;
    case 'custom': {
      const days = customBounds(custom, timeZone);
      if (typeof days === 'string') return days;
      [from, to] = days;
      break;
    }
  }
  return { from, to, utcOffsetMinutes: zoneOffsetMinutes(to - 1, timeZone) };
}

function customBounds(custom: CustomDays | undefined, timeZone: string): [number, number] | RangeProblem {
  const a = DAY_PATTERN.exec(custom?.fromDay ?? '');
  const b = DAY_PATTERN.exec(custom?.toDay ?? '');
  if (!a || !b) return 'incomplete';
  const from = startOfLocalDay(Number(a[1]), Number(a[2]), Number(a[3]), timeZone);
  const to = startOfLocalDay(Number(b[1]), Number(b[2]), Number(b[3]) + 1, timeZone);
  if (to <= from) return 'reversed';
  if (to - from > MAX_RANGE_DAYS * 86_400_000) return 'too-long';
  return [from, to];
}

/** Is the window at most one day, so that "a week earlier" is the same weekday last week? */
export function isOneDay(w: SalesWindow): boolean {
  return w.to - w.from <= 25 * HOUR_MS;
}
