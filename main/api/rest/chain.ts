import { ApiError } from '../errors';
import type { NodeService } from '../../node/node-service';
import type { RestRoute } from './types';

/** What the chain routes use. */
export interface ChainRoutesDeps {
  node: Pick<NodeService, 'block' | 'tx' | 'account' | 'submit'>;
}

/**
 * The public ledger routes for integrators:
 * - `GET /api/v1/blocks/:height` (a decimal height, or a 0x block hash) → the block with its transactions;
 * - `GET /api/v1/txs/:hash` → the transaction with its receipt (or `pending`);
 * - `GET /api/v1/accounts/:address` → balance, nonce, stake and recent transactions (`?limit=&before=`);
 * - `POST /api/v1/txs` with `{ "tx": "0x…" }` (an encoded, signed transaction) → `{ txHash }`.
 * Malformed parameters are 400 (`BAD_REQUEST`), unknown ones 404 (`*_NOT_FOUND`), as problem+json.
 */
export function chainRoutes(deps: ChainRoutesDeps): RestRoute[] {
  return [
    {
      method: 'POST',
      path: '/api/v1/txs',
      summary: 'Submit an encoded, signed transaction',
      handler: async ({ body }) => {
        const tx = (body as { tx?: unknown } | null)?.tx;
        if (typeof tx !== 'string' || !/^0x([0-9a-fA-F]{2})+$/.test(tx) || tx.length > 2 + 2 * 64 * 1024)
          throw new ApiError(
            'BAD_REQUEST',
            'the body must be {"tx": "0x…"}: the encoded transaction as hex (at most 64 KiB)',
            { param: 'tx' },
          );
        return deps.node.submit(Uint8Array.from(Buffer.from(tx.slice(2), 'hex')));
      },
    },
    {
      method: 'GET',
      path: '/api/v1/blocks/:height',
      summary: 'A block by height (or by 0x hash) with its transactions',
      handler: async ({ params }) => {
        const p = params['height'] ?? '';
        if (/^0x[0-9a-fA-F]{64}$/.test(p)) return deps.node.block({ hash: p.toLowerCase() });
        if (!/^[1-9][0-9]{0,14}$/.test(p))
          throw new ApiError(
            'BAD_REQUEST',
            `block height must be a whole number ≥ 1 or a 0x block hash, got ${JSON.stringify(p.slice(0, 80))}`,
            { param: 'height' },
          );
        return deps.node.block({ height: Number(p) });
      },
    },
    {
      method: 'GET',
      path: '/api/v1/txs/:hash',
      summary: 'A transaction by hash with its receipt',
      handler: async ({ params }) => {
        const h = params['hash'] ?? '';
        if (!/^0x[0-9a-fA-F]{64}$/.test(h))
          throw new ApiError(
            'BAD_REQUEST',
            `a transaction hash is 0x followed by 64 hex digits, got ${JSON.stringify(h.slice(0, 80))}`,
            { param: 'hash' },
          );
        return deps.node.tx(h);
      },
    },
    {
      method: 'GET',
      path: '/api/v1/accounts/:address',
      summary: 'An account: balance, nonce, stake and recent transactions',
      handler: async ({ params, query }) => {
        const a = params['address'] ?? '';
        if (!/^0x[0-9a-fA-F]{40}$/.test(a))
          throw new ApiError(
            'BAD_REQUEST',
            `an address is 0x followed by 40 hex digits, got ${JSON.stringify(a.slice(0, 80))}`,
            { param: 'address' },
          );
        const limitText = query.get('limit') ?? '25';
        if (!/^[1-9][0-9]{0,2}$/.test(limitText) || Number(limitText) > 200)
          throw new ApiError(
            'BAD_REQUEST',
            `limit must be 1–200, got ${JSON.stringify(limitText.slice(0, 20))}`,
            { param: 'limit' },
          );
        const before = query.get('before') ?? undefined;
        if (before !== undefined && !/^\d{1,15}:\d{1,9}$/.test(before))
          throw new ApiError(
            'BAD_REQUEST',
            'before must be the nextCursor of a previous page ("height:index")',
            { param: 'before' },
          );
        try {
          return deps.node.account(a, Number(limitText), before);
        } catch (err) {
          if (err instanceof Error && (err as { code?: string }).code === 'BAD_CHECKSUM')
            throw new ApiError('BAD_REQUEST', err.message, { param: 'address' });
          throw err;
        }
      },
    },
  ];
}
