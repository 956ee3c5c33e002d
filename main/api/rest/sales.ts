import { numberOrText } from './query-values';
import type { RestRoute } from './types';

/**
 * The POS routes, for tills with a `pos:write` key:
 * - `POST /api/v1/sales` with one sale or `{ "sales": [...] }` → 201 `{ sales: [receipt] }`, once durable;
 *   the same order again answers its first receipt, other content under its id is 409;
 * - `GET /api/v1/sales?from=&to=&terminalId=&paymentMethod=&state=&limit=&before=` → a page, newest first;
 * - `POST /api/v1/sales/:orderId/refunds` with `{ refundId, amountMinor, timeMs, reason }` → 201 the refund's receipt.
 */
export const salesRoutes: RestRoute[] = [
  {
    method: 'POST',
    path: '/api/v1/sales',
    summary: 'Record one sale or a batch (stored all or none)',
    created: true,
    problems: [409],
    call: 'sales.record',
    input: ({ body }) => body,
  },
  {
    method: 'GET',
    path: '/api/v1/sales',
    summary: 'The store’s sales, newest first',
    query: {
      from: 'From this time on (ms since the epoch, or an ISO date-time)',
      to: 'Before this time (ms since the epoch, or an ISO date-time)',
      terminalId: 'Only this terminal’s sales',
      paymentMethod: 'Only sales paid this way',
      state: 'Only sales at this point on their way to the chain',
      limit: 'How many (1 to 500, default 100)',
      before: 'Page back: the `nextBefore` of the previous page',
    },
    call: 'sales.list',
    input: ({ query }) => ({
      from: numberOrText(query.get('from')),
      to: numberOrText(query.get('to')),
      terminalId: query.get('terminalId') ?? undefined,
      paymentMethod: query.get('paymentMethod') ?? undefined,
      state: query.get('state') ?? undefined,
      limit: numberOrText(query.get('limit')),
      before: numberOrText(query.get('before')),
    }),
  },
  {
    method: 'GET',
    path: '/api/v1/sales/summary',
    summary: 'The store’s figures for a time window (totals, by hour, day, item, payment method)',
    query: {
      from: 'Start of the window (ms since the epoch, or an ISO date-time)',
      to: 'End of the window, exclusive (ms since the epoch, or an ISO date-time)',
      utcOffsetMinutes: 'The viewer’s offset east of UTC in minutes, for days and hours (default 0)',
    },
    call: 'sales.summary',
    input: ({ query }) => ({
      from: timeOrText(query.get('from')),
      to: timeOrText(query.get('to')),
      utcOffsetMinutes: intOrText(query.get('utcOffsetMinutes')),
    }),
  },
  {
    method: 'POST',
    path: '/api/v1/sales/:orderId/refunds',
    summary: 'Refund part or all of a sale',
    params: { orderId: 'The order id of the sale' },
    created: true,
    problems: [409],
    call: 'sales.refund',
    input: ({ params, body }) => ({ ...(isObject(body) ? body : {}), orderId: params['orderId'] }),
  },
];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A time as ms: a whole decimal, or an ISO date-time parsed (left as text when neither: the schema says so). */
function timeOrText(value: string | null): number | string | undefined {
  if (value === null) return undefined;
  if (/^[0-9]{1,16}$/.test(value)) return Number(value);
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : ms;
}

/** A whole decimal with an optional sign as a number, else the text. */
function intOrText(value: string | null): number | string | undefined {
  if (value === null) return undefined;
  return /^-?[0-9]{1,4}$/.test(value) ? Number(value) : value;
}
