/**
 * A store's orders over whole days, streamed in time order: the arrivals are a Poisson process whose
 * rate follows the day's shape hour by hour (`day-shape.ts`), and each arrival is an order from the
 * model. Each day draws from its own generator seeded by (seed, day), so a day comes out the same
 * whether it is generated alone or inside a year, and a year (about 1M sale lines for a busy store)
 * is generated one order at a time, never held in memory.
 */
import { Prng, seedOf } from '../../common/prng';
import { expectedOrdersInHour } from './day-shape';
import { DEFAULT_LOYALTY_GUESTS } from './guests';
import type { SimCurrency } from './menu';
import { type SimulatedOrder, simulateOrder } from './order-model';

/** The store being simulated. */
export interface StoreProfile {
  seed: number;
  currency: SimCurrency;
  /** Tills `till-1` … `till-N`; each order closes at one of them. */
  terminals: number;
  /** Orders on an average day (a busy store: about 300, some 1M sale lines a year). */
  ordersPerDay: number;
  /** The store's offset from UTC, minutes (Moscow: 180); opening hours are local. */
  utcOffsetMin?: number;
  /** Regulars holding a loyalty card (default 2,000). */
  loyaltyGuests?: number;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a `YYYY-MM-DD` date; throws on anything else. */
export function dayNumberOf(day: string): number {
  const m = DAY.exec(day);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || new Date(ms).toISOString().slice(0, 10) !== day)
    throw new RangeError(`expected a date as YYYY-MM-DD, got ${JSON.stringify(day)}`);
  return ms / DAY_MS;
}

/**
 * The orders of one local day, in the order they close. Order ids are `d<YYYYMMDD>-<n>`: the same
 * day generated again with the same seed posts as replays; with another seed, as conflicts.
 *
 * @example
 * for (const { sale, refund } of ordersOfDay({ seed: 1, currency: 'USD', terminals: 4, ordersPerDay: 300 }, '2026-03-14'))
 *   post(sale);
 */
export function* ordersOfDay(store: StoreProfile, day: string): Generator<SimulatedOrder> {
  const dayNumber = dayNumberOf(day);
  const rng = new Prng(seedOf(store.seed, dayNumber));
  const menu = {
    currency: store.currency,
    seed: store.seed,
    loyaltyGuests: store.loyaltyGuests ?? DEFAULT_LOYALTY_GUESTS,
  };
  const midnightMs = dayNumber * DAY_MS - (store.utcOffsetMin ?? 0) * 60_000;
  const weekday = (dayNumber + 4) % 7; // 1970-01-01 was a Thursday
  const prefix = `d${day.replaceAll('-', '')}-`;
  let n = 0;
  for (let hour = 0; hour < 24; hour++) {
    const expected = expectedOrdersInHour(store.ordersPerDay, weekday, hour);
    if (expected <= 0) continue;
    // Within an hour the rate is constant: exponential gaps, started afresh at the hour (memoryless).
    for (let t = rng.exponential(HOUR_MS / expected); t < HOUR_MS; t += rng.exponential(HOUR_MS / expected)) {
      n += 1;
      yield simulateOrder(rng, menu, {
        orderId: `${prefix}${String(n).padStart(5, '0')}`,
        terminalId: `till-${rng.int(1, store.terminals)}`,
        timeMs: midnightMs + hour * HOUR_MS + Math.floor(t),
        localHour: hour,
      });
    }
  }
}

/** The orders of every local day from `fromDay` to `toDay` (both `YYYY-MM-DD`, inclusive), in time order. */
export function* ordersBetween(
  store: StoreProfile,
  fromDay: string,
  toDay: string,
): Generator<SimulatedOrder> {
  const last = dayNumberOf(toDay);
  for (let d = dayNumberOf(fromDay); d <= last; d++)
    yield* ordersOfDay(store, new Date(d * DAY_MS).toISOString().slice(0, 10));
}
