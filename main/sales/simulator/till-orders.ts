/**
 * The orders one till closes in a live simulation, one at a time when the clock says so. Each till
 * draws from its own generator seeded by (seed, till), so what a till sells does not depend on how
 * the tills' requests interleave: the same seed gives every till the same orders in the same order.
 */
import { Prng, seedOf } from '../../common/prng';
import { DEFAULT_LOYALTY_GUESTS } from './guests';
import type { SimCurrency } from './menu';
import { type SimulatedOrder, simulateOrder } from './order-model';

/** What the tills of a live run share. */
export interface LiveRun {
  seed: number;
  currency: SimCurrency;
  /**
   * Starts every order id of the run, so two runs never reuse an id (1–40 of `[A-Za-z0-9._-]`; the
   * CLI uses the seed and the start time).
   */
  runTag: string;
  loyaltyGuests?: number;
}

const RUN_TAG = /^[A-Za-z0-9._-]{1,40}$/;

/**
 * Till `index` (1-based) of a live run: `till-<index>`, its orders `<runTag>-<index>-<n>`.
 *
 * @example
 * const till = new TillOrders({ seed: 7, currency: 'USD', runTag: 's7-m3x1' }, 1);
 * const { sale } = till.next(Date.now(), new Date().getHours()); // orderId 's7-m3x1-1-1'
 */
export class TillOrders {
  readonly terminalId: string;
  private readonly rng: Prng;
  private readonly menu: { currency: SimCurrency; seed: number; loyaltyGuests: number };
  private count = 0;

  constructor(
    private readonly run: LiveRun,
    private readonly index: number,
  ) {
    if (!RUN_TAG.test(run.runTag))
      throw new RangeError(`a run tag is 1–40 of [A-Za-z0-9._-], got ${run.runTag}`);
    if (!Number.isInteger(index) || index < 1)
      throw new RangeError(`a till index is 1 or more, got ${index}`);
    this.terminalId = `till-${index}`;
    this.rng = new Prng(seedOf(run.seed, index));
    this.menu = {
      currency: run.currency,
      seed: run.seed,
      loyaltyGuests: run.loyaltyGuests ?? DEFAULT_LOYALTY_GUESTS,
    };
  }

  /** How many orders this till has closed. */
  get closed(): number {
    return this.count;
  }

  /** The till's next order, closing at `timeMs` in the store's local hour `localHour`. */
  next(timeMs: number, localHour: number): SimulatedOrder {
    this.count += 1;
    return simulateOrder(this.rng, this.menu, {
      orderId: `${this.run.runTag}-${this.index}-${this.count}`,
      terminalId: this.terminalId,
      timeMs,
      localHour,
    });
  }
}
