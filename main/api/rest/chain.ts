import { numberOrText } from './query-values';
import type { RestRoute } from './types';

/**
 * The public ledger routes for integrators, each a binding of a `chain.*` method:
 * - `GET /api/v1/blocks/:height` (a decimal height, or a 0x block hash) → the block with its transactions;
 * - `GET /api/v1/txs/:hash` → the transaction with its receipt (or `pending`);
 * - `GET /api/v1/accounts/:address` → balance, nonce, stake and recent transactions (`?limit=&before=`);
 * - `POST /api/v1/txs` with `{ "tx": "0x…" }` (an encoded, signed transaction) → `{ txHash }`.
 * Malformed parameters are 400 (`BAD_REQUEST`), unknown ones 404 (`*_NOT_FOUND`), as problem+json.
 */
export const chainRoutes: RestRoute[] = [
  {
    method: 'POST',
    path: '/api/v1/txs',
    summary: 'Submit an encoded, signed transaction',
    call: 'chain.submitTx',
    input: ({ body }) => ({ tx: (body as { tx?: unknown } | null)?.tx }),
  },
  {
    method: 'GET',
    path: '/api/v1/blocks/:height',
    summary: 'A block by height (or by 0x hash) with its transactions',
    params: { height: 'A decimal height (1 is the first block after genesis), or a 0x block hash' },
    call: 'chain.block',
    input: ({ params }) => {
      const ref = params['height'] ?? '';
      if (ref.startsWith('0x')) return { hash: ref.toLowerCase() };
      return { height: /^[0-9]{1,16}$/.test(ref) ? Number(ref) : ref };
    },
  },
  {
    method: 'GET',
    path: '/api/v1/txs/:hash',
    summary: 'A transaction by hash with its receipt',
    params: { hash: "The transaction's 0x hash" },
    call: 'chain.tx',
    input: ({ params }) => ({ hash: params['hash'] }),
  },
  {
    method: 'GET',
    path: '/api/v1/accounts/:address',
    summary: 'An account: balance, nonce, stake and recent transactions',
    params: { address: "The account's 0x address" },
    query: {
      limit: 'How many recent transactions (1 to 200)',
      before: 'Page back: the `nextCursor` of the previous page ("height:index")',
    },
    call: 'chain.account',
    input: ({ params, query }) => ({
      address: params['address'],
      limit: numberOrText(query.get('limit')),
      before: query.get('before') ?? undefined,
    }),
  },
];
