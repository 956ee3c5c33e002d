/**
 * Loyalty cards at the till: a card's points (the customer share its sales minted, kept by the store
 * by the card's salted hash) and spending them. Points are token base units, as decimal text.
 */
import { z } from 'zod';
import { AUDITED, type EventRights, type EventTable, type MethodTable, method } from './define';
import { allow } from './access';

const Card = z.string().trim().min(4, 'the card number as read at the till').max(64);
const Points = z.string().regex(/^(0|[1-9][0-9]{0,38})$/, 'whole points, as decimal text');

/** Who works the till: the store's staff, and tills with a `pos:write` key. */
const TILL = allow(['owner', 'manager', 'cashier', 'hq-admin'], ['pos:write']);

export const LoyaltyBalance = z.object({
  /** Points the card may spend: earned by sales now final, minus what was redeemed. */
  balance: Points,
  /** Points its sales not yet final will earn. */
  pending: Points,
  /** How many of its sales have earned points. */
  earnedOrders: z.number().int(),
});

export const loyaltyMethods = {
  /** A POST, so the card number stays out of URLs and access logs. */
  'loyalty.balance': method(
    z.object({ card: Card }).strict(),
    LoyaltyBalance,
    allow(['owner', 'manager', 'cashier', 'auditor', 'hq-admin'], ['pos:write', 'read']),
  ),
  'loyalty.redeem': method(
    z
      .object({
        card: Card,
        /** Unique within the store: the same id again is the same redemption. */
        redemptionId: z
          .string()
          .regex(/^[A-Za-z0-9._-]{1,64}$/, 'use 1 to 64 letters, digits, dots, dashes or underscores'),
        points: Points.refine((p) => p !== '0', 'redeem at least 1 point'),
      })
      .strict(),
    z.object({ redemptionId: z.string(), points: Points, balance: Points }),
    TILL,
    AUDITED,
  ),
} satisfies MethodTable;

export const loyaltyEvents = {} satisfies EventTable;
export const loyaltyEventRights = {} satisfies EventRights<typeof loyaltyEvents>;
