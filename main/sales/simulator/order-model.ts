/**
 * One table's order as the till closes it: pots of broth for the party, plates of meat, seafood,
 * tofu, vegetables and noodles, sauce for everyone, drinks; now and then a discount; tax on each
 * line; a payment method; perhaps a loyalty card; and, rarely, a refund afterwards.
 */
import type { Prng } from '../../common/prng';
import type { PaymentMethod, SaleInput, SaleLine } from '../../contract/sales';
import { isLunch } from './day-shape';
import { loyaltyCardFor, partySize } from './guests';
import { MENU, type MenuItem, type SimCurrency, TAX_RATE } from './menu';
import { type RefundPost, refundFor } from './refunds';

/** A simulated order: the sale the till posts, and the refund that follows it (about 2% of orders). */
export interface SimulatedOrder {
  sale: SaleInput;
  refund?: RefundPost;
}

/** Where and when an order closes. */
export interface OrderSlot {
  orderId: string;
  terminalId: string;
  timeMs: number;
  /** The store's local hour (0–23): lunch and dinner tables order differently. */
  localHour: number;
}

/** What the orders of one store have in common. */
export interface StoreMenu {
  currency: SimCurrency;
  /** Seeds the pool of regulars' loyalty cards. */
  seed: number;
  /** How many regulars hold a card. */
  loyaltyGuests: number;
}

/** How guests pay, per currency (roubles: more phone payments through the fast payment system). */
const PAYMENT_MIX: Readonly<Record<SimCurrency, readonly (readonly [PaymentMethod, number])[]>> = {
  USD: [['card', 55], ['mobile', 20], ['cash', 15], ['voucher', 4], ['loyalty', 3], ['other', 3]],
  RUB: [['card', 45], ['mobile', 35], ['cash', 13], ['voucher', 3], ['loyalty', 2], ['other', 2]],
}; // prettier-ignore

/** Which broth a pot is. */
const BROTH_MIX = [['broth-mala', 35], ['broth-tomato', 25], ['broth-bone', 15], ['broth-mushroom', 10], ['broth-split', 15]] as const; // prettier-ignore
const MEAT_MIX = [['meat-lamb', 30], ['meat-beef', 30], ['meat-pork-belly', 25], ['meat-beef-balls', 15]] as const; // prettier-ignore
const DRINK_MIX = {
  lunch: [['drink-plum', 35], ['drink-soy-milk', 20], ['drink-soda', 25], ['drink-beer', 5], ['drink-tea', 15]],
  dinner: [['drink-plum', 25], ['drink-soy-milk', 10], ['drink-soda', 15], ['drink-beer', 35], ['drink-tea', 15]],
} as const; // prettier-ignore

/** Happy hours (local, [from, to)): a 15% discount is common; otherwise a 10% coupon now and then. */
const HAPPY_HOURS = [15, 17] as const;

/**
 * The order a table closes in `slot`, drawn from `rng`.
 *
 * @example
 * const { sale, refund } = simulateOrder(new Prng(1), menu, {
 *   orderId: 'd20260314-00001', terminalId: 'till-1', timeMs: Date.UTC(2026, 2, 14, 19), localHour: 19,
 * });
 */
export function simulateOrder(rng: Prng, store: StoreMenu, slot: OrderSlot): SimulatedOrder {
  const guests = partySize(rng, slot.localHour);
  const basket = basketFor(rng, guests, slot.localHour);
  const discount = discountShare(rng, slot.localHour);
  const lines = [...basket].map(([item, quantity]) => lineOf(item, quantity, store.currency, discount));
  const loyaltyCard = loyaltyCardFor(rng, store.seed, store.loyaltyGuests);
  let paymentMethod = rng.weighted(PAYMENT_MIX[store.currency]);
  if (paymentMethod === 'loyalty' && !loyaltyCard) paymentMethod = 'card'; // points need a card
  const sale: SaleInput = {
    orderId: slot.orderId,
    terminalId: slot.terminalId,
    timeMs: slot.timeMs,
    currency: store.currency,
    paymentMethod,
    lines,
    ...(loyaltyCard ? { loyaltyCard } : {}),
  };
  const refund = refundFor(rng, sale);
  return refund ? { sale, refund } : { sale };
}

/** What the table orders: item → quantity, in the order the till rings them up. */
function basketFor(rng: Prng, guests: number, hour: number): Map<MenuItem, number> {
  const basket = new Map<MenuItem, number>();
  const add = (itemId: string, quantity = 1) => {
    const item = byId.get(itemId)!;
    basket.set(item, (basket.get(item) ?? 0) + quantity);
  };
  for (let pot = 0; pot < Math.ceil(guests / 4); pot++) add(rng.weighted(BROTH_MIX));
  const meatPlates = Math.max(1, Math.round(guests * (0.6 + 0.5 * rng.float())));
  for (let i = 0; i < meatPlates; i++) add(rng.weighted(MEAT_MIX));
  if (rng.chance(0.55))
    for (let i = rng.int(1, Math.ceil(guests / 2)); i > 0; i--) add(rng.pick(MENU.seafood).itemId);
  if (rng.chance(0.6))
    for (let i = rng.int(1, Math.ceil(guests / 3)); i > 0; i--) add(rng.pick(MENU.tofu).itemId);
  const vegetablePlates = Math.max(1, Math.round(guests * (0.5 + 0.4 * rng.float())));
  for (let i = 0; i < vegetablePlates; i++) add(rng.pick(MENU.vegetable).itemId);
  if (rng.chance(0.7))
    for (let i = rng.int(1, Math.ceil(guests / 2)); i > 0; i--) add(rng.pick(MENU.noodle).itemId);
  add('sauce-bar', guests);
  if (rng.chance(0.2)) add(rng.pick(['sauce-sesame', 'sauce-chili-oil']));
  const drinks = isLunch(hour) ? DRINK_MIX.lunch : DRINK_MIX.dinner;
  for (let g = 0; g < guests; g++) if (rng.chance(0.65)) add(rng.weighted(drinks));
  return basket;
}

const byId = new Map(Object.values(MENU).flatMap((items) => items.map((i) => [i.itemId, i] as const)));

/** The share taken off every line of this order: 0 for most. */
function discountShare(rng: Prng, hour: number): number {
  if (hour >= HAPPY_HOURS[0] && hour < HAPPY_HOURS[1]) return rng.chance(0.4) ? 0.15 : 0;
  return rng.chance(0.05) ? 0.1 : 0;
}

/** One line: the discount rounded down to a whole minor unit, tax on what is left rounded half up. */
function lineOf(item: MenuItem, quantity: number, currency: SimCurrency, discount: number): SaleLine {
  const unitPriceMinor = item.priceMinor[currency];
  const gross = quantity * unitPriceMinor;
  const discountMinor = Math.floor(gross * discount);
  const taxMinor = Math.round((gross - discountMinor) * TAX_RATE[currency]);
  return { itemId: item.itemId, name: item.name, quantity, unitPriceMinor, taxMinor, discountMinor };
}
