/**
 * Sale times as POS exports write them, read without the machine's time zone: ISO 8601 with an
 * offset is taken as it says; a time without one (`2026-03-14 19:05`, `14.03.2026 19:05:30`) is in
 * the importer's offset from UTC. Pure.
 */
import type { Reading } from './money';

/** How to read a date with slashes: month first (`03/14/2026`) or day first (`14/03/2026`). */
export type SlashDates = 'mdy' | 'dmy';

const TIME = String.raw`(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:\s*([AaPp][Mm]))?`;
const OFFSET = String.raw`(Z|[+-]\d{2}(?::?\d{2})?)?`;
const ISO = new RegExp(String.raw`^(\d{4})-(\d{2})-(\d{2})(?:[T ]${TIME}\s*${OFFSET})?$`);
const DOTTED = new RegExp(String.raw`^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T]${TIME})?$`);
const SLASHED = new RegExp(String.raw`^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T,]+${TIME})?$`);
const YMD_SLASHED = new RegExp(String.raw`^(\d{4})/(\d{1,2})/(\d{1,2})(?:[ T]${TIME})?$`);

interface Parts {
  year: number;
  month: number;
  day: number;
  clock: RegExpExecArray | string[];
  /** Where the clock's groups start in `clock`. */
  at: number;
  offset?: string | undefined;
}

/**
 * `text` as ms since the epoch. Accepted: `YYYY-MM-DD[THH:MM[:SS[.fff]]][Z|±HH:MM]`, the same with a
 * space for `T`, `YYYY/MM/DD HH:MM`, `DD.MM.YYYY HH:MM[:SS]`, and with `slashDates`, `MM/DD/YYYY` or
 * `DD/MM/YYYY`; a 12-hour clock with AM/PM. Times without an offset are `utcOffsetMinutes` east of UTC.
 *
 * @example parseSaleTime('2026-03-14 19:05', 180) // 2026-03-14T16:05:00Z in ms
 */
export function parseSaleTime(
  text: string,
  utcOffsetMinutes: number,
  slashDates?: SlashDates,
): Reading<number> {
  const t = text.trim();
  const parts = partsOf(t, slashDates);
  if (!parts.ok) return parts;
  const { year, month, day, clock, at, offset } = parts.value;
  let hour = clock[at] === undefined ? 0 : Number(clock[at]);
  const minute = Number(clock[at + 1] ?? 0);
  const second = Number(clock[at + 2] ?? 0);
  const ms = Number((clock[at + 3] ?? '').slice(0, 3).padEnd(3, '0'));
  const ampm = clock[at + 4]?.toLowerCase();
  if (ampm) {
    if (hour < 1 || hour > 12) return { ok: false, message: `"${text}": an hour of 1 to 12 with AM/PM` };
    hour = (hour % 12) + (ampm === 'pm' ? 12 : 0);
  }
  const local = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const d = new Date(local);
  if (
    year < 1970 ||
    d.getUTCFullYear() !== year ||
    d.getUTCMonth() !== month - 1 ||
    d.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  )
    return { ok: false, message: `"${text}" is not a real date and time` };
  const offsetMin = offset === undefined ? utcOffsetMinutes : offsetMinutes(offset);
  if (offsetMin === null) return { ok: false, message: `"${text}" has an offset out of range` };
  return { ok: true, value: local - offsetMin * 60_000 };
}

function partsOf(t: string, slashDates: SlashDates | undefined): Reading<Parts> {
  let m = ISO.exec(t);
  if (m)
    return { ok: true, value: { year: +m[1]!, month: +m[2]!, day: +m[3]!, clock: m, at: 4, offset: m[9] } };
  m = YMD_SLASHED.exec(t);
  if (m) return { ok: true, value: { year: +m[1]!, month: +m[2]!, day: +m[3]!, clock: m, at: 4 } };
  m = DOTTED.exec(t);
  if (m) return { ok: true, value: { year: +m[3]!, month: +m[2]!, day: +m[1]!, clock: m, at: 4 } };
  m = SLASHED.exec(t);
  if (m) {
    if (!slashDates)
      return {
        ok: false,
        message: `"${t}" could be month/day or day/month: say which in the mapping ("slashDates": "mdy" or "dmy")`,
      };
    const [first, second] = [+m[1]!, +m[2]!];
    const [month, day] = slashDates === 'mdy' ? [first, second] : [second, first];
    return { ok: true, value: { year: +m[3]!, month, day, clock: m, at: 4 } };
  }
  return {
    ok: false,
    message: `"${t}" is not a date and time (use ISO 8601 such as 2026-03-14T19:05:00+03:00, or 2026-03-14 19:05)`,
  };
}

/** `Z`, `+03`, `+0300` or `+03:00` as minutes east of UTC (null beyond ±14:00). */
function offsetMinutes(offset: string): number | null {
  if (offset === 'Z') return 0;
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0);
  if (minutes > 14 * 60 || Number(digits.slice(2) || 0) > 59) return null;
  return sign * minutes;
}

/**
 * `+03:00`, `-05:30`, `+3`, `Z` or `UTC` as minutes east of UTC; null when it is none of them.
 *
 * @example parseUtcOffset('+03:00') // 180
 */
export function parseUtcOffset(text: string): number | null {
  const t = text.trim();
  if (t === 'Z' || /^UTC$/i.test(t)) return 0;
  const m = /^(?:UTC)?([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(t);
  if (!m) return null;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  if (minutes > 14 * 60 || Number(m[3] ?? 0) > 59) return null;
  return (m[1] === '-' ? -1 : 1) * minutes;
}
