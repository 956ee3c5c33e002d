/**
 * Who sits at a table: how many guests, and whether one of them shows a loyalty card. Cards come
 * from a pool of regulars that return (a few very often, most now and then), so the same cards
 * appear again across days as they do at a real till.
 */
import { type Prng, seedOf } from '../../common/prng';
import { isLunch } from './day-shape';

/** Party sizes and how common each is, at lunch (quick meals, pairs) and at dinner (families, groups). */
const PARTY_SIZES = {
  lunch: [[1, 15], [2, 45], [3, 15], [4, 18], [5, 3], [6, 3], [8, 1]],
  dinner: [[1, 5], [2, 30], [3, 15], [4, 30], [5, 8], [6, 8], [8, 4]],
} as const satisfies Record<string, readonly (readonly [number, number])[]>; // prettier-ignore

/** The share of orders where a guest shows a loyalty card. */
export const LOYALTY_SHARE = 0.3;
/** Regulars holding a card, by default. */
export const DEFAULT_LOYALTY_GUESTS = 2_000;

/** How many guests sit down at local hour `hour`. */
export function partySize(rng: Prng, hour: number): number {
  return rng.weighted(isLunch(hour) ? PARTY_SIZES.lunch : PARTY_SIZES.dinner);
}

/**
 * The loyalty card number of regular `index` of the pool a seed makes: `HP` and 12 digits, the same
 * for the same seed and index.
 *
 * @example loyaltyCardOf(7, 0) // 'HP…' (always the same twelve digits for seed 7)
 */
export function loyaltyCardOf(seed: number, index: number): string {
  const high = seedOf(seed, index, 1) % 1_000_000;
  const low = seedOf(seed, index, 2) % 1_000_000;
  return `HP${String(high).padStart(6, '0')}${String(low).padStart(6, '0')}`;
}

/**
 * The card shown with an order, or undefined (about 70% of orders). The pool's first regulars come
 * most often: the index is skewed towards 0 by squaring a uniform draw.
 */
export function loyaltyCardFor(rng: Prng, seed: number, poolSize: number): string | undefined {
  if (!rng.chance(LOYALTY_SHARE)) return undefined;
  const u = rng.float();
  return loyaltyCardOf(seed, Math.floor(u * u * poolSize));
}
