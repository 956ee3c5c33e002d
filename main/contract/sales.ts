/**
 * Store sales: what a POS terminal posts (`POST /api/v1/sales`), what the store's books list, and
 * refunds. Money is integer minor units (cents, kopecks) of the franchise's currency; a sale's total
 * is what the chain records and the tokenomics mints on (ARCHITECTURE §9).
 */
import { z } from 'zod';
import { PEOPLE, allow } from './access';
import { AUDITED, type EventRights, type EventTable, type MethodTable, method } from './define';

/** The most sales one `POST /api/v1/sales` may carry. */
export const MAX_SALES_PER_POST = 500;
/** The most lines one sale may have. */
export const MAX_LINES_PER_SALE = 200;
/** The largest amount of one line or sale, minor units (a safe integer, far above any till). */
export const MAX_MINOR = 1_000_000_000_000;

/** An id a till or menu gives: 1–64 of `[A-Za-z0-9._-]` (as the chain's ids). */
const PosId = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, 'use 1 to 64 letters, digits, dots, dashes or underscores');
/** Minor currency units, a whole number ≥ 0. */
const Minor = z
  .number()
  .int('use whole minor units (e.g. cents)')
  .min(0, 'must not be negative')
  .max(MAX_MINOR);

/** How a guest paid. */
export const PAYMENT_METHODS = ['cash', 'card', 'mobile', 'voucher', 'loyalty', 'other'] as const;
export const PaymentMethod = z.enum(PAYMENT_METHODS);
export type PaymentMethod = z.infer<typeof PaymentMethod>;

/** One line of a sale. Its total is `quantity × unitPriceMinor − discountMinor + taxMinor`. */
export const SaleLine = z
  .object({
    itemId: PosId,
    name: z.string().trim().min(1, 'name the item').max(120),
    quantity: z.number().int('a whole quantity').min(1, 'at least 1').max(10_000),
    unitPriceMinor: Minor.refine((n) => n > 0, 'a unit price must be more than 0'),
    taxMinor: Minor.default(0),
    discountMinor: Minor.default(0),
  })
  .strict()
  .refine((l) => l.discountMinor <= l.quantity * l.unitPriceMinor, {
    message: 'a discount cannot exceed the line’s price',
    path: ['discountMinor'],
  });
export type SaleLine = z.output<typeof SaleLine>;

/** One sale as a POS terminal posts it. */
export const SaleInput = z
  .object({
    /** Unique within the store: the same id again is the same sale. */
    orderId: PosId,
    terminalId: PosId,
    /** When the sale closed at the till, ms since the Unix epoch. */
    timeMs: z.number().int().min(946_684_800_000, 'a time after 2000-01-01, in ms').max(8_640_000_000_000),
    /** ISO 4217 code: must be the franchise's currency. */
    currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD or RUB'),
    paymentMethod: PaymentMethod,
    lines: z.array(SaleLine).min(1, 'a sale has at least one line').max(MAX_LINES_PER_SALE),
    /** The guest's loyalty card number as read at the till; only a salted hash of it is kept. */
    loyaltyCard: z.string().trim().min(4).max(64).optional(),
  })
  .strict();
export type SaleInput = z.output<typeof SaleInput>;

/** `POST /api/v1/sales`: one sale, or `{ "sales": [...] }` (up to 500, stored all or none). */
export const RecordSalesInput = z.union([
  SaleInput,
  z.object({ sales: z.array(SaleInput).min(1).max(MAX_SALES_PER_POST) }).strict(),
]);

/** What the store answers for an accepted sale; the same order posted again gets the same answer. */
export const SaleReceipt = z.object({
  orderId: z.string(),
  terminalId: z.string(),
  totalMinor: z.number().int(),
  currency: z.string(),
  /** When this node made it durable. */
  acceptedAtMs: z.number(),
  /** Its place in its terminal's hash chain (1 is the terminal's first record). */
  terminalSeq: z.number().int(),
  /** The record's hash in that chain: SHA-256 over the previous hash and the record (hex). */
  hash: z.string(),
});
export type SaleReceipt = z.infer<typeof SaleReceipt>;

/** Where a sale stands on its way to the chain. */
export const SaleChainState = z.enum(['pending', 'submitted', 'recorded']);
export type SaleChainState = z.infer<typeof SaleChainState>;

/** A sale as the books list it. */
export const SaleView = SaleReceipt.extend({
  timeMs: z.number(),
  paymentMethod: PaymentMethod,
  lines: z.array(
    z.object({
      itemId: z.string(),
      name: z.string(),
      quantity: z.number(),
      unitPriceMinor: z.number(),
      taxMinor: z.number(),
      discountMinor: z.number(),
    }),
  ),
  loyalty: z.boolean(),
  refundedMinor: z.number().int(),
  chain: z.object({
    state: SaleChainState,
    txHash: z.string().nullable(),
    height: z.number().int().nullable(),
  }),
});
export type SaleView = z.infer<typeof SaleView>;

/** A whole decimal or ISO date-time text (query parameters), as ms. */
const TimeBound = z.union([
  z.number().int().min(0),
  z.iso.datetime({ offset: true }).transform((t) => Date.parse(t)),
]);

/** Filters of `GET /api/v1/sales`, newest first. */
export const ListSalesInput = z
  .object({
    from: TimeBound.optional(),
    to: TimeBound.optional(),
    terminalId: PosId.optional(),
    paymentMethod: PaymentMethod.optional(),
    state: SaleChainState.optional(),
    limit: z.number().int().min(1).max(500).default(100),
    /** Page back: the `nextBefore` of the previous page. */
    before: z.number().int().min(1).optional(),
  })
  .strict();

/** `POST /api/v1/sales/{orderId}/refunds`: money given back on a sale, at most what is left of it. */
export const RefundInput = z
  .object({
    orderId: PosId,
    /** Unique within the store: the same id again is the same refund. */
    refundId: PosId,
    amountMinor: Minor.refine((n) => n > 0, 'a refund must be more than 0'),
    timeMs: SaleInput.shape.timeMs,
    reason: z.string().trim().max(200).default(''),
  })
  .strict();

export const RefundReceipt = z.object({
  refundId: z.string(),
  orderId: z.string(),
  terminalId: z.string(),
  amountMinor: z.number().int(),
  acceptedAtMs: z.number(),
  terminalSeq: z.number().int(),
  hash: z.string(),
});
export type RefundReceipt = z.infer<typeof RefundReceipt>;

/** What the Sales page asks: a time window (`to` exclusive) and the viewer's offset from UTC for its days and hours. */
export const SalesSummaryInput = z
  .object({
    from: z.number().int().min(0),
    to: z.number().int().min(0),
    /** Minutes east of UTC (Moscow +180), as `-new Date().getTimezoneOffset()` gives. */
    utcOffsetMinutes: z.number().int().min(-840).max(840).default(0),
  })
  .strict()
  .refine((w) => w.to > w.from, { message: '`to` must be after `from`', path: ['to'] })
  .refine((w) => w.to - w.from <= 400 * 86_400_000, {
    message: 'a window of at most 400 days',
    path: ['to'],
  });

/** A window's figures. Royalty owed is revenue × the franchise's royalty rate, in minor units. */
export const SalesTotals = z.object({
  orders: z.number().int(),
  revenueMinor: z.number().int(),
  /** Revenue per order, rounded (0 when there are none). */
  averageCheckMinor: z.number().int(),
  refunds: z.number().int(),
  refundedMinor: z.number().int(),
  /** Orders with a loyalty card. */
  loyaltyOrders: z.number().int(),
  royaltyOwedMinor: z.number().int(),
});
export type SalesTotals = z.infer<typeof SalesTotals>;

/** The Sales page's figures for a window, in the franchise's currency. */
export const SalesSummary = z.object({
  currency: z.string(),
  royaltyBps: z.number().int(),
  totals: SalesTotals,
  /** The same window one week earlier ("against the same weekday last week"). */
  previous: SalesTotals,
  /** By the viewer's hour of day, 0–23 (every hour present). */
  byHour: z.array(
    z.object({ hour: z.number().int(), orders: z.number().int(), revenueMinor: z.number().int() }),
  ),
  /** By the viewer's calendar day (`YYYY-MM-DD`), days with sales or refunds only. */
  byDay: z.array(
    z.object({
      day: z.string(),
      orders: z.number().int(),
      revenueMinor: z.number().int(),
      refundedMinor: z.number().int(),
    }),
  ),
  /** The ten items with the most revenue. */
  topItems: z.array(
    z.object({
      itemId: z.string(),
      name: z.string(),
      quantity: z.number().int(),
      revenueMinor: z.number().int(),
    }),
  ),
  byPaymentMethod: z.array(
    z.object({ method: PaymentMethod, orders: z.number().int(), revenueMinor: z.number().int() }),
  ),
  /** The queue to the chain: sales accepted but not yet in a final block. */
  queue: z.object({
    pending: z.number().int(),
    submitted: z.number().int(),
    oldestWaitingAcceptedMs: z.number().nullable(),
    lastError: z.string().nullable(),
  }),
});
export type SalesSummary = z.infer<typeof SalesSummary>;

/** Who may post sales: the store's staff at the window, and tills with a `pos:write` key. */
const TILLS = allow(['owner', 'manager', 'cashier', 'hq-admin'], ['pos:write']);

export const salesMethods = {
  'sales.record': method(RecordSalesInput, z.object({ sales: z.array(SaleReceipt) }), TILLS),
  'sales.list': method(
    ListSalesInput,
    z.object({ items: z.array(SaleView), nextBefore: z.number().nullable() }),
    allow(PEOPLE.readers, ['read', 'pos:write']),
  ),
  'sales.refund': method(RefundInput, RefundReceipt, allow(PEOPLE.managers, ['pos:write']), AUDITED),
  'sales.summary': method(SalesSummaryInput, SalesSummary, allow(PEOPLE.readers, ['read'])),
} satisfies MethodTable;

export const salesEvents = {
  /** Sales were accepted (durable): the Sales page refreshes. */
  'sales.accepted': z.object({ count: z.number().int(), lastTimeMs: z.number() }),
} satisfies EventTable;

export const salesEventRights = {
  'sales.accepted': allow(PEOPLE.readers),
} satisfies EventRights<typeof salesEvents>;
