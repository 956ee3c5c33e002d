/**
 * When guests arrive: a hot-pot restaurant opens at 11:00, fills at lunch (12–14) and more at dinner
 * (18–21), and is busier on Friday, Saturday and Sunday. Hours are the store's local time.
 */

/** Relative arrivals in each local hour, 0–23 (0: closed). The 19:00 hour is the busiest. */
export const ARRIVALS_BY_HOUR: readonly number[] = [
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // closed until 11:00
  0.5, 1.6, 1.4, 0.6, 0.3, 0.35, 0.8, 1.7, 2.0, 1.7, 1.0, 0.5, // 11:00–22:59
  0, // closed at 23:00
]; // prettier-ignore

/** Relative business by weekday, Sunday first (as `Date.getUTCDay`). */
export const BUSINESS_BY_WEEKDAY: readonly number[] = [1.15, 0.85, 0.85, 0.9, 0.95, 1.25, 1.3];

const HOUR_SUM = ARRIVALS_BY_HOUR.reduce((a, b) => a + b, 0);
const WEEKDAY_MEAN = BUSINESS_BY_WEEKDAY.reduce((a, b) => a + b, 0) / 7;

/** The lunch rush, local hours [from, to): parties are smaller and drink less beer. */
export const LUNCH_HOURS = [11, 15] as const;

/**
 * How many orders to expect in local hour `hour` of a day falling on `weekday` (0 Sunday), for a
 * store that closes `ordersPerDay` orders on an average day.
 *
 * @example expectedOrdersInHour(300, 6, 19) // ≈ 60 on a Saturday from seven to eight
 */
export function expectedOrdersInHour(ordersPerDay: number, weekday: number, hour: number): number {
  const byHour = ARRIVALS_BY_HOUR[hour] ?? 0;
  const byDay = (BUSINESS_BY_WEEKDAY[weekday] ?? WEEKDAY_MEAN) / WEEKDAY_MEAN;
  return (ordersPerDay * byDay * byHour) / HOUR_SUM;
}

/** Whether local hour `hour` is in the lunch rush. */
export function isLunch(hour: number): boolean {
  return hour >= LUNCH_HOURS[0] && hour < LUNCH_HOURS[1];
}
