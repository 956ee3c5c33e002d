/**
 * Royalty statements: per day, week or month of a period, the store's gross sales, the royalty it
 * owes HQ at the franchise's rate, what it paid (transfers to HQ, in final blocks) and what is still
 * outstanding, carried from before the period.
 */
import { z } from 'zod';
import { PEOPLE, allow } from './access';
import { type EventRights, type EventTable, type MethodTable, method } from './define';

export const StatementInput = z
  .object({
    /** A month (`2026-11`) or a year (`2026`). */
    period: z.string().regex(/^[0-9]{4}(-(0[1-9]|1[0-2]))?$/, 'a month as YYYY-MM or a year as YYYY'),
    by: z.enum(['day', 'week', 'month']).default('day'),
    /** The store's offset east of UTC in minutes: where its days begin. */
    utcOffsetMinutes: z.number().int().min(-840).max(840).default(0),
  })
  .strict();

export const StatementRow = z.object({
  /** `2026-11-03` (a day, or the Monday a week starts), or `2026-11` (a month). */
  label: z.string(),
  fromMs: z.number(),
  toMs: z.number(),
  orders: z.number().int(),
  grossMinor: z.number().int(),
  refundedMinor: z.number().int(),
  royaltyOwedMinor: z.number().int(),
  paidMinor: z.number().int(),
  /** Owed and not yet paid at the end of this row (from before the period on). */
  outstandingMinor: z.number().int(),
});
export type StatementRow = z.infer<typeof StatementRow>;

export const RoyaltyStatement = z.object({
  currency: z.string(),
  royaltyBps: z.number().int(),
  period: z.string(),
  by: z.enum(['day', 'week', 'month']),
  /** Owed and unpaid when the period began. */
  openingOutstandingMinor: z.number().int(),
  rows: z.array(StatementRow),
  totals: StatementRow.omit({ label: true, fromMs: true, toMs: true }),
});
export type RoyaltyStatement = z.infer<typeof RoyaltyStatement>;

export const royaltiesMethods = {
  'royalty.statement': method(StatementInput, RoyaltyStatement, allow(PEOPLE.readers, ['read'])),
} satisfies MethodTable;

export const royaltiesEvents = {} satisfies EventTable;
export const royaltiesEventRights = {} satisfies EventRights<typeof royaltiesEvents>;
