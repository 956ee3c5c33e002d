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
