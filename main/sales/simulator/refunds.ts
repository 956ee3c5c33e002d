/**
 * Refunds: about 2% of orders get money back some minutes after they close. Most are one dish sent
 * back (that line's total); the rest the whole bill. A refund never exceeds what the sale came to.
 */
import type { z } from 'zod';
import type { Prng } from '../../common/prng';
import type { RefundInput, SaleInput } from '../../contract/sales';
import { lineTotalMinor, saleTotalMinor } from '../sale-totals';

/** A refund as `POST /api/v1/sales/{orderId}/refunds` takes it. */
export type RefundPost = z.output<typeof RefundInput>;

/** The share of orders refunded. */
export const REFUND_SHARE = 0.02;
/** Of those, the share refunded whole (the rest: one line). */
const WHOLE_SHARE = 0.4;
/** How long after the sale a refund is made, minutes. */
const DELAY_MIN = [2, 40] as const;

const PARTIAL_REASONS = ['dish sent back', 'item never arrived', 'wrong dish'] as const;
const WHOLE_REASONS = ['guest complaint', 'charged twice', 'order cancelled'] as const;

/** The refund that follows `sale`, or undefined (98% of sales). Its id is the order's with `-r1`. */
export function refundFor(rng: Prng, sale: SaleInput): RefundPost | undefined {
  if (!rng.chance(REFUND_SHARE)) return undefined;
  const whole = rng.chance(WHOLE_SHARE);
  const amountMinor = whole ? saleTotalMinor(sale.lines) : lineTotalMinor(rng.pick(sale.lines));
  return {
    orderId: sale.orderId,
    refundId: `${sale.orderId}-r1`,
    amountMinor,
    timeMs: sale.timeMs + rng.int(DELAY_MIN[0], DELAY_MIN[1]) * 60_000,
    reason: rng.pick(whole ? WHOLE_REASONS : PARTIAL_REASONS),
  };
}
